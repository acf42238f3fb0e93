import { useState } from 'react';

import type { Invitation, JoinRequest } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  EmptyState,
  List,
  LoadError,
  PageHeader,
  Popconfirm,
  ReasonDialog,
  Space,
  Tag,
  type Tone,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useCreateInvitation, useDecideJoinRequest, useInvitations, useJoinRequests, useRevokeInvitation } from '@/hooks/queries/members';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { useSession } from './useSession';

/** A request to join, with the answer buttons (`showOrganisation`: in the administrators' queue). */
export function JoinRequestItem({ request, showOrganisation = false }: { request: JoinRequest; showOrganisation?: boolean }) {
  const orgId = request.organisation_id;
  const t = useT();
  const message = useMessage();
  const showError = useShowError();
  const decide = useDecideJoinRequest(orgId);
  const [declining, setDeclining] = useState(false);
  const who = request.broker_certificate_no
    ? t('members.request.broker', { level: t(`brokerLevel.${request.broker_level ?? 'junior'}`), certificate: request.broker_certificate_no })
    : t(`role.${request.role}`);
  return (
    <List.Item data-testid={`join-request-${request.id}`}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>{request.display_name}</Typography.Text>
          <Typography.Text type="secondary">{request.username}</Typography.Text>
          <Tag tone="neutral">{who}</Tag>
          {showOrganisation ? <Typography.Text>→ {request.organisation_name}</Typography.Text> : null}
        </Space>
        <Typography.Text type="secondary">
          {t('members.request.at', { at: formatDateTime(request.created_at) })}
          {request.email ? ` · ${request.email}` : ''}
        </Typography.Text>
        <Space wrap>
          <Button
            kind="primary"
            data-testid={`approve-join-${request.id}`}
            loading={decide.isPending && decide.variables.approve}
            onClick={() =>
              decide.mutate({ id: request.id, approve: true }, { onSuccess: () => void message.success(t('members.approved')), onError: (error) => showError(error) })
            }
          >
            {t('members.approve')}
          </Button>
          <Button danger data-testid={`decline-join-${request.id}`} onClick={() => setDeclining(true)}>
            {t('members.decline')}
          </Button>
        </Space>
      </Space>
      <ReasonDialog
        open={declining}
        title={t('members.decline.title')}
        description={t('members.decline.explain')}
        okText={t('members.decline')}
        danger
        required={false}
        loading={decide.isPending}
        testId="decline-join"
        onCancel={() => setDeclining(false)}
        onSubmit={(note) =>
          decide.mutate(
            { id: request.id, approve: false, note: note || undefined },
            {
              onSuccess: () => {
                setDeclining(false);
                void message.success(t('members.declined'));
              },
              onError: (error) => showError(error),
            },
          )
        }
      />
    </List.Item>
  );
}

function JoinRequests({ orgId }: { orgId: number }) {
  const t = useT();
  const requests = useJoinRequests(orgId, 'pending');
  return (
    <Card title={t('members.requests')}>
      {requests.isError ? (
        <LoadError error={requests.error} retry={() => void requests.refetch()} />
      ) : (
        <List<JoinRequest>
          loading={requests.isPending}
          dataSource={requests.data ?? []}
          locale={{ emptyText: <EmptyState description={t('members.requests.empty')} /> }}
          renderItem={(request) => <JoinRequestItem request={request} />}
        />
      )}
    </Card>
  );
}

function invitationState(invitation: Invitation, now: number): { key: 'used' | 'revoked' | 'expired' | 'active'; tone: Tone } {
  if (invitation.used_at) return { key: 'used', tone: 'success' };
  if (invitation.revoked_at) return { key: 'revoked', tone: 'neutral' };
  if (Date.parse(invitation.expires_at) <= now) return { key: 'expired', tone: 'neutral' };
  return { key: 'active', tone: 'info' };
}

function Invitations({ orgId }: { orgId: number }) {
  const t = useT();
  const showError = useShowError();
  const invitations = useInvitations(orgId);
  const create = useCreateInvitation(orgId);
  const revoke = useRevokeInvitation(orgId);
  const [now] = useState(() => Date.now());
  return (
    <Card
      title={t('members.invitations')}
      extra={
        <Button data-testid="create-invitation" loading={create.isPending} onClick={() => create.mutate(undefined, { onError: (error) => showError(error) })}>
          {t('members.invite')}
        </Button>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('members.invitations.explain')}</Typography.Paragraph>
        {create.data ? (
          <Alert
            type="success"
            showIcon
            message={t('members.invitation.code')}
            description={
              <Typography.Text copyable code data-testid="invitation-code" style={{ wordBreak: 'break-all' }}>
                {create.data.code}
              </Typography.Text>
            }
          />
        ) : null}
        {invitations.isError ? (
          <LoadError error={invitations.error} retry={() => void invitations.refetch()} />
        ) : (
          <List<Invitation>
            loading={invitations.isPending}
            dataSource={invitations.data ?? []}
            locale={{ emptyText: <EmptyState description={t('members.invitations.empty')} /> }}
            renderItem={(invitation) => {
              const state = invitationState(invitation, now);
              return (
                <List.Item
                  data-testid={`invitation-${invitation.id}`}
                  actions={
                    state.key === 'active'
                      ? [
                          <Popconfirm
                            key="revoke"
                            title={t('members.invitation.revoke.confirm')}
                            onConfirm={() => revoke.mutate(invitation.id, { onError: (error) => showError(error) })}
                          >
                            <Button kind="link" danger data-testid={`revoke-invitation-${invitation.id}`}>
                              {t('members.invitation.revoke')}
                            </Button>
                          </Popconfirm>,
                        ]
                      : []
                  }
                >
                  <Space wrap>
                    <Tag tone={state.tone}>{t(`members.invitation.${state.key}`)}</Tag>
                    <Typography.Text type="secondary">{t('members.invitation.expires', { at: formatDateTime(invitation.expires_at) })}</Typography.Text>
                  </Space>
                </List.Item>
              );
            }}
          />
        )}
      </Space>
    </Card>
  );
}

/** The organisation's join requests to approve or decline, and invitations to hand out. */
export function MembersPage() {
  const t = useT();
  const session = useSession();
  const user = session.status === 'authenticated' ? session.user : null;
  const org = user?.organisation ?? null;
  return (
    <>
      <PageHeader title={t('nav.members')} subtitle={org ? t('members.subtitle', { name: org.name }) : undefined} />
      {org === null ? (
        <Card>
          <EmptyState description={t(user?.join_request?.status === 'pending' ? 'members.none.pending' : 'members.none')} />
        </Card>
      ) : (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <JoinRequests orgId={org.id} />
          <Invitations orgId={org.id} />
        </Space>
      )}
    </>
  );
}
