import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import type { HelpRequest } from '@/api/types';
import {
  Button,
  Card,
  Descriptions,
  PageHeader,
  Popconfirm,
  QueryState,
  Select,
  Space,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useFieldName } from '@/features/listings/fields';
import { type HelpAction, useAssignHelp, useHelpAction, useHelpCandidates, useHelpRequest } from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { DraftsSection } from './DraftsSection';
import { HelpStatusTag, LevelTag } from './labels';
import { basePath } from './paths';
import { VisitsSection } from './VisitsSection';

function AssignBroker({ request }: { request: HelpRequest }) {
  const t = useT();
  const candidates = useHelpCandidates(request.id);
  const assign = useAssignHelp();
  const message = useMessage();
  const showError = useShowError();
  const [broker, setBroker] = useState<number | undefined>();
  return (
    <Space wrap>
      <Select<number>
        style={{ minWidth: 260 }}
        placeholder={t('intake.assign.placeholder')}
        aria-label={t('intake.assign.placeholder')}
        value={broker}
        onChange={setBroker}
        loading={candidates.isPending}
        options={(candidates.data ?? []).map((c) => ({
          value: c.broker.id,
          label: `${c.broker.display_name} · ${c.broker.level ? t(`brokerLevel.${c.broker.level}`) : ''} · ${t('intake.assign.load', { load: c.load })}${c.field_match ? ` · ${t('intake.assign.fieldMatch')}` : ''}${c.region_match ? ` · ${t('intake.assign.regionMatch')}` : ''}`,
        }))}
      />
      <Button
        kind="primary"
        disabled={broker === undefined}
        loading={assign.isPending}
        onClick={() =>
          broker !== undefined &&
          assign.mutate({ id: request.id, brokerId: broker }, { onSuccess: () => void message.success(t('intake.assign.done')), onError: (e) => showError(e) })
        }
      >
        {t('intake.assign.submit')}
      </Button>
    </Space>
  );
}

export function HelpRequestPage() {
  const t = useT();
  const id = Number(useParams().requestId);
  const session = useSession();
  const me = session.status === 'authenticated' ? session.user : null;
  const base = basePath(me?.role);
  const request = useHelpRequest(id);
  const action = useHelpAction();
  const message = useMessage();
  const showError = useShowError();
  const navigate = useNavigate();
  const fieldName = useFieldName();

  const run = (kind: HelpAction) =>
    action.mutate(
      { id, action: kind },
      {
        onSuccess: () => {
          void message.success(t(`intake.help.action.${kind}.done`));
          if (kind === 'decline') void navigate(`${base}/help`);
        },
        onError: (error) => showError(error),
      },
    );

  return (
    <QueryState isPending={request.isPending} error={request.error} retry={() => void request.refetch()}>
      {request.data === undefined || me === null
        ? null
        : (() => {
            const r = request.data;
            const mine = me.role === 'broker' && r.broker?.id === me.id;
            const offered = me.role === 'broker' && r.my_offer === 'offered' && r.status === 'open';
            const insider = me.role !== 'broker' || mine;
            const actions: HelpAction[] = [];
            if (offered) actions.push('accept', 'decline');
            if (me.role === 'firm' && (r.status === 'open' || r.status === 'accepted')) actions.push('cancel');
            if ((me.role === 'firm' || mine) && r.status === 'accepted') actions.push('close');
            return (
              <>
                <PageHeader
                  title={t('intake.help.number', { id: r.id })}
                  subtitle={t('nav.intake.askForHelp')}
                  extra={
                    <Space wrap>
                      {actions.map((kind) => (
                        <Popconfirm key={kind} title={t(`intake.help.action.${kind}.confirm`)} onConfirm={() => run(kind)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                          <Button kind={kind === 'accept' ? 'primary' : 'secondary'} danger={kind === 'cancel' || kind === 'decline'} data-testid={`help-${kind}`}>
                            {t(`intake.help.action.${kind}`)}
                          </Button>
                        </Popconfirm>
                      ))}
                      <Button onClick={() => void navigate(-1)}>{t('common.back')}</Button>
                    </Space>
                  }
                />
                <Card>
                  <Descriptions
                    column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
                    bordered
                    size="small"
                    items={[
                      { key: 'status', label: t('common.status'), children: <HelpStatusTag status={r.status} /> },
                      { key: 'confidential', label: t('intake.help.confidential'), children: r.confidential ? <Tag tone="warning">{t('intake.help.confidential.yes')}</Tag> : t('intake.help.confidential.no') },
                      { key: 'firm', label: t('common.organisation'), children: r.organisation_name ?? t('intake.help.hiddenUntilAccepted') },
                      { key: 'by', label: t('intake.help.requestedBy'), children: r.requested_by ?? t('intake.help.hiddenUntilAccepted') },
                      { key: 'field', label: t('common.field'), children: r.field === null ? t('common.notAvailable') : fieldName(r.field) },
                      { key: 'region', label: t('common.region'), children: r.region },
                      { key: 'times', label: t('intake.help.preferredTimes'), children: r.preferred_times || t('common.notAvailable') },
                      {
                        key: 'broker',
                        label: t('intake.help.broker'),
                        children:
                          r.broker === null ? (
                            t('intake.help.waiting')
                          ) : (
                            <Space size={4}>
                              <Link to={`/brokers/${r.broker.id}`}>{r.broker.display_name}</Link>
                              <LevelTag level={r.broker.level} />
                            </Space>
                          ),
                      },
                      { key: 'created', label: t('common.createdAt'), children: formatDateTime(r.created_at) },
                      { key: 'accepted', label: t('intake.help.acceptedAt'), children: formatDateTime(r.accepted_at) },
                      ...(r.escalated_at === null ? [] : [{ key: 'escalated', label: t('intake.help.escalatedAt'), children: formatDateTime(r.escalated_at) }]),
                      {
                        key: 'description',
                        label: t('intake.help.description'),
                        span: 'filled' as const,
                        children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{r.description ?? t('intake.help.hiddenUntilAccepted')}</Typography.Paragraph>,
                      },
                    ]}
                  />
                  {me.role === 'admin' && r.status === 'open' ? (
                    <div style={{ marginTop: 16 }}>
                      <AssignBroker request={r} />
                    </div>
                  ) : null}
                </Card>
                {insider ? (
                  <>
                    <VisitsSection request={r} canRecord={mine && r.status === 'accepted'} />
                    <DraftsSection request={r} base={base} canDraft={mine && r.status === 'accepted'} />
                  </>
                ) : null}
              </>
            );
          })()}
    </QueryState>
  );
}
