import type { Deal, DealEvent } from '@/api/types';
import { Button, Checkbox, Form, Input, LoadError, ServerText, Spin, Tag, Timeline, Typography, useShowError } from '@/components/ui';
import { useAddNote, useDealTimeline } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { formatDateTime } from '@/lib/dates';

import { runsDeal } from './access';

function EventText({ event }: { event: DealEvent }) {
  const t = useT();
  if (event.kind === 'stage_changed' && event.to_stage !== null) {
    return (
      <>
        {event.from_stage === null
          ? t('timeline.opened', { stage: t(`stage.${event.to_stage}`) })
          : t('timeline.moved', { from: t(`stage.${event.from_stage}`), to: t(`stage.${event.to_stage}`) })}
        {event.text ? (
          <Typography.Text type="secondary" data-user-text>
            {' — '}
            <ServerText text={event.text} />
          </Typography.Text>
        ) : null}
      </>
    );
  }
  return (
    <>
      <Tag>{codeLabel(t, 'EventOut.kind', event.kind)}</Tag>
      {event.kind === 'note' ? <span data-user-text>{event.text}</span> : <ServerText text={event.text} />}
    </>
  );
}

function NoteForm({ dealId }: { dealId: number }) {
  const t = useT();
  const [form] = Form.useForm<{ text: string; visible_to_parties: boolean }>();
  const add = useAddNote(dealId);
  const showError = useShowError();
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ visible_to_parties: false }}
      onFinish={(values) => add.mutate(values, { onSuccess: () => form.resetFields(), onError: (error) => showError(error, { form, fields: ['text'] }) })}
      style={{ marginTop: 16 }}
    >
      <Form.Item name="text" label={t('timeline.note')} rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('timeline.note') }) }]}>
        <Input.TextArea rows={2} maxLength={5000} />
      </Form.Item>
      <Form.Item name="visible_to_parties" valuePropName="checked">
        <Checkbox>{t('timeline.note.visible')}</Checkbox>
      </Form.Item>
      <Button htmlType="submit" loading={add.isPending}>
        {t('timeline.note.add')}
      </Button>
    </Form>
  );
}

/** Who did what, and when: stage changes, contract, payments, notes. */
export function TimelineSection({ deal }: { deal: Deal }) {
  const t = useT();
  const timeline = useDealTimeline(deal.id);
  if (timeline.isError) return <LoadError error={timeline.error} retry={() => void timeline.refetch()} />;
  if (timeline.isPending) return <Spin />;
  return (
    <>
      <Timeline
        items={timeline.data.map((event) => ({
          key: event.id,
          children: (
            <div data-testid="timeline-event">
              <Typography.Text type="secondary">
                {formatDateTime(event.at)} · {event.actor_name ?? t('timeline.system')}
              </Typography.Text>
              <div>
                <EventText event={event} />
              </div>
            </div>
          ),
        }))}
      />
      {runsDeal(deal) ? <NoteForm dealId={deal.id} /> : null}
    </>
  );
}
