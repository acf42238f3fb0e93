import type { DealStage } from '@/api/types';
import type { Translate } from '@/i18n';

/**
 * The pipeline's moves, as backend/deals/pipeline.py TRANSITIONS has them (the server decides).
 * A request moves on to "introduced" only by the firm's acceptance, never by a broker's move.
 */
export const TRANSITIONS: Readonly<Record<DealStage, readonly DealStage[]>> = {
  requested: ['cancelled'],
  introduced: ['negotiating', 'lost', 'cancelled'],
  negotiating: ['signed', 'lost', 'cancelled'],
  signed: ['registered', 'lost', 'cancelled'],
  registered: ['paid', 'lost', 'cancelled'],
  paid: ['closed', 'lost', 'cancelled'],
  closed: [],
  lost: [],
  cancelled: [],
};

export const OPEN_STAGES = ['requested', 'introduced', 'negotiating', 'signed', 'registered', 'paid'] as const satisfies readonly DealStage[];
export const ENDED_STAGES = ['closed', 'lost', 'cancelled'] as const satisfies readonly DealStage[];
export type EndingStage = 'lost' | 'cancelled';
/** Moves that end a deal need a reason on record. */
export const ENDING: ReadonlySet<DealStage> = new Set<DealStage>(['lost', 'cancelled']);

export function isEnding(stage: DealStage): stage is EndingStage {
  return ENDING.has(stage);
}

export function isAllowed(from: DealStage, to: DealStage): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The next stage forward, if any (not an ending). */
export function forwardStage(stage: DealStage): DealStage | null {
  return TRANSITIONS[stage].find((next) => !ENDING.has(next)) ?? null;
}

/** Explain, before asking the server, why a move is not in the pipeline. */
export function forbiddenMoveText(t: Translate, from: DealStage, to: DealStage): string {
  const allowed = TRANSITIONS[from].map((stage) => t(`stage.${stage}`)).join(t('list.separator'));
  return t('deal.move.forbidden', { from: t(`stage.${from}`), to: t(`stage.${to}`), allowed: allowed || t('deal.move.none') });
}
