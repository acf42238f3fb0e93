import { useState } from 'react';
import { Link } from 'react-router';

import { downloadFile } from '@/api/files';
import {
  ActionButton,
  Alert,
  Button,
  Card,
  Collapse,
  Descriptions,
  Form,
  icons,
  Input,
  Modal,
  Money,
  PageHeader,
  QueryState,
  Radio,
  Select,
  Space,
  Table,
  type TableColumns,
  Tag,
  Typography,
  Upload,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import {
  type Challenge,
  type ChallengeFile,
  type ChallengeInvitation,
  type ChallengeMilestone,
  type ChallengeProposal,
  type FileOwner,
  filesPath,
  useAnswerMembership,
  useAttachChallengeFile,
  useChallengeFiles,
  useChallengeProposal,
  useChallengeProposals,
  useInvitations,
  usePartners,
  useRemoveProposalFile,
} from '@/hooks/queries/challenges';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

const ACCEPT = '.pdf,.png,.jpg,.jpeg';

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function consentTone(status: ChallengeInvitation['status']) {
  return status === 'accepted' ? 'success' : status === 'declined' ? 'danger' : 'warning';
}

// --- files of a proposal or a milestone -------------------------------------------------------------

/** A proposal's or a milestone's files: everyone who sees it downloads; `editable` (the lead
 *  before the deadline, the winner while the milestone awaits a decision) uploads, and for a
 *  proposal removes. The server refuses the same, in words, if the view is stale. */
export function ChallengeFiles({ challengeId, owner, editable, testId, titled = true }: { challengeId: number; owner: FileOwner; editable: boolean; testId: string; titled?: boolean }) {
  const t = useT();
  const files = useChallengeFiles(challengeId, owner);
  const attach = useAttachChallengeFile(challengeId, owner);
  const remove = useRemoveProposalFile(challengeId, owner.id);
  const message = useMessage();
  const showError = useShowError();
  const columns: TableColumns<ChallengeFile> = [
    {
      key: 'name',
      title: t('challenges.files.file'),
      render: (_, f) => (
        <Space direction="vertical" size={0}>
          <span style={{ wordBreak: 'break-all' }}>{f.filename}</span>
          <Typography.Text type="secondary">{`${size(f.size)} · ${formatDateTime(f.uploaded_at)}`}</Typography.Text>
        </Space>
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 150,
      render: (_, f) => (
        <Space wrap size={4}>
          <Button size="small" data-testid={`${testId}-download-${f.id}`} onClick={() => void downloadFile(`${filesPath(challengeId, owner)}/${f.id}`, f.filename).catch((e: unknown) => showError(e))}>
            {t('challenges.files.download')}
          </Button>
          {editable && owner.kind === 'proposal' ? (
            <ActionButton
              size="small"
              kind="danger"
              loading={remove.isPending}
              confirm={{ title: t('challenges.files.removeConfirm', { name: f.filename }), okText: t('challenges.files.remove') }}
              onClick={() => remove.mutate(f.id, { onError: (e) => showError(e) })}
            >
              {t('challenges.files.remove')}
            </ActionButton>
          ) : null}
        </Space>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={testId}>
      {titled ? <Typography.Text strong>{owner.kind === 'proposal' ? t('challenges.files.proposal') : t('challenges.files.milestone')}</Typography.Text> : null}
      {editable ? (
        <Space wrap>
          <Upload
            accept={ACCEPT}
            showUploadList={false}
            beforeUpload={(file) => {
              attach.mutate(file, { onSuccess: () => void message.success(t('challenges.files.uploaded')), onError: (e) => showError(e) });
              return false;
            }}
          >
            <Button icon={<icons.UploadOutlined />} loading={attach.isPending} data-testid={`${testId}-upload`}>
              {t('challenges.files.upload')}
            </Button>
          </Upload>
          <Typography.Text type="secondary">{t('challenges.files.hint')}</Typography.Text>
        </Space>
      ) : null}
      <Table<ChallengeFile> rowKey="id" size="small" pagination={false} columns={columns} dataSource={files.data} loading={files.isPending} scroll={{ x: 360 }} locale={{ emptyText: t('challenges.files.none') }} />
    </Space>
  );
}

// --- a joint team's members: picked by name, their answers shown to the lead ------------------------

/** Picks member organisations by name (the challenge's eligible, verified organisations);
 *  the value is their ids. `known` names the ones already on the proposal. */
export function PartnerPicker({ challengeId, value, onChange, known, disabled }: { challengeId: number; value?: number[]; onChange?: (ids: number[]) => void; known: Record<number, string>; disabled?: boolean }) {
  const t = useT();
  const [q, setQ] = useState('');
  const found = usePartners(challengeId, q);
  const [names, setNames] = useState<Record<number, string>>({});
  const label = (id: number) => names[id] ?? known[id] ?? t('challenges.partners.unknown', { id });
  const options = [
    ...(value ?? []).map((id) => ({ value: id, label: label(id) })),
    ...(found.data ?? [])
      .filter((o) => !(value ?? []).includes(o.id))
      .map((o) => ({ value: o.id, label: `${o.name} · ${t(`orgKind.${o.kind}`)} · ${o.region}` })),
  ];
  return (
    <Select<number[]>
      mode="multiple"
      showSearch
      filterOption={false}
      disabled={disabled}
      value={value ?? []}
      maxCount={10}
      aria-label={t('challenges.partners.label')}
      data-testid="partner-picker"
      placeholder={t('challenges.partners.placeholder')}
      searchValue={q}
      onSearch={setQ}
      loading={found.isFetching}
      notFoundContent={q.trim().length < 2 ? t('challenges.partners.typeMore') : found.isFetching ? null : t('challenges.partners.none')}
      options={options}
      optionLabelProp="label"
      onChange={(ids) => {
        const picked = (found.data ?? []).filter((o) => ids.includes(o.id));
        if (picked.length > 0) setNames((before) => ({ ...before, ...Object.fromEntries(picked.map((o) => [o.id, o.name])) }));
        setQ('');
        onChange?.(ids);
      }}
    />
  );
}

/** The lead's view of each named member's answer (invited, agreed, declined). */
export function MemberConsents({ proposal }: { proposal: ChallengeProposal }) {
  const t = useT();
  const members = proposal.members ?? [];
  if (members.length === 0) return null;
  return (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }} data-testid="member-consents">
      <Typography.Text strong>{t('challenges.partners.consents')}</Typography.Text>
      {members.map((m) => (
        <Space key={m.org_id} wrap>
          <span>{m.org_name}</span>
          <Tag tone={consentTone(m.status)}>{t(`memberConsent.${m.status}`)}</Tag>
          {m.answered_at ? <Typography.Text type="secondary">{formatDateTime(m.answered_at)}</Typography.Text> : null}
        </Space>
      ))}
      {members.some((m) => m.status !== 'accepted') ? <Typography.Text type="secondary">{t('challenges.partners.consentHint')}</Typography.Text> : null}
    </Space>
  );
}

// --- a member organisation's invitations ----------------------------------------------------------

function ProposalSummary({ p }: { p: ChallengeProposal }) {
  const t = useT();
  return (
    <Descriptions
      column={1}
      size="small"
      items={[
        { key: 'approach', label: t('challenges.sheet.approach'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{p.approach}</Typography.Paragraph> },
        { key: 'team', label: t('challenges.sheet.team'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{p.team}</Typography.Paragraph> },
        ...((p.members ?? []).length > 0 ? [{ key: 'members', label: t('challenges.partners.members'), children: (p.members ?? []).map((m) => `${m.org_name}（${t(`memberConsent.${m.status}`)}）`).join(t('list.separator')) }] : []),
        { key: 'indicators', label: t('challenges.proposal.committed'), children: p.indicators.map((i) => `${i.name} ${i.comparator} ${i.threshold} ${i.unit}`).join('；') },
        { key: 'plan', label: t('challenges.proposal.planSection'), children: p.plan.map((s) => `${s.title}（${formatDate(s.due_on)}）`).join('；') },
        { key: 'budget', label: t('challenges.sheet.budget'), children: <Money value={p.budget} /> },
        { key: 'ip', label: t('challenges.sheet.ip'), children: p.ip_arrangement },
        { key: 'rev', label: t('challenges.proposal.revision'), children: `${p.revision} · ${formatDateTime(p.updated_at)}` },
      ]}
    />
  );
}

function InvitationCard({ inv }: { inv: ChallengeInvitation }) {
  const t = useT();
  const [shown, setShown] = useState(inv.status === 'invited');
  // A declined organisation no longer sees the proposal (the API answers 404); no request then.
  const proposal = useChallengeProposal(inv.challenge.id, inv.proposal_id, shown && inv.status !== 'declined');
  const answer = useAnswerMembership();
  const message = useMessage();
  const showError = useShowError();
  const reply = (accept: boolean) =>
    answer.mutate(
      { challengeId: inv.challenge.id, proposalId: inv.proposal_id, accept },
      { onSuccess: () => void message.success(accept ? t('challenges.invitations.accepted') : t('challenges.invitations.declined')), onError: (e) => showError(e) },
    );
  const answerable = inv.status === 'invited' && ['published', 'closed', 'under_review'].includes(inv.challenge.status);
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid={`invitation-${inv.proposal_id}`}
      title={<Link to={`/challenges/${inv.challenge.id}`} style={{ whiteSpace: 'normal' }}>{inv.challenge.title}</Link>}
      extra={<Tag tone={consentTone(inv.status)}>{t(`memberConsent.${inv.status}`)}</Tag>}
    >
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'lead', label: t('challenges.invitations.lead'), children: inv.lead_org_name },
          { key: 'issuer', label: t('challenges.issuer'), children: inv.challenge.bureau ? t('challenges.bureau') : inv.challenge.issuer_name ?? t('challenges.firm') },
          { key: 'prize', label: t('challenges.prize'), children: <Money value={inv.challenge.prize} /> },
          { key: 'deadline', label: t('challenges.deadline'), children: formatDate(inv.challenge.deadline) },
          { key: 'invited', label: t('challenges.invitations.invitedAt'), children: formatDateTime(inv.invited_at) },
          ...(inv.answered_at ? [{ key: 'answered', label: t('challenges.invitations.answeredAt'), children: formatDateTime(inv.answered_at) }] : []),
        ]}
      />
      {inv.status === 'declined' ? (
        <Typography.Text type="secondary">{t('challenges.invitations.declinedHint')}</Typography.Text>
      ) : shown ? (
        <QueryState isPending={proposal.isPending} error={proposal.error} retry={() => void proposal.refetch()}>
          {proposal.data ? (
            <>
              <Typography.Title level={5} style={{ marginTop: 12 }}>{t('challenges.invitations.proposal')}</Typography.Title>
              <ProposalSummary p={proposal.data} />
            </>
          ) : null}
        </QueryState>
      ) : (
        <Button kind="link" onClick={() => setShown(true)}>{t('challenges.invitations.show')}</Button>
      )}
      {answerable ? (
        <>
          <Alert type="info" showIcon style={{ margin: '12px 0' }} message={t('challenges.invitations.explain')} />
          <Space wrap>
            <Button kind="primary" loading={answer.isPending} data-testid={`invitation-accept-${inv.proposal_id}`} onClick={() => reply(true)}>
              {t('challenges.invitations.accept')}
            </Button>
            <ActionButton
              kind="danger"
              loading={answer.isPending}
              data-testid={`invitation-decline-${inv.proposal_id}`}
              confirm={{ title: t('challenges.invitations.declineConfirm'), okText: t('challenges.invitations.decline') }}
              onClick={() => reply(false)}
            >
              {t('challenges.invitations.decline')}
            </ActionButton>
          </Space>
        </>
      ) : inv.status === 'invited' ? (
        <Typography.Text type="secondary">{t('challenges.invitations.tooLate')}</Typography.Text>
      ) : null}
    </Card>
  );
}

/** `/firm/challenges`, `/institute/challenges`: the joint teams the organisation is named on,
 *  each with what its members may see of the proposal, answered here. */
export function InvitationsPage() {
  const t = useT();
  const list = useInvitations();
  const open = (list.data ?? []).filter((i) => i.status === 'invited').length;
  return (
    <>
      <PageHeader title={t('nav.party.challengeInvitations')} subtitle={t('challenges.invitations.subtitle')} extra={<Link to="/challenges">{t('challenges.title')}</Link>} />
      <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()}>
        {open > 0 ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('challenges.invitations.waiting', { count: open })} /> : null}
        {(list.data ?? []).length === 0 ? <Card><Typography.Text type="secondary">{t('challenges.invitations.none')}</Typography.Text></Card> : null}
        {(list.data ?? []).map((inv) => (
          <InvitationCard key={inv.proposal_id} inv={inv} />
        ))}
      </QueryState>
    </>
  );
}

/** The workspace's prompt: invitations awaiting the organisation's answer. */
export function PendingInvitations() {
  const t = useT();
  const session = useSession();
  const role = session.status === 'authenticated' ? session.user.role : null;
  const solver = (role === 'firm' || role === 'institute') && session.status === 'authenticated' && session.user.organisation !== null;
  const list = useInvitations(solver);
  const open = (list.data ?? []).filter((i) => i.status === 'invited').length;
  if (!solver || open === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="pending-invitations"
      message={t('challenges.invitations.waiting', { count: open })}
      action={<Link to={`/${role}/challenges`}>{t('challenges.invitations.answer')}</Link>}
    />
  );
}

// --- the issuer's (and administrators') view of the proposals ------------------------------------

/** Every proposal of the challenge with its agreed members and files: for the issuer and
 *  administrators (a solver sees only its own on the proposal page). */
export function ProposalsCard({ c }: { c: Challenge }) {
  const t = useT();
  const list = useChallengeProposals(c.id, true);
  return (
    <Card style={{ marginTop: 16 }} title={t('challenges.proposals.title')} data-testid="issuer-proposals">
      <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()}>
        {(list.data ?? []).length === 0 ? <Typography.Text type="secondary">{t('challenges.proposals.none')}</Typography.Text> : null}
        <Collapse
          items={(list.data ?? []).map((p) => ({
            key: p.id,
            label: `${p.lead_org_name ?? `${t('challenges.review.proposal')} #${p.id}`} · ${formatDateTime(p.updated_at)}`,
            extra: p.frozen_sha256 ? <Tag tone="neutral">{t('challenges.proposal.frozen')}</Tag> : null,
            children: (
              <>
                <ProposalSummary p={p} />
                <ChallengeFiles challengeId={c.id} owner={{ kind: 'proposal', id: p.id }} editable={false} testId={`proposal-files-${p.id}`} />
              </>
            ),
          }))}
        />
      </QueryState>
    </Card>
  );
}

// --- a milestone's evidence, files and expert check ------------------------------------------------

/** What the tracker shows under a milestone: the evidence, its files, the expert's check. */
export function MilestoneDetails({ c, m, uploads }: { c: Challenge; m: ChallengeMilestone; uploads: boolean }) {
  const t = useT();
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={`milestone-details-${m.id}`}>
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'evidence', label: t('challenges.tracker.evidenceText'), children: m.evidence ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{m.evidence}</Typography.Paragraph> : t('challenges.tracker.noEvidence') },
          ...(m.evidence_at ? [{ key: 'at', label: t('challenges.tracker.evidenceAt'), children: formatDateTime(m.evidence_at) }] : []),
          ...(c.milestone_expert_check ? [{ key: 'check', label: t('challenges.check.title'), children: <ExpertCheckState m={m} /> }] : []),
          ...(m.decision_reason ? [{ key: 'decision', label: t('challenges.tracker.decision'), children: m.decision_reason }] : []),
        ]}
      />
      <ChallengeFiles challengeId={c.id} owner={{ kind: 'milestone', id: m.id }} editable={uploads} testId={`milestone-files-${m.id}`} />
    </Space>
  );
}

export function ExpertCheckState({ m }: { m: ChallengeMilestone }) {
  const t = useT();
  if (m.expert_checked_at) {
    const failed = m.expert_verdict === 'fail';
    return (
      <Space direction="vertical" size={0}>
        <Space wrap>
          <Tag tone={failed ? 'danger' : 'success'}>{failed ? t('expertVerdict.fail') : t('challenges.check.passed')}</Tag>
          <Typography.Text type="secondary">{formatDateTime(m.expert_checked_at)}</Typography.Text>
        </Space>
        {m.expert_check_note ? <Typography.Text>{m.expert_check_note}</Typography.Text> : null}
      </Space>
    );
  }
  return <Tag tone="warning">{m.status === 'submitted' ? t('challenges.check.awaiting') : t('challenges.check.notYet')}</Tag>;
}

/** The winner's evidence: the files (uploaded at once) and the text that submits them. */
export function EvidenceDialog({ c, m, loading, onSubmit, onCancel }: { c: Challenge; m: ChallengeMilestone | null; loading: boolean; onSubmit: (text: string) => void; onCancel: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ text: string }>();
  return (
    <Modal
      open={m !== null}
      destroyOnHidden
      title={m ? `${t('challenges.tracker.evidence')} · ${m.seq}. ${m.title}` : ''}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading, 'data-testid': 'evidence-ok' }}
      onOk={() => void form.validateFields().then(({ text }) => onSubmit(text.trim()), () => undefined)}
      onCancel={onCancel}
    >
      {m ? (
        <>
          <Typography.Paragraph type="secondary">{c.milestone_expert_check ? t('challenges.tracker.evidenceHintCheck') : t('challenges.tracker.evidenceHint')}</Typography.Paragraph>
          <ChallengeFiles challengeId={c.id} owner={{ kind: 'milestone', id: m.id }} editable testId="evidence-files" />
          <Form form={form} layout="vertical" initialValues={{ text: m.evidence ?? '' }} style={{ marginTop: 12 }}>
            <Form.Item name="text" label={t('challenges.tracker.evidenceText')} rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('challenges.tracker.evidenceText') }) }]}>
              <Input.TextArea rows={4} maxLength={10000} data-testid="evidence-text" />
            </Form.Item>
          </Form>
        </>
      ) : null}
    </Modal>
  );
}

export type ExpertVerdict = 'pass' | 'fail';

/** The seated expert's verdict on submitted evidence (pass, or fail with the reason). */
export function ExpertCheckDialog({ m, loading, onSubmit, onCancel }: { m: ChallengeMilestone | null; loading: boolean; onSubmit: (verdict: ExpertVerdict, note: string) => void; onCancel: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ verdict: ExpertVerdict; note: string }>();
  return (
    <Modal
      open={m !== null}
      destroyOnHidden
      title={t('challenges.check.title')}
      okText={t('challenges.check.record')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading, 'data-testid': 'expert-check-ok' }}
      onOk={() => void form.validateFields().then(({ verdict, note }) => onSubmit(verdict, note.trim()), () => undefined)}
      onCancel={onCancel}
    >
      <Typography.Paragraph type="secondary">{t('challenges.check.explain')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ verdict: 'pass' }}>
        <Form.Item name="verdict" label={t('challenges.check.verdict')}>
          <Radio.Group
            data-testid="expert-check-verdict"
            options={[
              { value: 'pass', label: t('challenges.check.verdictPass') },
              { value: 'fail', label: t('challenges.check.verdictFail') },
            ]}
          />
        </Form.Item>
        <Form.Item name="note" label={t('challenges.check.note')} rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('challenges.check.note') }) }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid="expert-check-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
