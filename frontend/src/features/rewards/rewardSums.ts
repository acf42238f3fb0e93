import type { ClaimSummary } from '@/api/types';
import { add, dec, toFenText, ZERO, type Dec } from '@/lib/decimal';

export interface YearSums {
  pending: string;
  approved: string;
  paid: string;
  clawedBack: string;
  /** Paid amounts by month of payment, "01".."12". */
  paidByMonth: string[];
}

/** A broker's year in money: what waits for review, what is approved, paid and clawed back. */
export function yearSums(claims: readonly ClaimSummary[], year: number): YearSums {
  let pending: Dec = ZERO;
  let approved: Dec = ZERO;
  let paid: Dec = ZERO;
  let clawedBack: Dec = ZERO;
  const byMonth: Dec[] = Array.from({ length: 12 }, () => ZERO);
  for (const claim of claims) {
    const amount = dec(claim.amount);
    switch (claim.status) {
      case 'submitted':
      case 'under_review':
        pending = add(pending, amount);
        break;
      case 'approved':
        approved = add(approved, amount);
        break;
      case 'paid': {
        paid = add(paid, amount);
        const at = claim.paid_at === null ? null : new Date(claim.paid_at);
        if (at !== null && at.getFullYear() === year) byMonth[at.getMonth()] = add(byMonth[at.getMonth()] ?? ZERO, amount);
        break;
      }
      case 'clawed_back':
        clawedBack = add(clawedBack, amount);
        break;
      case 'rejected':
        break;
    }
  }
  return {
    pending: toFenText(pending),
    approved: toFenText(approved),
    paid: toFenText(paid),
    clawedBack: toFenText(clawedBack),
    paidByMonth: byMonth.map(toFenText),
  };
}
