// How good a match is, in words. The matcher's fused score runs from 0 to about 1; on the
// demo market and the benchmark sets, pairs people judged relevant score 0.3 and up, and the
// clearly related ones 0.5 and up. Below 0.3 a match is shown as weak, not as an answer.
export type MatchStrength = 'strong' | 'fair' | 'weak';

export const STRONG_FROM = 0.5;
export const WEAK_BELOW = 0.3;

export function matchStrength(score: number): MatchStrength {
  if (score >= STRONG_FROM) return 'strong';
  if (score >= WEAK_BELOW) return 'fair';
  return 'weak';
}

/** The score as a bar's length, 0–100. */
export function scorePercent(score: number): number {
  return Math.max(0, Math.min(100, Math.round(score * 100)));
}

/** How close two texts read (the semantic channel's cosine, 0–1), in three words. */
export function similarityLevel(similarity: number): 'high' | 'medium' | 'low' {
  if (similarity >= 0.55) return 'high';
  if (similarity >= 0.35) return 'medium';
  return 'low';
}
