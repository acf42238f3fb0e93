// The reward (奖补) arithmetic of backend/rewards/calculation.py, ported for the policy
// editor's live calculator: the base, progressive brackets (分段累计), caps, and the split
// among brokers. Exact decimals throughout, rounded ROUND_HALF_UP to the fen once, at the
// end. The server's figure is the one that counts; this shows what a policy would give.
import { add, cmp, type Dec, dec, fromFen, max, min, mul, parseDec, round, sub, sum, toFen, toFenText, toText, ZERO } from './decimal';

export type RewardBase = 'contract_amount' | 'technology_amount' | 'received_amount' | 'min_technology_received';
export const REWARD_BASES = ['contract_amount', 'technology_amount', 'received_amount', 'min_technology_received'] as const satisfies readonly RewardBase[];

export type CapKind = 'per_claim' | 'per_broker_year';

/** As the API and the policy form carry them: decimal strings, upper null for the last bracket. */
export interface BracketInput {
  upper: string | null;
  rate: string;
}

export type BracketProblem = 'empty' | 'rate' | 'upper' | 'lastBounded' | 'onlyLastUnbounded' | 'notAscending';

/** Why a set of brackets cannot be used; `index` is the offending bracket's position. */
export class InvalidBrackets extends Error {
  constructor(
    readonly problem: BracketProblem,
    readonly index: number | null = null,
  ) {
    super(`invalid brackets: ${problem}${index === null ? '' : ` at ${index}`}`);
    this.name = 'InvalidBrackets';
  }
}

interface Bracket {
  upper: Dec | null;
  rate: Dec;
}

const ONE = dec(1);

/** Check that rates are in [0, 1], upper bounds positive and strictly ascending, and only the last is unbounded. */
export function validateBrackets(brackets: readonly BracketInput[]): Bracket[] {
  if (brackets.length === 0) throw new InvalidBrackets('empty');
  const parsed = brackets.map((bracket, index): Bracket => {
    const rate = parseDec(bracket.rate);
    if (rate === null || cmp(rate, ZERO) < 0 || cmp(rate, ONE) > 0) throw new InvalidBrackets('rate', index);
    if (bracket.upper === null) return { upper: null, rate };
    const upper = parseDec(bracket.upper);
    if (upper === null || cmp(upper, ZERO) <= 0) throw new InvalidBrackets('upper', index);
    return { upper, rate };
  });
  const last = parsed.length - 1;
  if (parsed[last]?.upper !== null) throw new InvalidBrackets('lastBounded', last);
  let previous: Dec | null = null;
  for (let index = 0; index < last; index += 1) {
    const upper = parsed[index]?.upper ?? null;
    if (upper === null) throw new InvalidBrackets('onlyLastUnbounded', index);
    if (previous !== null && cmp(upper, previous) <= 0) throw new InvalidBrackets('notAscending', index);
    previous = upper;
  }
  return parsed;
}

export interface BracketLine {
  lower: string;
  upper: string | null;
  rate: string;
  /** The part of the base inside this bracket. */
  portion: string;
  /** portion × rate, rounded to the fen for display only. */
  amount: string;
}

export interface CapApplied {
  kind: CapKind;
  limit: string;
  reducedBy: string;
}

export interface RewardBreakdown {
  base: string;
  lines: BracketLine[];
  /** The exact sum of the lines, rounded once. */
  uncapped: string;
  capsApplied: CapApplied[];
  /** The reward: rounded once, after the caps. */
  amount: string;
}

export interface RewardOptions {
  capPerClaim?: string | null;
  capPerBrokerYear?: string | null;
  /** What the broker has been paid (or approved) this year before this claim. */
  alreadyPaidThisYear?: string;
}

function amountOrZero(text: string | null | undefined): Dec | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  return parseDec(text);
}

/** The reward on `base` under marginal `brackets`, then the caps, rounded once. */
export function computeReward(base: string, brackets: readonly BracketInput[], options: RewardOptions = {}): RewardBreakdown {
  const baseValue = parseDec(base);
  if (baseValue === null || cmp(baseValue, ZERO) < 0) throw new RangeError(`base must be a non-negative decimal, got ${base}`);
  const checked = validateBrackets(brackets);

  const lines: BracketLine[] = [];
  const exacts: Dec[] = [];
  let lower = ZERO;
  for (const bracket of checked) {
    const top = bracket.upper === null ? baseValue : min(baseValue, bracket.upper);
    const portion = max(ZERO, sub(top, lower));
    const exact = mul(portion, bracket.rate);
    exacts.push(exact);
    lines.push({
      lower: toFenText(lower),
      upper: bracket.upper === null ? null : toFenText(bracket.upper),
      rate: toText(bracket.rate),
      portion: toFenText(portion),
      amount: toFenText(exact),
    });
    if (bracket.upper !== null) lower = bracket.upper;
  }
  const uncappedExact = sum(exacts);

  const { exact, capsApplied } = capExact(uncappedExact, options);
  return { base: toFenText(baseValue), lines, uncapped: toFenText(uncappedExact), capsApplied, amount: toFenText(exact) };
}

/** Caps are whole fen, so capping the exact value and rounding once never exceeds them. */
function capExact(uncapped: Dec, options: RewardOptions): { exact: Dec; capsApplied: CapApplied[] } {
  const limits: [CapKind, Dec][] = [];
  const perClaim = amountOrZero(options.capPerClaim);
  if (perClaim !== null) limits.push(['per_claim', perClaim]);
  const perYear = amountOrZero(options.capPerBrokerYear);
  if (perYear !== null) {
    const paid = amountOrZero(options.alreadyPaidThisYear) ?? ZERO;
    limits.push(['per_broker_year', max(ZERO, sub(perYear, paid))]);
  }
  let exact = uncapped;
  const capsApplied: CapApplied[] = [];
  for (const [kind, limit] of limits) {
    if (cmp(exact, limit) > 0) {
      capsApplied.push({ kind, limit: toFenText(limit), reducedBy: toFenText(sub(round(exact), limit)) });
      exact = limit;
    }
  }
  return { exact, capsApplied };
}

export interface ClaimBreakdown {
  /** The whole deal's reward by the brackets, uncapped. */
  deal: RewardBreakdown;
  /** The broker's share, percent. */
  share: string;
  /** The broker's part of the deal's reward, to the fen. */
  shareAmount: string;
  capsApplied: CapApplied[];
  /** What the claim pays. */
  amount: string;
}

/**
 * One broker's claim, as backend compute_claim does it: the deal's reward by the brackets
 * (no caps), the broker's part by their share (the rest to the other brokers), then the
 * caps on that part.
 */
export function computeClaim(base: string, brackets: readonly BracketInput[], options: RewardOptions & { share?: string } = {}): ClaimBreakdown {
  const share = options.share ?? '100';
  const shareValue = parseDec(share);
  if (shareValue === null || cmp(shareValue, ZERO) <= 0 || cmp(shareValue, dec(100)) > 0) throw new RangeError(`share must be in (0, 100], got ${share}`);
  const deal = computeReward(base, brackets);
  const rest = toText(sub(dec(100), shareValue));
  const shares: Record<number, string> = cmp(dec(rest), ZERO) === 0 ? { 0: share } : { 0: share, 1: rest };
  const part = splitByShares(deal.amount, shares)?.[0] ?? '0.00';
  const { exact, capsApplied } = capExact(dec(part), options);
  return { deal, share, shareAmount: part, capsApplied, amount: toFenText(exact) };
}

/** The amount the brackets apply to; null when the base needs a technology amount not yet known. */
export function computeBase(kind: RewardBase, contractAmount: string, technologyAmount: string | null, receivedAmount: string): string | null {
  switch (kind) {
    case 'contract_amount':
      return contractAmount;
    case 'received_amount':
      return receivedAmount;
    case 'technology_amount':
      return technologyAmount;
    case 'min_technology_received':
      return technologyAmount === null ? null : toText(min(dec(technologyAmount), dec(receivedAmount)));
  }
}

/**
 * Split `total` yuan by percentage shares summing to 100, to the fen, parts summing exactly
 * to the total: each part rounded down, the fen left over one each to the largest
 * remainders, ties to the smaller broker id. Null when the shares do not sum to 100.
 */
export function splitByShares(total: string, shares: Readonly<Record<number, string>>): Record<number, string> | null {
  const entries = Object.entries(shares).map(([key, share]) => [Number(key), dec(share)] as const);
  if (cmp(sum(entries.map(([, share]) => share)), dec(100)) !== 0) return null;
  const totalFen = toFen(dec(total));
  // exact part in fen = totalFen × share / 100: over one common denominator, remainders compare exactly.
  const scale = Math.max(...entries.map(([, share]) => share.scale));
  const denominator = 100n * 10n ** BigInt(scale);
  const parts = entries.map(([key, share]) => {
    const scaled = totalFen * share.units * 10n ** BigInt(scale - share.scale);
    return { key, floor: scaled / denominator, remainder: scaled % denominator };
  });
  let leftOver = totalFen - parts.reduce((acc, part) => acc + part.floor, 0n);
  const order = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.key - b.key : a.remainder > b.remainder ? -1 : 1));
  const extra = new Set<number>();
  for (const part of order) {
    if (leftOver <= 0n) break;
    extra.add(part.key);
    leftOver -= 1n;
  }
  const result: Record<number, string> = {};
  for (const part of parts) result[part.key] = toText(fromFen(part.floor + (extra.has(part.key) ? 1n : 0n)));
  return result;
}

/** The region's default policy: 1.5% up to 1,000,000 yuan, 1% above (分段累计). */
export const DEFAULT_BRACKETS: readonly BracketInput[] = [
  { upper: '1000000', rate: '0.015' },
  { upper: null, rate: '0.01' },
];

/** Add two money strings exactly (for totals of shown amounts). */
export const addMoney = (a: string, b: string): string => toFenText(add(dec(a), dec(b)));
