import { useState } from 'react';
import { Link } from 'react-router';

import { HELP_STATUSES, type HelpRequest, type HelpStatus } from '@/api/types';
import {
  Button,
  Card,
  EmptyState,
  LoadError,
  PageHeader,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumns,
  Tag,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useFieldName } from '@/features/listings/fields';
import { type HelpAction, useHelpAction, useHelpRequests } from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { HelpStatusTag } from './labels';
import { ageInDays, basePath } from './paths';

/** The broker's inbox of help requests offered to or taken by them; for administrators, every
 *  request by status and age, with the escalated ones on their own. */
export function HelpInboxPage() {
  const t = useT();
  const session = useSession();
  const role = session.status === 'authenticated' ? session.user.role : undefined;
  const admin = role === 'admin';
  const [status, setStatus] = useState<HelpStatus | undefined>(admin ? 'open' : undefined);
  const [escalated, setEscalated] = useState<'all' | 'escalated'>('all');
  const [page, setPage] = useState(1);
  const requests = useHelpRequests({
    status: status === undefined ? undefined : [status],
    escalated: escalated === 'escalated' ? true : undefined,
    page,
    page_size: 20,
  });
  const action = useHelpAction();
  const message = useMessage();
  const showError = useShowError();
  const fieldName = useFieldName();
  const base = basePath(role);

  const run = (r: HelpRequest, kind: HelpAction) =>
    action.mutate({ id: r.id, action: kind }, { onSuccess: () => void message.success(t(`intake.help.action.${kind}.done`)), onError: (e) => showError(e) });

  const columns: TableColumns<HelpRequest> = [
    { key: 'id', title: '#', width: 70, render: (_, r) => <Link to={`${base}/help/${r.id}`}>#{r.id}</Link> },
    {
      key: 'status',
      title: t('common.status'),
      width: 150,
      render: (_, r) => (
        <Space size={4} wrap>
          <HelpStatusTag status={r.status} />
          {r.overdue ? <Tag tone="danger">{t('intake.help.overdue')}</Tag> : null}
          {r.confidential ? <Tag tone="warning">{t('intake.help.confidential.yes')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'firm', title: t('common.organisation'), render: (_, r) => r.organisation_name ?? t('intake.help.hiddenUntilAccepted') },
    { key: 'field', title: t('common.field'), render: (_, r) => (r.field === null ? '—' : fieldName(r.field)) },
    { key: 'region', title: t('common.region'), width: 100, render: (_, r) => r.region },
    { key: 'age', title: t('intake.help.age'), width: 90, align: 'right', render: (_, r) => t('intake.help.days', { days: ageInDays(r.created_at) }) },
    { key: 'created', title: t('common.createdAt'), width: 160, render: (_, r) => formatDateTime(r.created_at) },
    ...(admin
      ? [{ key: 'broker', title: t('intake.help.broker'), render: (_: unknown, r: HelpRequest) => r.broker?.display_name ?? '—' }]
      : [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, r: HelpRequest) =>
              r.my_offer === 'offered' && r.status === 'open' ? (
                <Space size={0} wrap>
                  <Popconfirm title={t('intake.help.action.accept.confirm')} onConfirm={() => run(r, 'accept')} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                    <Button kind="link" data-testid={`help-accept-${r.id}`}>
                      {t('intake.help.action.accept')}
                    </Button>
                  </Popconfirm>
                  <Popconfirm title={t('intake.help.action.decline.confirm')} onConfirm={() => run(r, 'decline')} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                    <Button kind="link" danger>
                      {t('intake.help.action.decline')}
                    </Button>
                  </Popconfirm>
                </Space>
              ) : (
                <Link to={`${base}/help/${r.id}`}>{t('common.details')}</Link>
              ),
          },
        ]),
  ];

  return (
    <>
      <PageHeader title={admin ? t('nav.intake.adminHelp') : t('nav.intake.inbox')} subtitle={admin ? t('intake.inbox.adminSubtitle') : t('intake.inbox.subtitle')} />
      <Card>
        <Space style={{ marginBottom: 16 }} wrap>
          <Select<HelpStatus>
            allowClear
            style={{ width: 160 }}
            aria-label={t('listing.filterByStatus')}
            placeholder={t('listing.filterByStatus')}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={HELP_STATUSES.map((s) => ({ value: s, label: t(`intake.helpStatus.${s}`) }))}
          />
          {admin ? (
            <Segmented<'all' | 'escalated'>
              value={escalated}
              onChange={(value) => {
                setEscalated(value);
                setPage(1);
              }}
              options={[
                { value: 'all', label: t('common.all') },
                { value: 'escalated', label: t('intake.help.escalated') },
              ]}
            />
          ) : null}
        </Space>
        {requests.isError ? (
          <LoadError error={requests.error} retry={() => void requests.refetch()} />
        ) : (
          <Table<HelpRequest>
            rowKey="id"
            columns={columns}
            dataSource={requests.data?.items}
            loading={requests.isPending}
            scroll={{ x: 760 }}
            pagination={{ current: page, total: requests.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('intake.inbox.none')} /> }}
          />
        )}
      </Card>
    </>
  );
}
