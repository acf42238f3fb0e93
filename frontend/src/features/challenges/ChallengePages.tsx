import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { API_ENUMS } from '@/api/enums';
import type { Role } from '@/api/types';
import {
  ActionButton,
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  icons,
  Input,
  PageHeader,
  QueryState,
  Radio,
  ReasonDialog,
  Select,
  Space,
  Table,
  type TableColumns,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { Money } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { ChallengeDossier } from '@/features/challenges/ChallengeDossier';
import { AwardDialog } from '@/features/challenges/ChallengeEditors';
import { ChallengeFiles, EvidenceDialog, ExpertCheckDialog, ExpertCheckState, MilestoneDetails, ProposalsCard } from '@/features/challenges/ChallengeWork';
import { proposalsOpen } from '@/features/challenges/proposalWindow';
import {
  type Challenge,
  type ChallengeMilestone,
  type ChallengeSummary,
  type ExpertKindCode,
  type ProposalRank,
  type ReviewBoard,
  useAskReview,
  useChallenge,
  useChallengeProposals,
  useChallenges,
  useMilestoneAction,
  useMilestones,
  useReviewBoard,
  useReviewing,
  useSubmitScores,
  useTransition,
} from '@/hooks/queries/challenges';
import { useT } from '@/i18n';
import { formatDate, todayIso } from '@/lib/dates';

const KINDS = API_ENUMS.ExpertKind;

export function ChallengeStatusTag({ status }: { status: Challenge['status'] }) {
  const t = useT();
  const tone = status === 'published' ? 'info' : status === 'awarded' || status === 'in_delivery' || status === 'accepted' ? 'success' : status === 'failed' || status === 'terminated' || status === 'not_awarded' ? 'danger' : 'warning';
  return <Tag tone={tone}>{t(`challengeStatus.${status}`)}</Tag>;
}

// --- public ---------------------------------------------------------------------------------------

/** Open and past challenges with their status; no proposal content. */
export function ChallengeListPage() {
  const t = useT();
  const list = useChallenges();
  const session = useSession();
  const mayIssue = session.status === 'authenticated' && (session.user.role === 'admin' || session.user.role === 'firm');
  const columns: TableColumns<ChallengeSummary> = [
    { key: 'title', title: t('challenges.column.title'), render: (_, c) => <Link to={`/challenges/${c.id}`}>{c.title}</Link> },
    { key: 'issuer', title: t('challenges.issuer'), width: 160, render: (_, c) => (c.bureau ? t('challenges.bureau') : c.issuer_name ?? t('challenges.firm')) },
    { key: 'winners', title: t('challenges.winners'), width: 160, render: (_, c) => (c.winner_names?.length ? c.winner_names.join('、') : '—') },
    { key: 'prize', title: t('challenges.prize'), width: 150, align: 'right', render: (_, c) => <Money value={c.prize} rounded /> },
    { key: 'deadline', title: t('challenges.deadline'), width: 120, render: (_, c) => formatDate(c.deadline) },
    { key: 'status', title: t('common.status'), width: 110, render: (_, c) => <ChallengeStatusTag status={c.status} /> },
  ];
  return (
    <>
      <PageHeader
        title={t('challenges.title')}
        subtitle={t('challenges.subtitle')}
        extra={
          mayIssue ? (
            <Link to="/challenges/new">
              <Button kind="primary" icon={<icons.PlusOutlined />} data-testid="challenge-new">
                {t('challenges.new')}
              </Button>
            </Link>
          ) : undefined
        }
      />
      <Card>
        <Table<ChallengeSummary> rowKey="id" columns={columns} dataSource={list.data?.items} loading={list.isPending} pagination={false} scroll={{ x: 900 }} locale={{ emptyText: t('challenges.none') }} />
      </Card>
    </>
  );
}

function ChallengeFacts({ c }: { c: Challenge }) {
  const t = useT();
  return (
    <Card>
      <Descriptions
        column={1}
        items={[
          { key: 'issuer', label: t('challenges.issuer'), children: c.bureau ? t('challenges.bureau') : c.issuer_name ?? t('challenges.firm') },
          ...(c.awards.length > 0 ? [{ key: 'winners', label: t('challenges.winners'), children: c.awards.map((a) => a.winner_name).join('、') }] : []),
          { key: 'prize', label: t('challenges.prize'), children: <Money value={c.prize} /> },
          { key: 'topUp', label: t('challenges.topUp'), children: <Money value={c.top_up} /> },
          { key: 'total', label: t('challenges.total'), children: <Money value={c.total} /> },
          { key: 'deadline', label: t('challenges.deadline'), children: formatDate(c.deadline) },
          { key: 'problem', label: t('challenges.problem'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.problem}</Typography.Paragraph> },
          {
            key: 'indicators',
            label: t('challenges.indicators'),
            children: (
              <Space wrap>
                {c.indicators.map((i) => (
                  <Tag key={i.name} tone="info">{`${i.name} ${i.comparator} ${i.threshold} ${i.unit}`}</Tag>
                ))}
              </Space>
            ),
          },
        ]}
      />
      <Typography.Title level={5}>{t('challenges.milestones')}</Typography.Title>
      <Table
        rowKey="title"
        size="small"
        pagination={false}
        dataSource={c.milestones}
        scroll={{ x: 360 }}
        columns={[
          { key: 'title', title: t('challenges.milestone'), render: (_, m) => m.title },
          { key: 'due', title: t('challenges.dueOn'), width: 110, render: (_, m) => formatDate(m.due_on) },
          { key: 'amount', title: t('challenges.amount'), width: 140, align: 'right', render: (_, m) => <Money value={m.amount} rounded /> },
        ]}
      />
      {c.awards.length > 0 || c.outcome_reason ? (
        <>
          <Typography.Title level={5}>{t('challenges.awards')}</Typography.Title>
          {c.awards.map((a) => (
            <Alert key={a.id} type="success" showIcon style={{ marginBottom: 8 }} message={<Space wrap><Typography.Text strong>{a.winner_name}</Typography.Text><Money value={a.amount} />{a.reason}</Space>} />
          ))}
          {c.outcome_reason ? <Typography.Paragraph>{`${t('challenges.outcome')}：${c.outcome_reason}`}</Typography.Paragraph> : null}
        </>
      ) : null}
    </Card>
  );
}

/** A challenge: public facts; the issuer's review board and award; both sides' milestones. */
export function ChallengeDetailPage() {
  const id = Number(useParams().challengeId);
  const challenge = useChallenge(id);
  const session = useSession();
  const role: Role | null = session.status === 'authenticated' ? session.user.role : null;
  return (
    <QueryState isPending={challenge.isPending} error={challenge.error} retry={() => void challenge.refetch()}>
      {challenge.data === undefined ? null : ((c) => {
        const overseer = c.is_issuer || role === 'admin';
        const winner = session.status === 'authenticated' && c.awards.some((a) => a.winner_org_id === session.user.organisation?.id);
        const delivering = ['in_delivery', 'accepted', 'failed', 'terminated'].includes(c.status);
        // A seated reviewer checks the evidence when the challenge asks for it (the API answers
        // 404 to any other expert; the tracker then says nothing).
        const checker = role === 'expert' && c.milestone_expert_check === true;
        return (
          <>
            <PageHeader title={c.title} extra={<ChallengeStatusTag status={c.status} />} />
            <ChallengeActions c={c} />
            <ChallengeFacts c={c} />
            <ChallengeDossier c={c} />
            {overseer && ['closed', 'under_review', 'awarded', 'not_awarded'].includes(c.status) ? <ReviewBoardCard c={c} /> : null}
            {overseer && c.status !== 'draft' ? <ProposalsCard c={c} /> : null}
            {overseer && c.status === 'awarded' ? <StartDelivery id={c.id} /> : null}
            {(overseer || winner || checker) && delivering ? <MilestoneTracker c={c} issuer={c.is_issuer} winner={winner} checker={checker} /> : null}
          </>
        );
      })(challenge.data)}
    </QueryState>
  );
}

/** The issuer's draft (edit, publish) and a solver's way in (submit, edit or read its proposal). */
function ChallengeActions({ c }: { c: Challenge }) {
  const t = useT();
  const session = useSession();
  const user = session.status === 'authenticated' ? session.user : null;
  const solver = user !== null && (user.role === 'firm' || user.role === 'institute') && !c.is_issuer && user.organisation != null;
  const mine = useChallengeProposals(c.id, solver && c.status !== 'draft');
  if (c.is_issuer && c.status === 'draft') {
    return (
      <Space wrap style={{ marginBottom: 16 }}>
        <Link to={`/challenges/${c.id}/edit`}>
          <Button kind="primary" icon={<icons.EditOutlined />}>{t('challenges.editor.editDraft')}</Button>
        </Link>
      </Space>
    );
  }
  if (!solver) return null;
  const own = (mine.data ?? [])[0];
  const open = proposalsOpen(c);
  if (own === undefined && !open) return null;
  if (user.organisation?.verification_status !== 'verified' && own === undefined) {
    return <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('challenges.proposal.verifyFirst')} />;
  }
  return (
    <Space wrap style={{ marginBottom: 16 }}>
      <Link to={`/challenges/${c.id}/proposal`}>
        <Button kind={own === undefined ? 'primary' : 'secondary'} data-testid="proposal-open">
          {own === undefined ? t('challenges.proposal.open') : t('challenges.proposal.mine')}
        </Button>
      </Link>
      {own !== undefined && !open ? <Tag tone="neutral">{t('challenges.proposal.frozen')}</Tag> : null}
    </Space>
  );
}

function StartDelivery({ id }: { id: number }) {
  const t = useT();
  const move = useTransition(id);
  const showError = useShowError();
  return (
    <Button kind="primary" style={{ marginTop: 16 }} loading={move.isPending} onClick={() => move.mutate({ to_status: 'in_delivery' }, { onError: (e) => showError(e) })}>
      {t('challenges.delivery.start')}
    </Button>
  );
}

// --- the issuer's review board and award ----------------------------------------------------------

function ReviewBoardCard({ c }: { c: Challenge }) {
  const t = useT();
  const board = useReviewBoard(c.id, true);
  const ask = useAskReview(c.id);
  const showError = useShowError();
  const [seats, setSeats] = useState<ExpertKindCode[]>(['scientist', 'entrepreneur']);
  const empty = board.data === undefined || board.data.seats.length === 0;
  return (
    <Card style={{ marginTop: 16 }} title={t('challenges.review.title')}>
      {empty && c.status === 'closed' ? (
        <Space wrap>
          <Select<ExpertKindCode[]> mode="multiple" style={{ minWidth: 260 }} aria-label={t('challenges.review.seats')} value={seats} onChange={setSeats} options={KINDS.map((k) => ({ value: k, label: t(`expertKind.${k}`) }))} />
          <Button kind="primary" loading={ask.isPending} onClick={() => ask.mutate(seats, { onError: (e) => showError(e) })}>
            {t('challenges.review.ask')}
          </Button>
        </Space>
      ) : null}
      {board.data && board.data.seats.length > 0 ? <Board board={board.data} c={c} /> : empty && c.status !== 'closed' ? <Typography.Text type="secondary">{t('challenges.review.none')}</Typography.Text> : null}
      {c.status === 'under_review' ? <AwardButton c={c} board={board.data} /> : null}
    </Card>
  );
}

function Board({ board, c }: { board: ReviewBoard; c: Challenge }) {
  const t = useT();
  const columns: TableColumns<ProposalRank> = [
    { key: 'rank', title: t('challenges.review.rank'), width: 64, render: (_, r) => r.rank },
    { key: 'proposal', title: t('challenges.review.proposal'), render: (_, r) => `#${r.proposal_id} ${r.lead_org_name}` },
    { key: 'mean', title: t('challenges.review.mean'), width: 90, align: 'right', render: (_, r) => r.overall_mean ?? '—' },
    { key: 'median', title: t('challenges.review.median'), width: 90, align: 'right', render: (_, r) => r.overall_median ?? '—' },
    { key: 'spread', title: t('challenges.review.spread'), width: 80, align: 'right', render: (_, r) => r.overall_spread ?? '—' },
    { key: 'scores', title: t('challenges.review.scores'), width: 150, render: (_, r) => r.reviewer_scores.join(' / ') || '—' },
    { key: 'dis', title: t('challenges.review.disagreement'), width: 110, render: (_, r) => (r.disagreement ? <Tag tone="warning">{t('challenges.review.disagreement')}</Tag> : <Tag tone="success">{t('challenges.review.agree')}</Tag>) },
  ];
  return (
    <>
      <Typography.Title level={5}>{t('challenges.review.panel')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        {board.seats.map((s) => (
          <Tag key={s.id} tone={s.status === 'submitted' ? 'success' : s.status === 'removed' ? 'neutral' : 'warning'}>
            {`${s.expert_name} · ${t(`expertKind.${s.kind}`)} · ${t(`reviewSeatStatus.${s.status}`)}`}
          </Tag>
        ))}
      </Space>
      {!board.complete && c.status === 'under_review' ? <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('challenges.review.pending')} /> : null}
      <Typography.Title level={5}>{t('challenges.review.ranking')}</Typography.Title>
      <Table<ProposalRank> rowKey="proposal_id" columns={columns} dataSource={board.ranking} pagination={false} scroll={{ x: 700 }} />
      {board.departure_reason ? <Alert type="warning" showIcon style={{ marginTop: 12 }} message={`${t('challenges.review.departure')}：${board.departure_reason}`} /> : null}
    </>
  );
}

function AwardButton({ c, board }: { c: Challenge; board: ReviewBoard | undefined }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button kind="primary" style={{ marginTop: 16 }} onClick={() => setOpen(true)} disabled={board !== undefined && board.seats.length > 0 && !board.complete} data-testid="award-open">
        {t('challenges.award.open')}
      </Button>
      {open ? <AwardDialog c={c} board={board} open={open} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

// --- the milestone tracker (issuer and winner) ----------------------------------------------------

type Dialog = { kind: 'evidence' | 'payment' | 'dispute' | 'check'; milestone: ChallengeMilestone } | null;

function MilestoneTracker({ c, issuer, winner, checker }: { c: Challenge; issuer: boolean; winner: boolean; checker: boolean }) {
  const t = useT();
  const list = useMilestones(c.id, true);
  const act = useMilestoneAction(c.id);
  const showError = useShowError();
  const [dialog, setDialog] = useState<Dialog>(null);
  const onError = (e: Error) => showError(e);
  const done = () => setDialog(null);
  const confirmed = (list.data ?? []).filter((m) => m.status === 'paid' && m.receipt_status === 'confirmed').reduce((sum, m) => sum + Number(m.paid_amount ?? 0), 0);
  const columns: TableColumns<ChallengeMilestone> = [
    { key: 'title', title: t('challenges.milestone'), render: (_, m) => <Space wrap>{`${m.seq}. ${m.title}`}{m.late ? <Tag tone="danger">{t('challenges.tracker.late')}</Tag> : null}</Space> },
    { key: 'due', title: t('challenges.dueOn'), width: 110, render: (_, m) => formatDate(m.due_on) },
    { key: 'amount', title: t('challenges.amount'), width: 130, align: 'right', render: (_, m) => <Money value={m.amount} rounded /> },
    { key: 'status', title: t('common.status'), width: 110, render: (_, m) => <Tag tone={m.status === 'paid' ? 'success' : m.status === 'rejected' ? 'danger' : 'info'}>{t(`milestoneStatus.${m.status}`)}</Tag> },
    ...(c.milestone_expert_check ? [{ key: 'check', title: t('challenges.check.title'), width: 150, render: (_: unknown, m: ChallengeMilestone) => <ExpertCheckState m={m} /> }] : []),
    {
      key: 'receipt',
      title: t('challenges.tracker.receipt'),
      width: 130,
      render: (_, m) => (m.receipt_status ? <Tag tone={m.receipt_status === 'confirmed' ? 'success' : 'danger'}>{t(`receiptStatus.${m.receipt_status}`)}</Tag> : m.status === 'paid' ? <Tag tone="warning">{t('challenges.tracker.awaitingReceipt')}</Tag> : '—'),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, m) => (
        <Space wrap>
          {winner && c.status === 'in_delivery' && (m.status === 'pending' || m.status === 'rejected') ? (
            <Button size="small" data-testid={`milestone-evidence-${m.id}`} onClick={() => setDialog({ kind: 'evidence', milestone: m })}>{t('challenges.tracker.evidence')}</Button>
          ) : null}
          {issuer && c.status === 'in_delivery' && m.status === 'submitted' ? (
            <ActionButton
              size="small"
              kind="primary"
              loading={act.isPending}
              data-testid={`milestone-accept-${m.id}`}
              disabledReason={
                m.expert_verdict === 'fail' ? t('challenges.check.acceptBlockedFail') : c.milestone_expert_check && !m.expert_checked_at ? t('challenges.check.acceptBlocked') : null
              }
              onClick={() => act.mutate({ milestoneId: m.id, action: { kind: 'accept' } }, { onError })}
            >
              {t('challenges.tracker.accept')}
            </ActionButton>
          ) : null}
          {checker && c.status === 'in_delivery' && m.status === 'submitted' && !m.expert_checked_at ? (
            <Button size="small" kind="primary" data-testid={`milestone-check-${m.id}`} onClick={() => setDialog({ kind: 'check', milestone: m })}>{t('challenges.check.open')}</Button>
          ) : null}
          {issuer && c.status === 'in_delivery' && m.status === 'accepted' ? (
            <Button size="small" kind="primary" onClick={() => setDialog({ kind: 'payment', milestone: m })}>{t('challenges.tracker.pay')}</Button>
          ) : null}
          {winner && c.status === 'in_delivery' && m.status === 'paid' && !m.receipt_status ? (
            <>
              <Button size="small" kind="primary" loading={act.isPending} onClick={() => act.mutate({ milestoneId: m.id, action: { kind: 'receipt', confirmed: true } }, { onError })}>{t('challenges.tracker.confirm')}</Button>
              <Button size="small" onClick={() => setDialog({ kind: 'dispute', milestone: m })}>{t('challenges.tracker.dispute')}</Button>
            </>
          ) : null}
        </Space>
      ),
    },
  ];
  return (
    <Card style={{ marginTop: 16 }} title={t('challenges.tracker.title')} extra={<Space>{t('challenges.tracker.paidConfirmed')}<Money value={confirmed.toFixed(2)} /></Space>}>
      {c.milestone_expert_check ? <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('challenges.check.required')} /> : null}
      <Table<ChallengeMilestone>
        rowKey="id"
        columns={columns}
        dataSource={list.data}
        loading={list.isPending}
        pagination={false}
        scroll={{ x: 760 }}
        expandable={{
          expandedRowRender: (m) => <MilestoneDetails c={c} m={m} uploads={winner && c.status === 'in_delivery' && ['pending', 'submitted', 'rejected'].includes(m.status)} />,
          expandRowByClick: false,
        }}
      />
      <EvidenceDialog
        c={c}
        m={dialog?.kind === 'evidence' ? dialog.milestone : null}
        loading={act.isPending}
        onCancel={done}
        onSubmit={(text) => dialog && act.mutate({ milestoneId: dialog.milestone.id, action: { kind: 'evidence', text } }, { onSuccess: done, onError })}
      />
      <ExpertCheckDialog
        m={dialog?.kind === 'check' ? dialog.milestone : null}
        loading={act.isPending}
        onCancel={done}
        onSubmit={(verdict, note) => dialog && act.mutate({ milestoneId: dialog.milestone.id, action: { kind: 'expertCheck', verdict, note } }, { onSuccess: done, onError })}
      />
      <ReasonDialog
        open={dialog?.kind === 'payment'}
        title={t('challenges.tracker.pay')}
        label={t('challenges.tracker.reference')}
        okText={t('challenges.tracker.pay')}
        maxLength={64}
        loading={act.isPending}
        onCancel={done}
        onSubmit={(reference) => dialog && act.mutate({ milestoneId: dialog.milestone.id, action: { kind: 'payment', paid_on: todayIso(), reference } }, { onSuccess: done, onError })}
      />
      <ReasonDialog
        open={dialog?.kind === 'dispute'}
        title={t('challenges.tracker.dispute')}
        label={t('challenges.tracker.disputeReason')}
        okText={t('challenges.tracker.dispute')}
        danger
        loading={act.isPending}
        onCancel={done}
        onSubmit={(reason) => dialog && act.mutate({ milestoneId: dialog.milestone.id, action: { kind: 'receipt', confirmed: false, reason } }, { onSuccess: done, onError })}
      />
    </Card>
  );
}

// --- the reviewer ---------------------------------------------------------------------------------

/** The challenges an expert is seated to review. */
export function ReviewingPage() {
  const t = useT();
  const list = useReviewing();
  return (
    <>
      <PageHeader title={t('nav.expert.challenges')} />
      <Card>
        <Table
          rowKey="seat_id"
          dataSource={list.data}
          loading={list.isPending}
          pagination={false}
          scroll={{ x: 480 }}
          locale={{ emptyText: t('challenges.reviewing.none') }}
          columns={[
            { key: 'title', title: t('challenges.column.title'), render: (_, r) => <Link to={`/expert/challenges/${r.challenge.id}`}>{r.challenge.title}</Link> },
            { key: 'deadline', title: t('challenges.deadline'), width: 120, render: (_, r) => formatDate(r.challenge.deadline) },
            { key: 'seat', title: t('common.status'), width: 120, render: (_, r) => <Tag tone={r.seat_status === 'submitted' ? 'success' : 'warning'}>{t(`reviewSeatStatus.${r.seat_status}`)}</Tag> },
          ]}
        />
      </Card>
    </>
  );
}

/** The reviewer's score sheet: every proposal on every criterion of the challenge's form. */
export function ScoreSheetPage() {
  const t = useT();
  const id = Number(useParams().challengeId);
  const challenge = useChallenge(id);
  const board = useReviewBoard(id, true);
  const proposals = useChallengeProposals(id, true);
  const submit = useSubmitScores(id);
  const message = useMessage();
  const showError = useShowError();
  const [form] = Form.useForm<{ scores: Record<string, Record<string, number> | undefined>; comments?: Record<string, string | undefined> }>();
  const seat = board.data?.my_seat;
  const submitted = seat?.status === 'submitted';
  return (
    <QueryState isPending={board.isPending || challenge.isPending} error={board.error ?? challenge.error} retry={() => void board.refetch()}>
      {board.data && challenge.data ? (
        <>
          <PageHeader
            title={challenge.data.title}
            subtitle={t('challenges.sheet.title')}
            extra={challenge.data.milestone_expert_check && ['in_delivery', 'accepted', 'failed', 'terminated'].includes(challenge.data.status) ? <Link to={`/challenges/${id}`}>{t('challenges.check.goTracker')}</Link> : undefined}
          />
          <Alert type={submitted ? 'success' : 'info'} showIcon style={{ marginBottom: 16 }} message={submitted ? t('challenges.sheet.submitted') : t('challenges.sheet.intro')} />
          {submitted ? <Board board={board.data} c={challenge.data} /> : null}
          <ChallengeDossier c={challenge.data} />
          <Form
            form={form}
            layout="vertical"
            disabled={submitted}
            aria-label={t('challenges.sheet.title')}
            onFinish={(v) =>
              submit.mutate(
                { reviews: (proposals.data ?? []).map((p) => ({ proposal_id: p.id, scores: v.scores[String(p.id)] ?? {}, comment: v.comments?.[String(p.id)]?.trim() ?? '' })) },
                { onSuccess: () => void message.success(t('challenges.sheet.submitted')), onError: (e) => showError(e) },
              )
            }
          >
            {(proposals.data ?? []).map((p) => (
              <Card key={p.id} size="small" style={{ marginBottom: 16 }} title={`${t('challenges.review.proposal')} #${p.id}`}>
                <Descriptions
                  column={1}
                  size="small"
                  items={[
                    { key: 'approach', label: t('challenges.sheet.approach'), children: p.approach },
                    { key: 'team', label: t('challenges.sheet.team'), children: p.team },
                    { key: 'indicators', label: t('challenges.indicators'), children: p.indicators.map((i) => `${i.name} ${i.comparator} ${i.threshold} ${i.unit}`).join('；') },
                    { key: 'budget', label: t('challenges.sheet.budget'), children: <Money value={p.budget} /> },
                    { key: 'ip', label: t('challenges.sheet.ip'), children: p.ip_arrangement },
                  ]}
                />
                <ChallengeFiles challengeId={id} owner={{ kind: 'proposal', id: p.id }} editable={false} testId={`proposal-files-${p.id}`} />
                {board.data.form.map((c) => (
                  <Form.Item
                    key={c.code}
                    name={['scores', String(p.id), c.code]}
                    label={`${c.name}（${t('challenges.sheet.weight', { weight: c.weight })}）`}
                    initialValue={seat?.scores[String(p.id)]?.[c.code]}
                    rules={[{ required: true }]}
                  >
                    <Radio.Group aria-label={`#${p.id} ${c.name}`} optionType="button" options={Array.from({ length: (c.high ?? 5) - (c.low ?? 1) + 1 }, (_, i) => ({ value: (c.low ?? 1) + i, label: String((c.low ?? 1) + i) }))} />
                  </Form.Item>
                ))}
                <Form.Item name={['comments', String(p.id)]} label={t('challenges.sheet.comment')} initialValue={seat?.comments[String(p.id)]}>
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
              </Card>
            ))}
            {submitted ? null : (
              <Button kind="primary" htmlType="submit" loading={submit.isPending}>
                {t('challenges.sheet.submit')}
              </Button>
            )}
          </Form>
        </>
      ) : null}
    </QueryState>
  );
}
