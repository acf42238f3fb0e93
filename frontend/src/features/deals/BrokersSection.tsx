import { useState } from 'react';

import type { Deal, DealBroker } from '@/api/types';
import { Alert, Button, Divider, Flex, Form, InputNumber, Space, Table, type TableColumns, Tag, Typography, useMessage, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { type BrokerAnswer, type Shares, useBrokerAnswer, useInviteBroker, useProposeShares } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { runsDeal } from './access';
import { BrokerPicker } from './BrokerPicker';
import { sharesSumTo100 } from './shares';

interface ShareFormValues {
  broker_id?: number;
  shares: Record<string, string | number | null>;
}

function ShareEditor({ deal, invite }: { deal: Deal; invite: boolean }) {
  const t = useT();
  const [form] = Form.useForm<ShareFormValues>();
  const propose = useProposeShares(deal.id);
  const inviteBroker = useInviteBroker(deal.id);
  const message = useMessage();
  const showError = useShowError();
  const active = deal.brokers.filter((broker) => broker.status === 'active');
  const newId = Form.useWatch('broker_id', form);
  const [newName, setNewName] = useState('');
  const mutation = invite ? inviteBroker : propose;

  const submit = (values: ShareFormValues) => {
    const shares: Shares = {};
    for (const [id, share] of Object.entries(values.shares)) if (share !== null && share !== '') shares[id] = String(share);
    const onError = (error: unknown) => showError(error, { form, fields: ['broker_id', 'shares'] });
    if (invite && values.broker_id !== undefined) {
      inviteBroker.mutate({ broker_id: values.broker_id, shares }, { onSuccess: () => void message.success(t('shares.invited')), onError });
    } else {
      propose.mutate(shares, { onSuccess: () => void message.success(t('shares.proposed')), onError });
    }
  };

  return (
    <Form<ShareFormValues>
      form={form}
      layout="vertical"
      data-testid={invite ? 'invite-form' : 'shares-form'}
      initialValues={{ shares: Object.fromEntries(active.map((broker) => [String(broker.broker_id), broker.share])) }}
      onFinish={submit}
    >
      {invite ? (
        <Form.Item name="broker_id" label={t('shares.inviteeId')} extra={t('shares.inviteeId.hint')} rules={[{ required: true, message: t('form.required', { field: t('shares.inviteeId') }) }]}>
          <BrokerPicker exclude={deal.brokers.map((b) => b.broker_id)} onChange={(id, broker) => { form.setFieldValue('broker_id', id); setNewName(broker?.display_name ?? ''); }} />
        </Form.Item>
      ) : null}
      <Flex gap={16} wrap>
        {active.map((broker) => (
          <Form.Item key={broker.broker_id} name={['shares', String(broker.broker_id)]} label={t('shares.of', { name: broker.display_name })} rules={[{ required: true, message: t('form.required', { field: t('shares.share') }) }]}>
            <InputNumber min={0.01} max={100} precision={2} suffix="%" />
          </Form.Item>
        ))}
        {invite && newId ? (
          <Form.Item name={['shares', String(newId)]} label={t('shares.ofInvitee', { name: newName })} rules={[{ required: true, message: t('form.required', { field: t('shares.share') }) }]}>
            <InputNumber min={0.01} max={100} precision={2} suffix="%" />
          </Form.Item>
        ) : null}
      </Flex>
      <Form.Item shouldUpdate noStyle>
        {() => {
          const shares = form.getFieldValue('shares') as ShareFormValues['shares'] | undefined;
          const ok = shares === undefined || sharesSumTo100(shares);
          return ok ? null : <Alert type="warning" showIcon message={t('shares.mustSum100')} style={{ marginBottom: 12 }} />;
        }}
      </Form.Item>
      <Button htmlType="submit" kind="primary" loading={mutation.isPending}>
        {invite ? t('shares.invite') : t('shares.propose')}
      </Button>
    </Form>
  );
}

/** A broker's name from a names map the API sends beside the ids (JSON keys are strings). */
function nameOf(names: Readonly<Record<string, string>> | undefined, id: string | number): string {
  return names?.[String(id)] ?? '';
}

/** The brokers on the deal, their shares of the reward, invitations and share proposals. */
export function BrokersSection({ deal }: { deal: Deal }) {
  const t = useT();
  const session = useSession();
  const me = session.status === 'authenticated' ? session.user.id : null;
  const answer = useBrokerAnswer(deal.id);
  const message = useMessage();
  const showError = useShowError();
  const [editor, setEditor] = useState<'invite' | 'shares' | null>(null);

  const reply = (kind: BrokerAnswer) =>
    answer.mutate(kind, { onSuccess: () => void message.success(t(`shares.answer.${kind}`)), onError: (error) => showError(error) });

  const columns: TableColumns<DealBroker> = [
    { key: 'name', title: t('shares.broker'), render: (_, b) => b.display_name },
    { key: 'role', title: t('shares.role'), render: (_, b) => <Tag tone={b.role === 'lead' ? 'info' : 'neutral'}>{t(`brokerRole.${b.role}`)}</Tag> },
    { key: 'status', title: t('common.status'), render: (_, b) => t(`brokerStatus.${b.status}`) },
    { key: 'share', title: t('shares.share'), align: 'right', render: (_, b) => (b.share === null ? t('common.notAvailable') : `${b.share}%`) },
    { key: 'joined', title: t('shares.joinedAt'), render: (_, b) => formatDateTime(b.joined_at) },
  ];
  const proposal = deal.share_proposal;
  const awaitingMe = proposal !== null && me !== null && proposal.awaiting.includes(me);

  return (
    <>
      <Table<DealBroker> rowKey="broker_id" size="small" columns={columns} dataSource={deal.brokers} pagination={false} />
      {deal.relation === 'invitee' && deal.invitation !== null ? (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 12 }}
          message={
            deal.challenge
              ? t('shares.invitedToLead', { title: deal.challenge.title })
              : t('shares.invitedYou', { name: deal.invitation.invited_by_name ?? t('brokerRole.lead') })
          }
          description={Object.entries(deal.invitation.proposed_shares)
            .map(([id, share]) => t('roles.shares.line', { name: nameOf(deal.invitation?.names, id), share }))
            .join(' · ')}
          action={
            <Space direction="vertical">
              <Button size="small" kind="primary" onClick={() => reply('accept-invitation')} data-testid="accept-invitation">
                {t('shares.acceptInvitation')}
              </Button>
              <Button size="small" danger onClick={() => reply('decline-invitation')} data-testid="decline-invitation">
                {t('shares.declineInvitation')}
              </Button>
            </Space>
          }
        />
      ) : null}
      {proposal === null ? null : (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          message={t('shares.proposal', { at: formatDateTime(proposal.proposed_at) })}
          description={
            <>
              <div>
                {Object.entries(proposal.shares)
                  .map(([id, share]) => t('roles.shares.line', { name: nameOf(proposal.names, id), share }))
                  .join(' · ')}
              </div>
              <div>{t('shares.awaiting', { ids: proposal.awaiting.map((id) => nameOf(proposal.names, id)).join(t('list.separator')) })}</div>
            </>
          }
          action={
            awaitingMe ? (
              <Space direction="vertical">
                <Button size="small" kind="primary" onClick={() => reply('accept-shares')} data-testid="accept-shares">
                  {t('shares.accept')}
                </Button>
                <Button size="small" danger onClick={() => reply('decline-shares')} data-testid="decline-shares">
                  {t('shares.decline')}
                </Button>
              </Space>
            ) : undefined
          }
        />
      )}
      {runsDeal(deal) && deal.stage !== 'closed' ? (
        <>
          <Divider />
          <Typography.Paragraph type="secondary">{t('shares.explain')}</Typography.Paragraph>
          <Space>
            <Button onClick={() => setEditor(editor === 'shares' ? null : 'shares')}>{t('shares.propose')}</Button>
            {deal.relation === 'lead' ? <Button onClick={() => setEditor(editor === 'invite' ? null : 'invite')}>{t('shares.invite')}</Button> : null}
          </Space>
          {editor === null ? null : (
            <div style={{ marginTop: 16 }}>
              <ShareEditor key={editor} deal={deal} invite={editor === 'invite'} />
            </div>
          )}
        </>
      ) : null}
    </>
  );
}
