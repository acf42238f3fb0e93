import { useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';

import { API_ENUMS } from '@/api/enums';
import type { FinancingInput, FinancingRequest, InvestorName } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Col,
  DateInput,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  MoneyInput,
  PageHeader,
  QueryState,
  Radio,
  Row,
  Select,
  Space,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useSession } from '@/features/accounts/useSession';
import { FieldSelect } from '@/features/listings/FieldSelect';
import { useFinancingAction, useFinancingRequest, useInvestorSearch, useSaveFinancing } from '@/hooks/queries/capital';
import { useDeals } from '@/hooks/queries/deals';
import { useAchievements, useDemands } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { useDebounced } from '@/lib/useDebounced';

type Subject = FinancingInput['subject'];

export interface FinancingFormValues {
  subject: Subject;
  achievement_id?: number | null;
  demand_id?: number | null;
  deal_id?: number | null;
  title: string;
  summary: string;
  field_id: number;
  region: string;
  amount: string;
  instrument: FinancingInput['instrument'];
  use_of_funds: string;
  milestones: { text: string; due_on: string }[];
  trl_current: number;
  trl_target: number;
  audience: FinancingInput['audience'];
  named_investor_ids: number[];
}

/** The fields the server may name in a 422; others are shown as a message. */
const FINANCING_FIELDS = [
  'subject', 'achievement_id', 'demand_id', 'deal_id', 'title', 'summary', 'field_id', 'region', 'amount',
  'instrument', 'use_of_funds', 'milestones', 'milestones.*', 'trl_current', 'trl_target', 'audience',
  'named_investor_ids', 'named_investor_ids.*',
] as const;

const OWNER_SUBJECTS: Record<'firm' | 'institute', Subject[]> = {
  firm: ['demand', 'project', 'deal'],
  institute: ['achievement', 'deal'],
};

function toValues(r: FinancingRequest): FinancingFormValues {
  return {
    subject: r.subject, achievement_id: r.achievement_id, demand_id: r.demand_id, deal_id: r.deal_id,
    title: r.title, summary: r.summary, field_id: r.field_id, region: r.region, amount: r.amount,
    instrument: r.instrument, use_of_funds: r.use_of_funds, milestones: r.milestones,
    trl_current: r.trl_current, trl_target: r.trl_target, audience: r.audience,
    named_investor_ids: r.named_investor_ids ?? [],
  };
}

function body(values: FinancingFormValues) {
  const { subject, achievement_id, demand_id, deal_id, ...rest } = values;
  const update = { ...rest, named_investor_ids: rest.audience === 'named' ? rest.named_investor_ids : [] };
  const create: FinancingInput = {
    ...update,
    subject,
    achievement_id: subject === 'achievement' ? (achievement_id ?? null) : null,
    demand_id: subject === 'demand' ? (demand_id ?? null) : null,
    deal_id: subject === 'deal' ? (deal_id ?? null) : null,
  };
  return { create, update };
}

/** Pick verified investors by typing part of their name (never their number). */
export function InvestorPicker({ value, onChange, multiple = false, id, exclude = [], ...props }: {
  value?: number[] | number;
  onChange?: (value: number[] | number | undefined) => void;
  multiple?: boolean;
  id?: string;
  exclude?: readonly number[];
  'aria-label'?: string;
  'data-testid'?: string;
}) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed, 250);
  const found = useInvestorSearch(q);
  const everyone = useInvestorSearch('');
  const [known, setKnown] = useState<Record<number, InvestorName>>({});
  const all = { ...known };
  for (const i of [...(everyone.data ?? []), ...(found.data ?? [])]) all[i.id] = i;
  const shown = (found.data ?? []).filter((i) => !exclude.includes(i.id));
  const chosen = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => all[v]).filter((i): i is InvestorName => i !== undefined);
  const options = [...chosen.filter((c) => !shown.some((i) => i.id === c.id)), ...shown];
  return (
    <Select<number[] | number>
      {...props}
      id={id}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      allowClear
      filterOption={false}
      value={value}
      onSearch={setTyped}
      loading={found.isFetching}
      placeholder={t('capital.investorPicker.placeholder')}
      notFoundContent={t('capital.investorPicker.none')}
      onChange={(next) => {
        setKnown(all);
        onChange?.(next);
      }}
      options={options.map((i) => ({ value: i.id, label: i.investor_kind ? `${i.name} · ${t(`investorKind.${i.investor_kind}`)}` : i.name }))}
      style={{ width: '100%' }}
    />
  );
}

function SubjectPicker({ subject }: { subject: Subject | undefined }) {
  const t = useT();
  const achievements = useAchievements({ mine: true, page_size: 100 }, subject === 'achievement');
  const demands = useDemands({ mine: true, page_size: 100 }, subject === 'demand');
  const deals = useDeals();
  if (subject === 'achievement') {
    return (
      <Form.Item name="achievement_id" label={t('financingSubject.achievement')} rules={[{ required: true, message: t('form.required', { field: t('financingSubject.achievement') }) }]}>
        <Select<number> showSearch optionFilterProp="label" data-testid="financing-achievement" loading={achievements.isPending}
          options={(achievements.data?.items ?? []).map((a) => ({ value: a.id, label: a.title }))} />
      </Form.Item>
    );
  }
  if (subject === 'demand') {
    return (
      <Form.Item name="demand_id" label={t('financingSubject.demand')} rules={[{ required: true, message: t('form.required', { field: t('financingSubject.demand') }) }]}>
        <Select<number> showSearch optionFilterProp="label" loading={demands.isPending}
          options={(demands.data?.items ?? []).map((d) => ({ value: d.id, label: d.title }))} />
      </Form.Item>
    );
  }
  if (subject === 'deal') {
    return (
      <Form.Item name="deal_id" label={t('financingSubject.deal')} rules={[{ required: true, message: t('form.required', { field: t('financingSubject.deal') }) }]}>
        <Select<number> showSearch optionFilterProp="label" loading={deals.isPending}
          options={(deals.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.demand_title} × ${d.achievement_title}` }))} />
      </Form.Item>
    );
  }
  return null;
}

function FinancingForm({ form, initialValues, subjects, canChangeSubject, submitting, onSubmit }: {
  form: FormInstance<FinancingFormValues>;
  initialValues: Partial<FinancingFormValues>;
  subjects: Subject[];
  canChangeSubject: boolean;
  submitting: boolean;
  onSubmit: (values: FinancingFormValues, publish: boolean) => void;
}) {
  const t = useT();
  const subject = Form.useWatch('subject', form);
  const audience = Form.useWatch('audience', form);
  const publish = useRef(false);
  const trlRule = { required: true, message: t('form.required', { field: 'TRL' }) };
  return (
    <Form<FinancingFormValues> form={form} layout="vertical" data-testid="financing-form" scrollToFirstError
      initialValues={{ audience: 'all_investors', instrument: 'equity', milestones: [], named_investor_ids: [], ...initialValues }}
      onFinish={(values) => onSubmit(values, publish.current)}>
      <Form.Item name="subject" label={t('capital.form.subject')} rules={[{ required: true }]}>
        <Radio.Group disabled={!canChangeSubject} options={subjects.map((s) => ({ value: s, label: t(`financingSubject.${s}`) }))} />
      </Form.Item>
      {canChangeSubject ? <SubjectPicker subject={subject} /> : null}
      <Form.Item name="title" label={t('capital.form.title')} rules={[required(t, t('capital.form.title')), { max: 200 }]}>
        <Input maxLength={200} showCount data-testid="financing-title" />
      </Form.Item>
      <Form.Item name="summary" label={t('capital.form.summary')} rules={[required(t, t('capital.form.summary'))]}>
        <Input.TextArea rows={4} maxLength={4000} showCount data-testid="financing-summary" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="field_id" label={t('common.field')} rules={[{ required: true, message: t('form.required', { field: t('common.field') }) }]}>
            <FieldSelect />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="region" label={t('common.region')} rules={[required(t, t('common.region'))]}>
            <Input maxLength={64} placeholder={t('listing.region.placeholder')} data-testid="financing-region" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="amount" label={t('capital.amountYuan')} extra={t('capital.form.amount.hint')}
            rules={[{ required: true, message: t('form.required', { field: t('capital.amount') }) }]}>
            <MoneyInput min="0.01" max="10000000000" data-testid="financing-amount" />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="trl_current" label={t('capital.form.trlCurrent')} rules={[trlRule]}>
            <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} data-testid="financing-trl-current" />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="trl_target" label={t('capital.form.trlTarget')} dependencies={['trl_current']}
            rules={[trlRule, ({ getFieldValue }) => ({
              validator: (_r, v: number | null | undefined) => (v != null && Number(getFieldValue('trl_current')) > v ? Promise.reject(new Error(t('capital.form.trlOrder'))) : Promise.resolve()),
            })]}>
            <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} data-testid="financing-trl-target" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="instrument" label={t('capital.stats.instrument')} rules={[{ required: true }]}>
        <Radio.Group options={API_ENUMS.Instrument.map((i) => ({ value: i, label: t(`instrument.${i}`) }))} />
      </Form.Item>
      <Form.Item name="use_of_funds" label={t('capital.useOfFunds')} rules={[required(t, t('capital.useOfFunds'))]}>
        <Input.TextArea rows={3} maxLength={4000} showCount data-testid="financing-use" />
      </Form.Item>
      <Typography.Text strong>{t('capital.form.milestones')}</Typography.Text>
      <Form.List name="milestones">
        {(rows, { add, remove }) => (
          <div style={{ marginTop: 8, marginBottom: 16 }}>
            {rows.map((row) => (
              <Row gutter={8} key={row.key} align="top">
                <Col xs={24} md={14}>
                  <Form.Item name={[row.name, 'text']} rules={[required(t, t('capital.form.milestone'))]}>
                    <Input maxLength={500} placeholder={t('capital.form.milestone')} aria-label={t('capital.form.milestone')} />
                  </Form.Item>
                </Col>
                <Col xs={16} md={7}>
                  <Form.Item name={[row.name, 'due_on']} rules={[{ required: true, message: t('form.required', { field: t('capital.form.dueOn') }) }]}>
                    <DateInput aria-label={t('capital.form.dueOn')} placeholder={t('capital.form.dueOn')} />
                  </Form.Item>
                </Col>
                <Col xs={8} md={3}>
                  <Button kind="link" danger onClick={() => remove(row.name)}>{t('capital.form.removeMilestone')}</Button>
                </Col>
              </Row>
            ))}
            <Button onClick={() => add({ text: '', due_on: null })} disabled={rows.length >= 20}>{t('capital.form.addMilestone')}</Button>
          </div>
        )}
      </Form.List>
      <Form.Item name="audience" label={t('capital.form.audience')} rules={[{ required: true }]}>
        <Radio.Group options={API_ENUMS.FinancingAudience.map((a) => ({ value: a, label: t(`financingAudience.${a}`) }))} />
      </Form.Item>
      {audience === 'named' ? (
        <Form.Item name="named_investor_ids" label={t('capital.form.namedInvestors')} extra={t('capital.form.namedInvestors.hint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('capital.form.namedInvestors.required') }]}>
          <InvestorPicker multiple data-testid="financing-investors" />
        </Form.Item>
      ) : null}
      <Alert type="info" showIcon message={t('capital.form.draftNote')} style={{ marginBottom: 16 }} />
      <Space wrap>
        <Button htmlType="submit" loading={submitting} onClick={() => (publish.current = false)} data-testid="financing-save-draft">{t('listing.saveDraft')}</Button>
        <Button kind="primary" htmlType="submit" loading={submitting} onClick={() => (publish.current = true)} data-testid="financing-publish">{t('listing.publish')}</Button>
      </Space>
    </Form>
  );
}

function useOwnerBase(): { base: string; subjects: Subject[] } {
  const session = useSession();
  const role = session.status === 'authenticated' ? session.user.role : undefined;
  return role === 'institute' ? { base: '/institute', subjects: OWNER_SUBJECTS.institute } : { base: '/firm', subjects: OWNER_SUBJECTS.firm };
}

function useSubmit(form: FormInstance<FinancingFormValues>, id?: number) {
  const t = useT();
  const save = useSaveFinancing();
  const act = useFinancingAction();
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();
  const { base } = useOwnerBase();
  const submit = (values: FinancingFormValues, publish: boolean) => {
    const { create, update } = body(values);
    const onError = (error: unknown) => showError(error, { form, fields: FINANCING_FIELDS });
    save.mutate(id === undefined ? { create } : { id, update }, {
      onSuccess: (saved) => {
        const done = () => void navigate(`${base}/financing/${saved.id}`, { replace: true });
        if (!publish) {
          void message.success(t('capital.form.savedDraft'));
          done();
          return;
        }
        act.mutate({ id: saved.id, action: 'publish' }, {
          onSuccess: () => { void message.success(t('capital.form.published')); done(); },
          // The draft is saved: say why it is not published and carry on editing it.
          onError: (error) => { onError(error); if (id === undefined) void navigate(`${base}/financing/${saved.id}/edit`, { replace: true }); },
        });
      },
      onError,
    });
  };
  return { submit, submitting: save.isPending || act.isPending };
}

/** A firm or an institute asks for money: a draft first, published when ready. */
export function NewFinancingPage() {
  const t = useT();
  const [form] = Form.useForm<FinancingFormValues>();
  const { subjects } = useOwnerBase();
  const { submit, submitting } = useSubmit(form);
  return (
    <>
      <PageHeader title={t('capital.form.new')} subtitle={t('capital.form.new.subtitle')} />
      <Card>
        <FinancingForm form={form} initialValues={{ subject: subjects[0] }} subjects={subjects} canChangeSubject submitting={submitting} onSubmit={submit} />
      </Card>
    </>
  );
}

/** Edit a draft (a published request is withdrawn and asked again instead). */
export function EditFinancingPage() {
  const t = useT();
  const id = Number(useParams().financingId);
  const request = useFinancingRequest(id);
  const [form] = Form.useForm<FinancingFormValues>();
  const { subjects } = useOwnerBase();
  const { submit, submitting } = useSubmit(form, id);
  return (
    <QueryState isPending={request.isPending} error={request.error} retry={() => void request.refetch()}>
      {request.data === undefined ? null : (
        <>
          <PageHeader title={t('capital.form.edit')} subtitle={request.data.title} />
          <Card>
            {request.data.status === 'draft' ? (
              <FinancingForm form={form} initialValues={toValues(request.data)} subjects={subjects} canChangeSubject={false} submitting={submitting} onSubmit={submit} />
            ) : (
              <Alert type="info" showIcon message={t('capital.form.onlyDrafts')} />
            )}
          </Card>
        </>
      )}
    </QueryState>
  );
}
