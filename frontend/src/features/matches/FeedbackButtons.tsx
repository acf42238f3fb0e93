import type { ListingKind, MatchFeedback } from '@/api/types';
import { Button, icons, Space, useShowError } from '@/components/ui';
import { useGiveMatchFeedback } from '@/hooks/queries/matches';
import { useT } from '@/i18n';

export interface FeedbackButtonsProps {
  sourceKind: ListingKind;
  sourceId: number;
  targetId: number;
  given: MatchFeedback | undefined;
}

/** "Useful" / "not useful": the matcher is evaluated on these verdicts. */
export function FeedbackButtons({ sourceKind, sourceId, targetId, given }: FeedbackButtonsProps) {
  const t = useT();
  const feedback = useGiveMatchFeedback();
  const showError = useShowError();
  const give = (useful: boolean) =>
    feedback.mutate({ source_kind: sourceKind, source_id: sourceId, target_id: targetId, useful }, { onError: (error) => showError(error) });
  return (
    <Space size={4}>
      <Button
        size="small"
        kind={given?.useful === true ? 'primary' : 'secondary'}
        icon={<icons.CheckOutlined />}
        aria-pressed={given?.useful === true}
        loading={feedback.isPending && feedback.variables.useful}
        onClick={() => give(true)}
      >
        {t('match.useful')}
      </Button>
      <Button
        size="small"
        kind={given?.useful === false ? 'primary' : 'secondary'}
        icon={<icons.CloseOutlined />}
        aria-pressed={given?.useful === false}
        loading={feedback.isPending && !feedback.variables.useful}
        onClick={() => give(false)}
      >
        {t('match.notUseful')}
      </Button>
    </Space>
  );
}
