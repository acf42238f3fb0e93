import { BROKER_LEVELS, type BrokerLevel, type Policy, type PolicyTerms, type RegionBasis, type RewardBaseKind } from '@/api/types';
import type { Translate } from '@/i18n';
import { percentToRate, ratePercent } from '@/lib/decimal';
import type { BracketInput, InvalidBrackets } from '@/lib/reward';

/** The policy form edits rates as percentages ("1.5" for 1.5%), the API carries rates ("0.015"). */
export interface PolicyFormValues {
  key?: string;
  name: string;
  region?: string | null;
  region_basis: RegionBasis;
  registry_grace_days: number;
  agency_share_percent?: string | null;
  base: RewardBaseKind;
  brackets: { upper: string | null; percent: string | null }[];
  /** Percent of the broker's part paid at each grade; blank: 100. */
  grade_percent?: Partial<Record<BrokerLevel, string | null>>;
  cap_per_claim?: string | null;
  cap_per_broker_year?: string | null;
  effective_from: string;
  effective_until?: string | null;
  claim_window_days: number;
  note?: string | null;
}

export function policyToValues(policy: Policy): PolicyFormValues {
  return {
    key: policy.key,
    name: policy.name,
    region: policy.region,
    region_basis: policy.region_basis,
    registry_grace_days: policy.registry_grace_days,
    agency_share_percent: policy.agency_share_percent,
    base: policy.base,
    brackets: policy.brackets.map((bracket) => ({ upper: bracket.upper, percent: ratePercent(bracket.rate).replace('%', '') })),
    grade_percent: { ...policy.grade_percent },
    cap_per_claim: policy.cap_per_claim,
    cap_per_broker_year: policy.cap_per_broker_year,
    effective_from: policy.effective_from,
    effective_until: policy.effective_until,
    claim_window_days: policy.claim_window_days,
    note: policy.note,
  };
}

export const NEW_POLICY: PolicyFormValues = {
  name: '',
  // The Wenzhou policy rewards technology absorbed into the city: the buyer's region.
  region_basis: 'buyer',
  registry_grace_days: 0,
  agency_share_percent: '0',
  base: 'min_technology_received',
  brackets: [
    { upper: '1000000', percent: '1.5' },
    { upper: null, percent: '1' },
  ],
  effective_from: '',
  claim_window_days: 365,
};

/** The brackets as the calculator and the API want them; the last is always unbounded. */
export function bracketsFromForm(rows: PolicyFormValues['brackets'] | undefined): BracketInput[] {
  const list = rows ?? [];
  return list.map((row, index) => ({
    upper: index === list.length - 1 ? null : (row.upper ?? ''),
    rate: row.percent === null ? '' : (percentToRate(row.percent) ?? ''),
  }));
}

/** The grades given a percentage; a blank one is left out (paid at 100%). */
export function gradePercentFromForm(values: PolicyFormValues['grade_percent']): Partial<Record<BrokerLevel, string>> {
  const out: Partial<Record<BrokerLevel, string>> = {};
  for (const grade of BROKER_LEVELS) {
    const value = values?.[grade];
    if (value !== undefined && value !== null && value.trim() !== '') out[grade] = value.trim();
  }
  return out;
}

export function termsFromForm(values: PolicyFormValues): PolicyTerms {
  const blank = (text: string | null | undefined) => (text === undefined || text === null || text.trim() === '' ? null : text.trim());
  return {
    name: values.name.trim(),
    region: blank(values.region),
    region_basis: values.region_basis,
    registry_grace_days: values.registry_grace_days,
    agency_share_percent: blank(values.agency_share_percent) ?? '0',
    base: values.base,
    brackets: bracketsFromForm(values.brackets),
    grade_percent: gradePercentFromForm(values.grade_percent),
    cap_per_claim: blank(values.cap_per_claim),
    cap_per_broker_year: blank(values.cap_per_broker_year),
    effective_from: values.effective_from,
    effective_until: blank(values.effective_until),
    claim_window_days: values.claim_window_days,
    note: blank(values.note),
  };
}

/** Which bracket is wrong and why, in the reader's language. */
export function bracketProblemText(t: Translate, error: InvalidBrackets): string {
  const row = error.index === null ? '' : t('calculator.row', { row: error.index + 1 });
  return `${row}${t(`calculator.problem.${error.problem}`)}`;
}
