import { useState } from 'react';

import type { Deal } from '@/api/types';
import { Alert, Button, ReasonDialog, Space, useMessage, useShowError } from '@/components/ui';
import { useRespondToIntroduction } from '@/hooks/queries/deals';
import { useT } from '@/i18n';

import { myAcceptance } from './access';

/**
 * A party accepts or declines the broker's introduction (declining ends the deal for them).
 * On an anonymous or private demand the deal starts as a request only the firm sees and answers.
 */
export function IntroductionAnswer({ deal }: { deal: Deal }) {
  const t = useT();
  const message = useMessage();
  const showError = useShowError();
  const respond = useRespondToIntroduction();
  const [declining, setDeclining] = useState(false);
  const answer = myAcceptance(deal);
  if (answer === null) return null;
  if (answer !== 'pending') {
    return <Alert type={answer === 'accepted' ? 'success' : 'info'} showIcon message={t(`deal.intro.answered.${answer}`)} />;
  }
  if (deal.stage !== 'introduced' && deal.stage !== 'requested') return null;
  const request = deal.stage === 'requested';

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {request && <Alert type="warning" showIcon message={t('deal.request.explain')} data-testid={`request-explain-${deal.id}`} />}
      <Space wrap>
        <Button
          kind="primary"
          loading={respond.isPending && respond.variables.accept}
          data-testid={`accept-introduction-${deal.id}`}
          onClick={() =>
            respond.mutate(
              { id: deal.id, accept: true },
              { onSuccess: () => void message.success(t(request ? 'deal.request.accepted' : 'deal.intro.accepted')), onError: (error) => showError(error) },
            )
          }
        >
          {t(request ? 'deal.request.accept' : 'deal.intro.accept')}
        </Button>
        <Button danger data-testid={`decline-introduction-${deal.id}`} onClick={() => setDeclining(true)}>
          {t(request ? 'deal.request.decline' : 'deal.intro.decline')}
        </Button>
      </Space>
      <ReasonDialog
        open={declining}
        title={t(request ? 'deal.request.decline.title' : 'deal.intro.decline.title')}
        description={t('deal.intro.decline.explain')}
        okText={t('deal.intro.decline')}
        danger
        required={false}
        loading={respond.isPending}
        testId="decline-introduction"
        onCancel={() => setDeclining(false)}
        onSubmit={(reason) =>
          respond.mutate(
            { id: deal.id, accept: false, reason: reason || undefined },
            {
              onSuccess: () => {
                setDeclining(false);
                void message.success(t(request ? 'deal.request.declined' : 'deal.intro.declined'));
              },
              onError: (error) => showError(error),
            },
          )
        }
      />
    </Space>
  );
}
