import { describe, expect, it } from 'vitest';

import type { ClaimSummary } from '@/api/types';
import { createTranslate } from '@/i18n';
import { InvalidBrackets } from '@/lib/reward';

import { bracketProblemText, bracketsFromForm, gradePercentFromForm, policyToValues, termsFromForm } from './policyForm';
import { yearSums } from './rewardSums';

function claim(overrides: Partial<ClaimSummary>): ClaimSummary {
  return {
    id: 1,
    broker_id: 7,
    broker_name: '李四',
    deal_id: 1,
    contract_id: 1,
    contract_name: '合同',
    registration_no: null,
    region: '福州市',
    field_code: 'electronics',
    status: 'submitted',
    share_percent: '100.00',
    base_amount: '1000000.00',
    amount: '15000.00',
    submitted_at: '2026-03-01T02:00:00Z',
    approved_at: null,
    paid_at: null,
    payout_batch_id: null,
    ...overrides,
  };
}

describe('yearSums', () => {
  it('adds claims exactly by status, and paid ones by month', () => {
    const sums = yearSums(
      [
        claim({ status: 'paid', amount: '15000.00', paid_at: '2026-03-10T02:00:00Z' }),
        claim({ status: 'paid', amount: '0.10', paid_at: '2026-03-20T02:00:00Z' }),
        claim({ status: 'paid', amount: '0.20', paid_at: '2026-05-20T02:00:00Z' }),
        claim({ status: 'approved', amount: '35000.00' }),
        claim({ status: 'under_review', amount: '12000.00' }),
        claim({ status: 'submitted', amount: '30000.00' }),
        claim({ status: 'clawed_back', amount: '4500.00' }),
        claim({ status: 'rejected', amount: '999.00' }),
      ],
      2026,
    );
    expect(sums).toMatchObject({ paid: '15000.30', approved: '35000.00', pending: '42000.00', clawedBack: '4500.00' });
    expect(sums.paidByMonth[2]).toBe('15000.10');
    expect(sums.paidByMonth[4]).toBe('0.20');
    expect(sums.paidByMonth[0]).toBe('0.00');
  });
});

describe('the policy form', () => {
  it('edits rates as percentages and sends rates, the last bracket unbounded', () => {
    const rows = [
      { upper: '1000000', percent: '1.5' },
      { upper: '5000000', percent: '1' },
      { upper: '99', percent: '0.5' },
    ];
    expect(bracketsFromForm(rows)).toEqual([
      { upper: '1000000', rate: '0.015' },
      { upper: '5000000', rate: '0.01' },
      { upper: null, rate: '0.005' },
    ]);
    const terms = termsFromForm({
      name: ' 默认政策 ',
      region: ' ',
      region_basis: 'seller',
      registry_grace_days: 0,
      agency_share_percent: ' ',
      base: 'contract_amount',
      brackets: rows,
      cap_per_claim: '',
      effective_from: '2026-01-01',
      claim_window_days: 365,
    });
    expect(terms).toMatchObject({ name: '默认政策', region: null, region_basis: 'seller', agency_share_percent: '0', grade_percent: {}, cap_per_claim: null, cap_per_broker_year: null, effective_until: null });
  });

  it('sends only the grades given a percentage (a blank grade is paid at 100%)', () => {
    expect(gradePercentFromForm({ junior: ' ', intermediate: null, senior: '120' })).toEqual({ senior: '120' });
    expect(gradePercentFromForm(undefined)).toEqual({});
  });

  it('reads a stored policy back as percentages', () => {
    const values = policyToValues({
      id: 1,
      key: 'default',
      version: 2,
      name: '默认',
      region: null,
      region_basis: 'either',
      registry_grace_days: 30,
      agency_share_percent: '10.00',
      base: 'min_technology_received',
      brackets: [
        { upper: '1000000.00', rate: '0.015000' },
        { upper: null, rate: '0.010000' },
      ],
      grade_percent: { senior: '120.00' },
      cap_per_claim: null,
      cap_per_broker_year: null,
      effective_from: '2026-01-01',
      effective_until: null,
      claim_window_days: 365,
      note: null,
      created_by_id: 1,
      created_at: '2026-01-01T00:00:00Z',
      superseded_at: null,
      superseded_by_id: null,
    });
    expect(values.brackets).toEqual([
      { upper: '1000000.00', percent: '1.5' },
      { upper: null, percent: '1' },
    ]);
    // The basis, the grace period and the agency share go back as they were, never reset.
    expect([values.region_basis, values.registry_grace_days, values.agency_share_percent]).toEqual(['either', 30, '10.00']);
  });

  it('explains a bad bracket', () => {
    expect(bracketProblemText(createTranslate('zh-CN'), new InvalidBrackets('notAscending', 1))).toBe('第 2 段：各段上限须逐段递增。');
  });
});
