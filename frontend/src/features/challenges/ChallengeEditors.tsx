import { useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  DateInput,
  Descriptions,
  Form,
  icons,
  Input,
  InputNumber,
  Modal,
  Money,
  MoneyInput,
  PageHeader,
  QueryState,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useSession } from '@/features/accounts/useSession';
import {
  type Challenge,
  type ChallengeInput,
  type ChallengeProposal,
  type ProposalInput,
  type ReviewBoard,
  useChallenge,
  useChallengeProposals,
  useGapChallengeDraft,
  usePublishChallenge,
  useSaveChallenge,
  useSaveProposal,
  useSelectProposals,
} from '@/hooks/queries/challenges';
import { useDemands } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { ChallengeFiles, MemberConsents, PartnerPicker } from './ChallengeWork';
import { closesAtText, proposalsOpen } from './proposalWindow';

type Comparator = '≤' | '≥' | '=';
const COMPARATORS: Comparator[] = ['≤', '≥', '='];

interface IndicatorRow {
  name?: string;
  comparator?: Comparator;
  threshold?: string | null;
  unit?: string;
}

/** Yuan strings to fen, to add money without floating-point drift. */
function fen(value: string | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) : 0;
}

function yuan(fenValue: number): string {
  return (fenValue / 100).toFixed(2);
}

function indicatorOut(rows: IndicatorRow[] | undefined): ChallengeInput['indicators'] {
  return (rows ?? []).map((r) => ({ name: (r.name ?? '').trim(), comparator: r.comparator ?? '≤', threshold: r.threshold ?? '', unit: (r.unit ?? '').trim() }));
}

/** Rows of target indicators: name, comparator, threshold, unit. */
function IndicatorRows({ name, disabled = false }: { name: string | (string | number)[]; disabled?: boolean }) {
  const t = useT();
  return (
    <Form.List name={name}>
      {(rows, { add, remove }) => (
        <>
          {rows.map((row) => (
            <Space key={row.key} align="baseline" wrap style={{ display: 'flex', marginBottom: 4 }}>
              <Form.Item name={[row.name, 'name']} rules={[required(t, t('challenges.editor.indicatorName'))]}>
                <Input aria-label={t('challenges.editor.indicatorName')} placeholder={t('challenges.editor.indicatorName')} maxLength={200} style={{ width: 180 }} />
              </Form.Item>
              <Form.Item name={[row.name, 'comparator']} rules={[{ required: true, message: t('form.required', { field: t('challenges.editor.comparator') }) }]}>
                <Select aria-label={t('challenges.editor.comparator')} style={{ width: 130 }} options={COMPARATORS.map((c) => ({ value: c, label: t(`comparator.${c}`) }))} />
              </Form.Item>
              <Form.Item name={[row.name, 'threshold']} rules={[{ required: true, message: t('form.required', { field: t('challenges.editor.threshold') }) }]}>
                <InputNumber<string> stringMode aria-label={t('challenges.editor.threshold')} placeholder={t('challenges.editor.threshold')} style={{ width: 120 }} />
              </Form.Item>
              <Form.Item name={[row.name, 'unit']}>
                <Input aria-label={t('challenges.editor.unit')} placeholder={t('challenges.editor.unit')} maxLength={32} style={{ width: 90 }} />
              </Form.Item>
              {disabled ? null : <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('challenges.editor.removeRow')} onClick={() => remove(row.name)} />}
            </Space>
          ))}
          {disabled ? null : (
            <Button kind="secondary" icon={<icons.PlusOutlined />} onClick={() => add({ comparator: '≤' })}>
              {t('challenges.editor.addIndicator')}
            </Button>
          )}
        </>
      )}
    </Form.List>
  );
}

/** "Plan adds up to X of Y" — green when equal, a warning otherwise. */
function SumLine({ sum, target, label }: { sum: number; target: number; label: string }) {
  const t = useT();
  const ok = sum === target && target > 0;
  return (
    <Alert
      type={ok ? 'success' : 'warning'}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="sum-line"
      message={
        <Space wrap>
          {t('challenges.editor.sum')}
          <Money value={yuan(sum)} />
          {`/ ${label}`}
          <Money value={yuan(target)} />
          {ok ? null : t('challenges.editor.sumDiffers')}
        </Space>
      }
    />
  );
}

// --- the issuer's challenge editor ----------------------------------------------------------------

interface MilestoneRow {
  title?: string;
  indicator_names?: string[];
  due_on?: string | null;
  amount?: string | null;
}

interface ChallengeValues {
  title?: string;
  problem?: string;
  indicators?: IndicatorRow[];
  prize?: string | null;
  milestones?: MilestoneRow[];
  regions?: string[];
  org_kinds?: ('firm' | 'institute')[];
  joint_teams?: boolean;
  deadline?: string | null;
  review_criteria?: { name?: string; weight?: number | null }[];
  demand_id?: number | null;
}

const EDITOR_FIELDS = ['title', 'problem', 'indicators.*', 'prize', 'milestones.*', 'eligibility.regions', 'eligibility.org_kinds', 'deadline', 'review_criteria.*', 'demand_id'];

function toValues(c: Challenge): ChallengeValues {
  return {
    title: c.title,
    problem: c.problem,
    indicators: c.indicators.map((i) => ({ ...i, threshold: i.threshold })),
    prize: c.prize,
    milestones: c.milestones.map((m) => ({ title: m.title, indicator_names: (m.indicators ?? []).map((i) => i.name), due_on: m.due_on, amount: m.amount })),
    regions: c.eligibility.regions ?? [],
    org_kinds: c.eligibility.org_kinds ?? [],
    joint_teams: c.eligibility.joint_teams ?? true,
    deadline: c.deadline,
    review_criteria: c.review_criteria.map((r) => ({ name: r.name, weight: r.weight })),
    demand_id: c.demand_id,
  };
}

function toInput(v: ChallengeValues, original: Challenge | undefined): ChallengeInput {
  const targets = indicatorOut(v.indicators);
  const before = new Map((original?.milestones ?? []).flatMap((m) => (m.indicators ?? []).map((i) => [i.name, i] as const)));
  return {
    title: (v.title ?? '').trim(),
    problem: (v.problem ?? '').trim(),
    indicators: targets,
    prize: v.prize ?? '',
    milestones: (v.milestones ?? []).map((m) => ({
      title: (m.title ?? '').trim(),
      indicators: (m.indicator_names ?? []).flatMap((n) => {
        const found = targets.find((i) => i.name === n) ?? before.get(n);
        return found ? [found] : [];
      }),
      due_on: m.due_on ?? '',
      amount: m.amount ?? '',
    })),
    eligibility: { regions: v.regions ?? [], org_kinds: v.org_kinds ?? [], joint_teams: v.joint_teams ?? true },
    review_criteria: (v.review_criteria ?? []).map((r) => ({ name: (r.name ?? '').trim(), weight: r.weight ?? 1 })),
    deadline: v.deadline ?? '',
    demand_id: v.demand_id ?? null,
  };
}

/** `/challenges/new` (optionally `?chain=&node=` from a chain's gap) and `/challenges/:id/edit`. */
export function ChallengeEditorPage() {
  const t = useT();
  const params = useParams();
  const id = params.challengeId === undefined ? null : Number(params.challengeId);
  const [search] = useSearchParams();
  const chain = search.get('chain');
  const node = search.get('node');
  const existing = useChallenge(id ?? 0, id !== null);
  const draft = useGapChallengeDraft(id === null && chain !== null ? Number(chain) : null, id === null ? node : null);
  const pending = (id !== null && existing.isPending) || (id === null && chain !== null && node !== null && draft.isPending);
  const error = id !== null ? existing.error : null;
  const c = existing.data;
  return (
    <QueryState isPending={pending} error={error} retry={() => void existing.refetch()}>
      <PageHeader title={id === null ? t('challenges.editor.new') : t('challenges.editor.edit')} extra={id !== null ? <Link to={`/challenges/${id}`}>{t('challenges.editor.view')}</Link> : undefined} />
      {draft.error ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('challenges.editor.draftFailed')} /> : null}
      {draft.data ? <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('challenges.editor.fromGap')} /> : null}
      {c !== undefined && c.status !== 'draft' ? (
        <Alert type="info" showIcon message={t('challenges.editor.notDraft')} action={<Link to={`/challenges/${c.id}`}>{t('challenges.editor.view')}</Link>} />
      ) : pending ? null : (
        <ChallengeForm
          id={id}
          original={c}
          initial={
            c !== undefined
              ? toValues(c)
              : {
                  indicators: [{ comparator: '≤' }],
                  milestones: [{}],
                  joint_teams: true,
                  regions: [],
                  org_kinds: [],
                  review_criteria: [],
                  ...(draft.data ? { title: draft.data.title, problem: draft.data.problem, demand_id: draft.data.demand_id } : {}),
                }
          }
        />
      )}
    </QueryState>
  );
}

function ChallengeForm({ id, original, initial }: { id: number | null; original: Challenge | undefined; initial: ChallengeValues }) {
  const t = useT();
  const navigate = useNavigate();
  const session = useSession();
  const isFirm = session.status === 'authenticated' && session.user.role === 'firm';
  const demands = useDemands({ mine: true, page_size: 100 }, isFirm);
  const save = useSaveChallenge(id);
  const publish = usePublishChallenge();
  const message = useMessage();
  const showError = useShowError();
  const [form] = Form.useForm<ChallengeValues>();
  const publishing = useRef(false);
  const [intent, setIntent] = useState<'save' | 'publish'>('save');
  const choose = (next: 'save' | 'publish') => {
    publishing.current = next === 'publish';
    setIntent(next);
  };
  const prize = Form.useWatch('prize', form);
  const plan = Form.useWatch('milestones', form);
  const targets = (Form.useWatch('indicators', form) ?? []).map((i) => i.name).filter((n): n is string => typeof n === 'string' && n.trim() !== '');
  const sum = (plan ?? []).reduce((s, m) => s + fen(m.amount), 0);
  const onError = (e: Error) => showError(e, { form, fields: EDITOR_FIELDS });
  const submit = (v: ChallengeValues) => {
    const body = toInput(v, original);
    save.mutate(body, {
      onError,
      onSuccess: (saved) => {
        if (!publishing.current) {
          void message.success(t('challenges.editor.saved'));
          if (id === null) void navigate(`/challenges/${saved.id}/edit`, { replace: true });
          return;
        }
        publish.mutate(saved.id, {
          onError: (e) => {
            onError(e);
            if (id === null) void navigate(`/challenges/${saved.id}/edit`, { replace: true });
          },
          onSuccess: () => {
            void message.success(t('challenges.editor.published'));
            void navigate(`/challenges/${saved.id}`);
          },
        });
      },
    });
  };
  return (
    <Form<ChallengeValues> form={form} layout="vertical" initialValues={initial} onFinish={submit} scrollToFirstError aria-label={t('challenges.editor.new')} data-testid="challenge-form">
      <Card title={t('challenges.editor.problemSection')} style={{ marginBottom: 16 }}>
        <Form.Item name="title" label={t('challenges.editor.titleField')} rules={[required(t, t('challenges.editor.titleField')), { max: 200 }]}>
          <Input maxLength={200} showCount />
        </Form.Item>
        <Form.Item name="problem" label={t('challenges.problem')} rules={[required(t, t('challenges.problem'))]}>
          <Input.TextArea rows={6} maxLength={10000} showCount />
        </Form.Item>
        <Form.Item label={t('challenges.indicators')} extra={t('challenges.editor.indicatorsHint')} required>
          <IndicatorRows name="indicators" />
        </Form.Item>
        {isFirm ? (
          <Form.Item name="demand_id" label={t('challenges.editor.demand')} extra={t('challenges.editor.demandHint')}>
            <Select allowClear loading={demands.isPending} options={(demands.data?.items ?? []).map((d) => ({ value: d.id, label: d.title }))} />
          </Form.Item>
        ) : null}
      </Card>
      <Card title={t('challenges.editor.prizeSection')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="prize" label={t('challenges.prize')} rules={[{ required: true, message: t('form.required', { field: t('challenges.prize') }) }]}>
              <MoneyInput min="0.01" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="deadline" label={t('challenges.deadline')} extra={t('challenges.editor.deadlineHint')} rules={[{ required: true, message: t('form.required', { field: t('challenges.deadline') }) }]}>
              <DateInput aria-label={t('challenges.deadline')} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('challenges.milestones')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('challenges.editor.milestonesHint')}</Typography.Paragraph>
        <Form.List name="milestones">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, n) => (
                <Card key={row.key} size="small" style={{ marginBottom: 8 }} title={`${t('challenges.milestone')} ${n + 1}`} extra={rows.length > 1 ? <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('challenges.editor.removeRow')} onClick={() => remove(row.name)} /> : null}>
                  <Row gutter={12}>
                    <Col xs={24} md={10}>
                      <Form.Item name={[row.name, 'title']} label={t('challenges.editor.milestoneTitle')} rules={[required(t, t('challenges.editor.milestoneTitle'))]}>
                        <Input maxLength={200} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={7}>
                      <Form.Item name={[row.name, 'due_on']} label={t('challenges.dueOn')} rules={[{ required: true, message: t('form.required', { field: t('challenges.dueOn') }) }]}>
                        <DateInput aria-label={`${t('challenges.dueOn')} ${n + 1}`} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={7}>
                      <Form.Item name={[row.name, 'amount']} label={t('challenges.amount')} rules={[{ required: true, message: t('form.required', { field: t('challenges.amount') }) }]}>
                        <MoneyInput min="0.01" aria-label={`${t('challenges.amount')} ${n + 1}`} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name={[row.name, 'indicator_names']} label={t('challenges.editor.milestoneIndicators')} style={{ marginBottom: 0 }}>
                    <Select mode="multiple" allowClear options={targets.map((n) => ({ value: n, label: n }))} placeholder={t('challenges.editor.milestoneIndicatorsHint')} />
                  </Form.Item>
                </Card>
              ))}
              <Button kind="secondary" icon={<icons.PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16 }}>
                {t('challenges.editor.addMilestone')}
              </Button>
            </>
          )}
        </Form.List>
        <SumLine sum={sum} target={fen(prize)} label={t('challenges.prize')} />
      </Card>
      <Card title={t('challenges.editor.eligibilitySection')} style={{ marginBottom: 16 }}>
        <Form.Item name="regions" label={t('challenges.editor.regions')} extra={t('challenges.editor.regionsHint')}>
          <Select mode="tags" tokenSeparators={[',', '，', '、']} open={false} suffixIcon={null} maxCount={50} />
        </Form.Item>
        <Form.Item name="org_kinds" label={t('challenges.editor.orgKinds')} extra={t('challenges.editor.orgKindsHint')}>
          <Checkbox.Group options={(['firm', 'institute'] as const).map((k) => ({ value: k, label: t(`orgKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="joint_teams" label={t('challenges.editor.jointTeams')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Card>
      <Card title={t('challenges.editor.criteriaSection')} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('challenges.editor.criteriaHint')}</Typography.Paragraph>
        <Form.List name="review_criteria">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, n) => (
                <Space key={row.key} align="baseline" wrap style={{ display: 'flex', marginBottom: 4 }}>
                  <Typography.Text type="secondary">{`c${n + 1}`}</Typography.Text>
                  <Form.Item name={[row.name, 'name']} rules={[required(t, t('challenges.editor.criterion'))]}>
                    <Input aria-label={t('challenges.editor.criterion')} placeholder={t('challenges.editor.criterion')} maxLength={200} style={{ width: 220 }} />
                  </Form.Item>
                  <Form.Item name={[row.name, 'weight']} rules={[{ required: true, message: t('form.required', { field: t('challenges.editor.weight') }) }]}>
                    <InputNumber aria-label={t('challenges.editor.weight')} placeholder={t('challenges.editor.weight')} min={1} max={100} precision={0} style={{ width: 110 }} />
                  </Form.Item>
                  <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('challenges.editor.removeRow')} onClick={() => remove(row.name)} />
                </Space>
              ))}
              <Button kind="secondary" icon={<icons.PlusOutlined />} onClick={() => add({ weight: 20 })}>
                {t('challenges.editor.addCriterion')}
              </Button>
            </>
          )}
        </Form.List>
      </Card>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('challenges.editor.confidentialityDossier')} />
      <Space wrap>
        <Button htmlType="submit" loading={save.isPending && intent === 'save'} onClick={() => choose('save')} data-testid="challenge-save">
          {t('challenges.editor.saveDraft')}
        </Button>
        <Button kind="primary" htmlType="submit" loading={(save.isPending || publish.isPending) && intent === 'publish'} onClick={() => choose('publish')} data-testid="challenge-publish">
          {t('challenges.editor.publish')}
        </Button>
      </Space>
    </Form>
  );
}

// --- the solver's proposal ------------------------------------------------------------------------

interface ProposalValues {
  approach?: string;
  team?: string;
  member_org_ids?: number[];
  indicators?: IndicatorRow[];
  plan?: { title?: string; due_on?: string | null; amount?: string | null }[];
  ip_arrangement?: string;
}

const PROPOSAL_FIELDS = ['approach', 'team', 'member_org_ids', 'member_org_ids.*', 'indicators.*', 'plan.*', 'budget', 'ip_arrangement'];

/** `/challenges/:challengeId/proposal`: the solver's own proposal, editable until the deadline. */
export function ProposalEditorPage() {
  const t = useT();
  const id = Number(useParams().challengeId);
  const challenge = useChallenge(id);
  const session = useSession();
  const mine = useChallengeProposals(id, challenge.data !== undefined && challenge.data.status !== 'draft');
  const orgId = session.status === 'authenticated' ? session.user.organisation?.id : undefined;
  const own = (mine.data ?? []).find((p) => p.lead_org_id === orgId || p.member_org_ids.includes(orgId ?? -1));
  return (
    <QueryState isPending={challenge.isPending || mine.isPending} error={challenge.error ?? mine.error} retry={() => void challenge.refetch()}>
      {challenge.data ? (
        <>
          <PageHeader
            title={challenge.data.title}
            subtitle={t('challenges.proposal.title')}
            extra={
              <Space wrap>
                {own?.frozen_sha256 || !proposalsOpen(challenge.data) ? <Tag tone="neutral">{t('challenges.proposal.frozen')}</Tag> : null}
                <Link to={`/challenges/${id}`}>{t('challenges.editor.view')}</Link>
              </Space>
            }
          />
          <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('challenges.proposal.closesAt', { when: closesAtText(challenge.data.proposals_close_at) })} />
          {challenge.data.is_issuer ? <Alert type="info" showIcon message={t('challenges.proposal.issuer')} /> : <ProposalForm c={challenge.data} own={own} lead={own === undefined || own.lead_org_id === orgId} />}
        </>
      ) : null}
    </QueryState>
  );
}

function ProposalForm({ c, own, lead }: { c: Challenge; own: ChallengeProposal | undefined; lead: boolean }) {
  const t = useT();
  const [form] = Form.useForm<ProposalValues>();
  const save = useSaveProposal(c.id, own?.id ?? null);
  const message = useMessage();
  const showError = useShowError();
  const readOnly = !proposalsOpen(c) || !lead;
  const plan = Form.useWatch('plan', form);
  const sum = (plan ?? []).reduce((s, m) => s + fen(m.amount), 0);
  if (own === undefined && readOnly) return <Alert type="warning" showIcon message={t('challenges.proposal.closed')} />;
  const initial: ProposalValues = own
    ? {
        approach: own.approach,
        team: own.team,
        member_org_ids: own.member_org_ids,
        indicators: own.indicators.map((i) => ({ ...i, threshold: i.threshold })),
        plan: own.plan.map((p) => ({ title: p.title, due_on: p.due_on, amount: p.amount })),
        ip_arrangement: own.ip_arrangement,
      }
    : { indicators: c.indicators.map((i) => ({ ...i, threshold: i.threshold })), plan: [{}], member_org_ids: [] };
  const submit = (v: ProposalValues) => {
    const body: ProposalInput = {
      approach: (v.approach ?? '').trim(),
      team: (v.team ?? '').trim(),
      member_org_ids: v.member_org_ids ?? [],
      indicators: indicatorOut(v.indicators),
      plan: (v.plan ?? []).map((p) => ({ title: (p.title ?? '').trim(), due_on: p.due_on ?? '', amount: p.amount ?? '' })),
      budget: yuan(sum),
      ip_arrangement: (v.ip_arrangement ?? '').trim(),
    };
    save.mutate(body, {
      onSuccess: () => void message.success(own ? t('challenges.proposal.updated') : t('challenges.proposal.submitted')),
      onError: (e) => showError(e, { form, fields: PROPOSAL_FIELDS }),
    });
  };
  return (
    <>
    <Form<ProposalValues> form={form} layout="vertical" initialValues={initial} onFinish={submit} disabled={readOnly} scrollToFirstError aria-label={t('challenges.proposal.title')} data-testid="proposal-form">
      {own ? (
        <Descriptions
          column={1}
          size="small"
          style={{ marginBottom: 16 }}
          items={[
            { key: 'rev', label: t('challenges.proposal.revision'), children: `${own.revision} · ${formatDateTime(own.updated_at)}` },
            ...(own.frozen_sha256 ? [{ key: 'sha', label: t('challenges.proposal.fingerprint'), children: <Typography.Text code style={{ wordBreak: 'break-all' }}>{own.frozen_sha256}</Typography.Text> }] : []),
          ]}
        />
      ) : null}
      <Card title={t('challenges.proposal.solution')} style={{ marginBottom: 16 }}>
        <Form.Item name="approach" label={t('challenges.sheet.approach')} rules={[required(t, t('challenges.sheet.approach'))]}>
          <Input.TextArea rows={6} maxLength={10000} showCount />
        </Form.Item>
        <Form.Item label={t('challenges.proposal.committed')} extra={t('challenges.proposal.committedHint')} required>
          <IndicatorRows name="indicators" disabled={readOnly} />
        </Form.Item>
      </Card>
      <Card title={t('challenges.sheet.team')} style={{ marginBottom: 16 }}>
        <Form.Item name="team" label={t('challenges.proposal.teamText')} rules={[required(t, t('challenges.proposal.teamText'))]}>
          <Input.TextArea rows={4} maxLength={10000} />
        </Form.Item>
        {c.eligibility.joint_teams ? (
          <>
            <Form.Item name="member_org_ids" label={t('challenges.partners.label')} extra={t('challenges.partners.hint')}>
              <PartnerPicker challengeId={c.id} known={Object.fromEntries((own?.members ?? []).map((m) => [m.org_id, m.org_name]))} disabled={readOnly} />
            </Form.Item>
            {own ? <MemberConsents proposal={own} /> : null}
          </>
        ) : (
          <Typography.Paragraph type="secondary">{t('challenges.proposal.noJoint')}</Typography.Paragraph>
        )}
      </Card>
      <Card title={t('challenges.proposal.planSection')} style={{ marginBottom: 16 }}>
        <Form.List name="plan">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, n) => (
                <Row key={row.key} gutter={12} align="bottom">
                  <Col xs={24} md={10}>
                    <Form.Item name={[row.name, 'title']} label={`${t('challenges.milestone')} ${n + 1}`} rules={[required(t, t('challenges.editor.milestoneTitle'))]}>
                      <Input maxLength={200} />
                    </Form.Item>
                  </Col>
                  {/* On a phone the date takes a row and the amount most of the next: at 10/24 of
                      390 px the amount's digits were cut off ("800000.0"). */}
                  <Col xs={24} sm={12} md={6}>
                    <Form.Item name={[row.name, 'due_on']} label={t('challenges.dueOn')} rules={[{ required: true, message: t('form.required', { field: t('challenges.dueOn') }) }]}>
                      <DateInput aria-label={`${t('challenges.dueOn')} ${n + 1}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={20} sm={10} md={6}>
                    <Form.Item name={[row.name, 'amount']} label={t('challenges.amount')} rules={[{ required: true, message: t('form.required', { field: t('challenges.amount') }) }]}>
                      <MoneyInput min="0.01" aria-label={`${t('challenges.amount')} ${n + 1}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={4} sm={2} md={2}>
                    {rows.length > 1 && !readOnly ? (
                      <Form.Item>
                        <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('challenges.editor.removeRow')} onClick={() => remove(row.name)} />
                      </Form.Item>
                    ) : null}
                  </Col>
                </Row>
              ))}
              {readOnly ? null : (
                <Button kind="secondary" icon={<icons.PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16 }}>
                  {t('challenges.editor.addMilestone')}
                </Button>
              )}
            </>
          )}
        </Form.List>
        <Space wrap style={{ marginBottom: 8 }}>
          {t('challenges.sheet.budget')}
          <Money value={yuan(sum)} />
          {t('challenges.proposal.budgetHint')}
        </Space>
        <div>
          <Space wrap>
            {t('challenges.total')}
            <Money value={c.total} />
          </Space>
        </div>
      </Card>
      <Card title={t('challenges.sheet.ip')} style={{ marginBottom: 16 }}>
        <Form.Item name="ip_arrangement" label={t('challenges.sheet.ip')} rules={[required(t, t('challenges.sheet.ip'))]}>
          <Input.TextArea rows={3} maxLength={10000} />
        </Form.Item>
      </Card>
      {readOnly ? null : (
        <Button kind="primary" htmlType="submit" loading={save.isPending} data-testid="proposal-submit">
          {own ? t('challenges.proposal.update') : t('challenges.proposal.submit')}
        </Button>
      )}
    </Form>
      <Card title={t('challenges.files.proposal')} style={{ marginTop: 16 }}>
        {own ? (
          <>
            {readOnly && lead ? <Typography.Paragraph type="secondary">{t('challenges.files.frozen')}</Typography.Paragraph> : null}
            <ChallengeFiles challengeId={c.id} owner={{ kind: 'proposal', id: own.id }} editable={!readOnly} testId="proposal-files" titled={false} />
          </>
        ) : (
          <Typography.Text type="secondary">{t('challenges.files.afterSubmit')}</Typography.Text>
        )}
      </Card>
    </>
  );
}

// --- the award: one proposal, a split between several, or none -----------------------------------

interface AwardRow {
  proposal_id?: number;
  amount?: string | null;
  reason?: string;
}

interface AwardValues {
  mode: 'award' | 'none';
  awards?: AwardRow[];
  reason?: string;
  departure_reason?: string;
}

export function AwardDialog({ c, board, open, onClose }: { c: Challenge; board: ReviewBoard | undefined; open: boolean; onClose: () => void }) {
  const t = useT();
  const proposals = useChallengeProposals(c.id, open);
  const select = useSelectProposals(c.id);
  const message = useMessage();
  const showError = useShowError();
  const [form] = Form.useForm<AwardValues>();
  const [mode, setMode] = useState<'award' | 'none'>('award');
  const rows = Form.useWatch('awards', form) ?? [];
  const chosen = rows.map((r) => r.proposal_id).filter((p): p is number => typeof p === 'number');
  const sum = rows.reduce((s, r) => s + fen(r.amount), 0);
  const ranked = board !== undefined && board.seats.length > 0;
  const top = new Set((board?.ranking ?? []).slice(0, chosen.length).map((r) => r.proposal_id));
  const departs = ranked && mode === 'award' && chosen.length > 0 && chosen.some((p) => !top.has(p));
  const label = (p: ChallengeProposal) => {
    const rank = board?.ranking.find((r) => r.proposal_id === p.id);
    return `#${p.id}${rank ? ` · ${rank.lead_org_name} · ${t('challenges.review.rank')} ${rank.rank} · ${rank.overall_mean ?? '—'}` : ''}`;
  };
  // mutateAsync, not mutate: the decision re-renders the page without this dialog's card,
  // and the confirmation must still be said.
  const submit = (v: AwardValues) =>
    select.mutateAsync(
      v.mode === 'none'
        ? { awards: [], reason: (v.reason ?? '').trim() }
        : {
            awards: (v.awards ?? []).map((a) => ({ proposal_id: a.proposal_id ?? 0, amount: a.amount ?? '', reason: (a.reason ?? '').trim() })),
            reason: (v.reason ?? '').trim() === '' ? null : (v.reason ?? '').trim(),
            departure_reason: departs ? (v.departure_reason ?? '').trim() : null,
          },
    ).then(
      () => {
        onClose();
        void message.success(t('challenges.award.done'));
      },
      (e: unknown) => showError(e, { form, fields: ['awards', 'awards.*', 'reason', 'departure_reason'] }),
    );
  return (
    <Modal open={open} width={720} title={t('challenges.award.title')} okText={t('challenges.award.submit')} cancelText={t('common.cancel')} confirmLoading={select.isPending} onCancel={onClose} onOk={() => form.submit()}>
      <Form<AwardValues> form={form} layout="vertical" aria-label={t('challenges.award.title')} initialValues={{ mode: 'award', awards: [{ amount: c.total }] }} onFinish={submit}>
        <Form.Item name="mode">
          <Radio.Group
            optionType="button"
            onChange={(e) => setMode(e.target.value as 'award' | 'none')}
            options={[
              { value: 'award', label: t('challenges.award.modeAward') },
              { value: 'none', label: t('challenges.award.modeNone') },
            ]}
          />
        </Form.Item>
        {mode === 'award' ? (
          <>
            <Form.List name="awards">
              {(items, { add, remove }) => (
                <>
                  {items.map((item, n) => (
                    <Card key={item.key} size="small" style={{ marginBottom: 8 }} title={`${t('challenges.award.proposal')} ${n + 1}`} extra={items.length > 1 ? <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('challenges.editor.removeRow')} onClick={() => remove(item.name)} /> : null}>
                      <Form.Item name={[item.name, 'proposal_id']} label={t('challenges.award.proposal')} rules={[{ required: true, message: t('form.required', { field: t('challenges.award.proposal') }) }]}>
                        <Select aria-label={`${t('challenges.award.proposal')} ${n + 1}`} loading={proposals.isPending} options={(proposals.data ?? []).map((p) => ({ value: p.id, label: label(p), disabled: chosen.includes(p.id) && rows[n]?.proposal_id !== p.id }))} />
                      </Form.Item>
                      <Form.Item name={[item.name, 'amount']} label={t('challenges.award.share')} rules={[{ required: true, message: t('form.required', { field: t('challenges.award.share') }) }]}>
                        <MoneyInput min="0.01" aria-label={`${t('challenges.award.share')} ${n + 1}`} />
                      </Form.Item>
                      <Form.Item name={[item.name, 'reason']} label={t('challenges.award.reason')} rules={[required(t, t('challenges.award.reason'))]}>
                        <Input.TextArea rows={2} maxLength={1000} aria-label={`${t('challenges.award.reason')} ${n + 1}`} />
                      </Form.Item>
                    </Card>
                  ))}
                  {items.length < (proposals.data ?? []).length ? (
                    <Button kind="secondary" icon={<icons.PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 12 }}>
                      {t('challenges.award.addWinner')}
                    </Button>
                  ) : null}
                </>
              )}
            </Form.List>
            <SumLine sum={sum} target={fen(c.total)} label={t('challenges.total')} />
            {departs ? (
              <Form.Item name="departure_reason" label={t('challenges.review.departure')} extra={t('challenges.award.departureHint')} rules={[required(t, t('challenges.review.departure'))]}>
                <Input.TextArea rows={2} maxLength={1000} />
              </Form.Item>
            ) : null}
          </>
        ) : (
          <Form.Item name="reason" label={t('challenges.award.noneReason')} rules={[required(t, t('challenges.award.noneReason'))]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
