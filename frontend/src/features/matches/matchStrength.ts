// How good a match is, in words. The matcher's fused score runs from 0 to about 1; on the
// demo market and the benchmark sets, pairs people judged relevant score 0.3 and up, and the
// clearly related ones 0.5 and up. Below 0.3 a match is shown as weak, not as an answer.
//
// A dense channel's share of the score is its weight times a cosine, and encoders spread their
// cosines differently: E5 (the default profile) puts almost any two Chinese technical texts
// between 0.85 and 0.93, so with E5 the score alone calls every match strong. The semantic
// reason carries the cosine and the encoder; read on that encoder's own scale, a pair whose
// texts are not close is at most a fair match.
import type { MatchReason } from '@/api/types';

export type MatchStrength = 'strong' | 'fair' | 'weak';
export type SimilarityLevel = 'high' | 'medium' | 'low';

export const STRONG_FROM = 0.5;
export const WEAK_BELOW = 0.3;

/** Cosines from which two texts read as very close / close, per encoder (the default for the
 *  encoders whose cosines spread over 0–1). E5's from the walk on the demo market: the one
 *  achievement answering a demand 0.926, related ones 0.90–0.92, unrelated fields 0.86–0.895. */
const DEFAULT_SIMILARITY_FROM = { high: 0.55, medium: 0.35 };
const SIMILARITY_FROM: Readonly<Record<string, { high: number; medium: number }>> = {
  e5: { high: 0.92, medium: 0.9 },
};

/** How close two texts read (the semantic channel's cosine), in three words. */
export function similarityLevel(similarity: number, encoder?: string): SimilarityLevel {
  const from = SIMILARITY_FROM[encoder ?? 'default'] ?? DEFAULT_SIMILARITY_FROM;
  if (similarity >= from.high) return 'high';
  if (similarity >= from.medium) return 'medium';
  return 'low';
}

/** The closest any dense channel found the two texts, or undefined without a semantic reason. */
function bestSimilarity(reasons: readonly MatchReason[]): SimilarityLevel | undefined {
  const order: SimilarityLevel[] = ['low', 'medium', 'high'];
  let best: SimilarityLevel | undefined;
  for (const reason of reasons) {
    if (reason.code !== 'semantic') continue;
    const level = similarityLevel(Number(reason.params.similarity), String(reason.params.encoder ?? ''));
    if (best === undefined || order.indexOf(level) > order.indexOf(best)) best = level;
  }
  return best;
}

/** The score in words. Given the reasons, a strong match also needs its texts to say so: a
 *  semantic reason at least “close” on its encoder's scale, or shared terms or phrases; a pair
 *  found only by field, region, maturity or price is at most fair. */
export function matchStrength(score: number, reasons?: readonly MatchReason[]): MatchStrength {
  if (score < WEAK_BELOW) return 'weak';
  if (score < STRONG_FROM) return 'fair';
  if (reasons === undefined) return 'strong';
  const similarity = bestSimilarity(reasons);
  const sharesWords = reasons.some((reason) => reason.code === 'shared_terms' || reason.code === 'phrases');
  if (similarity === 'low') return 'fair';
  return similarity !== undefined || sharesWords ? 'strong' : 'fair';
}

/** The score as a bar's length, 0–100. */
export function scorePercent(score: number): number {
  return Math.max(0, Math.min(100, Math.round(score * 100)));
}
