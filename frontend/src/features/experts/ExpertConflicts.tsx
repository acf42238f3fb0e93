import { useState } from 'react';

import { API_ENUMS } from '@/api/enums';
import type { ExpertKind } from '@/api/types';
import { Button, Form, Input, InputNumber, Select, Space, Typography, useShowError } from '@/components/ui';
import { useOrganisations } from '@/hooks/queries/accounts';
import { useAddConflict, useManualConflicts, useRemoveConflict } from '@/hooks/queries/experts';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

/** The conflicts an administrator recorded for an expert (the computed ones follow the facts
 *  and are shown, explained, beside each candidate of a request): add with a reason, remove. */
export function ManualConflicts({ expertId }: { expertId: number }) {
  const t = useT();
  const conflicts = useManualConflicts(expertId);
  const organisations = useOrganisations({ status: 'verified' });
  const add = useAddConflict(expertId);
  const remove = useRemoveConflict(expertId);
  const [form] = Form.useForm<{ organisation_id: number; reason: string }>();
  const showError = useShowError();
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={`manual-conflicts-${expertId}`}>
      <Typography.Text strong>{t('experts.conflicts.manual')}</Typography.Text>
      {(conflicts.data ?? []).length === 0 ? <Typography.Text type="secondary">{t('experts.conflicts.none')}</Typography.Text> : null}
      {(conflicts.data ?? []).map((c) => (
        <Space key={c.id} wrap size={4}>
          <Typography.Text>{`${c.organisation_name}：${c.reason}`}</Typography.Text>
          <Typography.Text type="secondary">{formatDateTime(c.created_at)}</Typography.Text>
          <Button size="small" kind="danger" loading={remove.isPending} onClick={() => remove.mutate(c.id, { onError: (e) => showError(e) })}>
            {t('experts.dossier.remove')}
          </Button>
        </Space>
      ))}
      <Form form={form} layout="inline" aria-label={t('experts.conflicts.add')}
        onFinish={(body) => add.mutate(body, { onSuccess: () => form.resetFields(), onError: (e) => showError(e) })}>
        <Form.Item name="organisation_id" label={t('experts.organisation')} rules={[{ required: true, message: t('experts.conflicts.pickOrg') }]}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ minWidth: 200 }}
            loading={organisations.isPending}
            options={(organisations.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('experts.conflicts.reason')} rules={[{ required: true, whitespace: true, message: t('experts.conflicts.reasonRequired') }]}>
          <Input maxLength={500} />
        </Form.Item>
        <Button htmlType="submit" loading={add.isPending}>{t('experts.conflicts.add')}</Button>
      </Form>
    </Space>
  );
}

const DEFAULT_MIX: ExpertKind[] = ['scientist', 'entrepreneur', 'investor'];
const ALL_KINDS = API_ENUMS.ExpertKind;

/** The panel's required mix when accepting a request: how many of each kind (default one
 *  scientist, one entrepreneur, one investor). */
export function MixEditor({ requestId, onAccept, loading }: { requestId: number; onAccept: (mix: ExpertKind[]) => void; loading: boolean }) {
  const t = useT();
  const [counts, setCounts] = useState<Record<ExpertKind, number>>(() =>
    Object.fromEntries(ALL_KINDS.map((k) => [k, DEFAULT_MIX.includes(k) ? 1 : 0])) as Record<ExpertKind, number>,
  );
  const mix = ALL_KINDS.flatMap((k) => Array<ExpertKind>(counts[k]).fill(k));
  return (
    <Space direction="vertical" data-testid={`poc-mix-${requestId}`}>
      <Typography.Text strong>{t('experts.poc.mix')}</Typography.Text>
      <Space wrap>
        {ALL_KINDS.map((k) => (
          <Space key={k} size={4}>
            <Typography.Text>{t(`expertKind.${k}`)}</Typography.Text>
            <InputNumber aria-label={t(`expertKind.${k}`)} min={0} max={3} precision={0} value={counts[k]} onChange={(v) => setCounts({ ...counts, [k]: typeof v === 'number' ? v : 0 })} style={{ width: 64 }} />
          </Space>
        ))}
      </Space>
      <Button kind="primary" size="small" disabled={mix.length === 0 || mix.length > 7} loading={loading} onClick={() => onAccept(mix)}>
        {t('experts.poc.acceptMix', { n: mix.length })}
      </Button>
    </Space>
  );
}
