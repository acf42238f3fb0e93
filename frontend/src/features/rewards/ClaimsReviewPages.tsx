import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { ApiError } from '@/api/problem';
import { CLAIM_STATUSES, type Claim, type ClaimStatus, type ClaimSummary } from '@/api/types';
import {
  ActionButton,
  Alert,
  Badge,
  Button,
  Card,
  Col,
  Descriptions,
  EmptyState,
  Form,
  Input,
  LoadError,
  Money,
  PageHeader,
  QueryState,
  ReasonDialog,
  Row,
  Select,
  Space,
  Table,
  type TableColumns,
  TWO_COLUMNS,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { type ReviewAction, useClaim, useClaims, useReviewClaim } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

import { BreakdownTable } from './BreakdownTable';
import { ClawBackList } from './ClawBackList';
import { FlagCard } from './FlagCard';
import { ClaimStatusTag } from './labels';

const OPEN: ClaimStatus[] = ['submitted', 'under_review', 'approved'];

/** Every claim waiting for the bureau, flagged ones marked. */
export function ClaimsReviewListPage() {
  const t = useT();
  const [statuses, setStatuses] = useState<ClaimStatus[]>(OPEN);
  const [page, setPage] = useState(1);
  const claims = useClaims({ status: statuses.length ? statuses : undefined, page, page_size: 20 });
  const columns: TableColumns<ClaimSummary> = [
    { key: 'id', title: t('claim.number'), width: 80, render: (_, c) => <Link to={`/admin/claims/${c.id}`}>#{c.id}</Link> },
    { key: 'broker', title: t('claim.broker'), render: (_, c) => c.broker_name },
    { key: 'contract', title: t('contract.name'), render: (_, c) => c.contract_name },
    { key: 'region', title: t('common.region'), render: (_, c) => c.region },
    { key: 'status', title: t('common.status'), render: (_, c) => <ClaimStatusTag status={c.status} /> },
    {
      key: 'flags',
      title: t('claim.openFlags'),
      render: (_, c) => (c.open_flags ? <Badge count={c.open_flags} title={t('claim.openFlags')} /> : <Typography.Text type="secondary">0</Typography.Text>),
    },
    { key: 'amount', title: t('claim.amount'), align: 'right', render: (_, c) => <Money value={c.amount} /> },
    { key: 'submitted', title: t('claim.submittedAt'), render: (_, c) => formatDateTime(c.submitted_at) },
  ];
  return (
    <>
      <PageHeader title={t('nav.admin.claims')} subtitle={t('claim.review.subtitle')} />
      <Card>
        <Select<ClaimStatus[]>
          mode="multiple"
          allowClear
          aria-label={t('listing.filterByStatus')}
          placeholder={t('common.all')}
          style={{ width: '100%', maxWidth: 480, marginBottom: 16 }}
          value={statuses}
          onChange={(value) => {
            setStatuses(value);
            setPage(1);
          }}
          options={CLAIM_STATUSES.map((s) => ({ value: s, label: t(`claimStatus.${s}`) }))}
        />
        {claims.isError ? (
          <LoadError error={claims.error} retry={() => void claims.refetch()} />
        ) : (
          <Table<ClaimSummary>
            rowKey="id"
            columns={columns}
            dataSource={claims.data?.items}
            loading={claims.isPending}
            pagination={{ current: page, total: claims.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('claim.review.empty')} /> }}
          />
        )}
      </Card>
    </>
  );
}

function ReviewActions({ claim }: { claim: Claim }) {
  const t = useT();
  const review = useReviewClaim(claim.id);
  const message = useMessage();
  const showError = useShowError();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [paying, setPaying] = useState(false);
  const [payForm] = Form.useForm<{ reference: string }>();

  const run = (action: ReviewAction, done?: () => void) => {
    setRefusal(null);
    review.mutate(action, {
      onSuccess: () => {
        done?.();
        void message.success(t(`claim.review.done.${action.kind}`));
      },
      onError: (error) => {
        // 409s explain themselves: an open blocking flag, the approver may not pay, …
        if (error instanceof ApiError && (error.status === 409 || error.status === 403)) setRefusal(error.message);
        else showError(error);
      },
    });
  };
  const busy = (kind: ReviewAction['kind']) => review.isPending && review.variables.kind === kind;
  const session = useSession();
  const openFlags = (claim.flags ?? []).filter((flag) => flag.status === 'open').length;
  const approveBlocked =
    claim.status === 'submitted' ? t('claim.review.approve.startFirst') : openFlags > 0 ? t('claim.review.approve.openFlags', { count: openFlags }) : null;
  const payBlocked = session.status === 'authenticated' && claim.approved_by_id === session.user.id ? t('claim.review.pay.fourEyes') : null;

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {claim.status === 'submitted' ? (
          <Button kind="primary" loading={busy('review')} onClick={() => run({ kind: 'review' })} data-testid="claim-start-review">
            {t('claim.review.start')}
          </Button>
        ) : null}
        {claim.status === 'submitted' || claim.status === 'under_review' ? (
          <>
            <ActionButton
              kind="primary"
              loading={busy('approve')}
              disabledReason={approveBlocked}
              confirm={{ title: t('claim.review.approve.confirm'), okText: t('claim.review.approve'), testId: 'claim-approve-confirm' }}
              onClick={() => run({ kind: 'approve' })}
              data-testid="claim-approve"
            >
              {t('claim.review.approve')}
            </ActionButton>
            <Button danger onClick={() => setRejecting(true)} data-testid="claim-reject">
              {t('claim.review.reject')}
            </Button>
          </>
        ) : null}
        {claim.status === 'approved' ? (
          <ActionButton kind="primary" disabledReason={payBlocked} onClick={() => setPaying(true)} data-testid="claim-pay">
            {t('claim.review.pay')}
          </ActionButton>
        ) : null}
      </Space>
      {paying ? (
        <Form
          form={payForm}
          layout="inline"
          data-testid="claim-pay-form"
          onFinish={({ reference }) => run({ kind: 'pay', reference: reference.trim() }, () => setPaying(false))}
        >
          <Form.Item name="reference" label={t('claim.paymentReference')} rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('claim.paymentReference') }) }]}>
            <Input maxLength={64} />
          </Form.Item>
          <ActionButton
            kind="primary"
            loading={busy('pay')}
            data-testid="claim-pay-submit"
            confirm={{ title: t('claim.review.pay.confirm'), okText: t('claim.review.payConfirm'), testId: 'claim-pay-confirm' }}
            onClick={() => payForm.submit()}
          >
            {t('claim.review.payConfirm')}
          </ActionButton>
          <Button kind="text" onClick={() => setPaying(false)}>
            {t('common.cancel')}
          </Button>
        </Form>
      ) : null}
      {refusal === null ? null : <Alert type="warning" showIcon role="alert" message={t('error.conflict.title')} description={refusal} closable onClose={() => setRefusal(null)} />}
      <ReasonDialog
        open={rejecting}
        title={t('claim.review.reject')}
        description={t('claim.review.reject.explain')}
        okText={t('claim.review.reject')}
        danger
        loading={busy('reject')}
        testId="reject-claim"
        onCancel={() => setRejecting(false)}
        onSubmit={(reason) => run({ kind: 'reject', reason }, () => setRejecting(false))}
      />
    </Space>
  );
}

/** A claim under review: the facts and the calculation on the left, the integrity flags on the right. */
export function ClaimReviewPage() {
  const t = useT();
  const navigate = useNavigate();
  const id = Number(useParams().claimId);
  const claim = useClaim(id);
  return (
    <QueryState isPending={claim.isPending} error={claim.error} retry={() => void claim.refetch()}>
      {claim.data === undefined ? null : (
        <>
          <PageHeader
            title={
              <Space>
                {t('claim.title', { id: claim.data.id })}
                <ClaimStatusTag status={claim.data.status} />
              </Space>
            }
            subtitle={`${claim.data.broker_name} · ${claim.data.contract_name}`}
            extra={<Button onClick={() => void navigate('/admin/claims')}>{t('common.back')}</Button>}
          />
          <Row gutter={16}>
            <Col xs={24} lg={14}>
              <Card title={t('claim.facts')} style={{ marginBottom: 16 }}>
                <Descriptions
                  size="small"
                  column={TWO_COLUMNS}
                  items={[
                    { key: 'broker', label: t('claim.broker'), children: `${claim.data.broker_name} (#${claim.data.broker_id})` },
                    { key: 'deal', label: t('deal.numberShort'), children: <Link to={`/admin/deals/${claim.data.deal_id}`}>#{claim.data.deal_id}</Link> },
                    { key: 'type', label: t('contract.type'), children: t(`contractType.${claim.data.contract_type}`) },
                    { key: 'no', label: t('contract.registrationNo'), children: claim.data.registration_no ?? '—' },
                    { key: 'signed', label: t('contract.signedOn'), children: formatDate(claim.data.signed_on) },
                    { key: 'region', label: t('common.region'), children: claim.data.region },
                    { key: 'side', label: t('claim.side'), children: claim.data.side === null ? t('claim.side.whole') : t(`claim.side.${claim.data.side}`) },
                    { key: 'share', label: t('claim.share'), children: `${claim.data.share_percent}%` },
                    { key: 'submitted', label: t('claim.submittedAt'), children: formatDateTime(claim.data.submitted_at) },
                    { key: 'paid', label: t('claim.paidAt'), children: formatDateTime(claim.data.paid_at) },
                  ]}
                />
                {claim.data.rejection_reason === null ? null : <Alert type="error" showIcon message={t('claim.rejectedBecause', { reason: claim.data.rejection_reason })} style={{ marginTop: 12 }} />}
                <ClawBackList claim={claim.data} />
                <div style={{ marginTop: 16 }}>
                  <ReviewActions claim={claim.data} />
                </div>
              </Card>
              <Card title={t('breakdown.title')}>
                <BreakdownTable breakdown={claim.data.breakdown} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card title={t('flag.title', { count: claim.data.flags?.length ?? 0 })} data-testid="claim-flags">
                {claim.data.flags === null || claim.data.flags === undefined || claim.data.flags.length === 0 ? (
                  <EmptyState compact description={t('flag.none')} />
                ) : (
                  claim.data.flags.map((flag) => <FlagCard key={flag.id} flag={flag} />)
                )}
              </Card>
            </Col>
          </Row>
        </>
      )}
    </QueryState>
  );
}
