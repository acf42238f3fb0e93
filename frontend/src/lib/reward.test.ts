import { describe, expect, it } from 'vitest';

import { computeBase, computeReward, DEFAULT_BRACKETS, InvalidBrackets, splitByShares, validateBrackets } from './reward';

describe('computeReward with the default policy (1.5% to 1,000,000, then 1%)', () => {
  it.each([
    ['800000', '12000.00'],
    ['1000000', '15000.00'],
    ['2500000', '30000.00'],
    ['3000000', '35000.00'],
    ['0', '0.00'],
  ])('%s yuan → %s', (base, amount) => {
    expect(computeReward(base, DEFAULT_BRACKETS).amount).toBe(amount);
  });

  it('shows each bracket: its range, the part of the base in it and what it yields', () => {
    const breakdown = computeReward('2500000', DEFAULT_BRACKETS);
    expect(breakdown.lines).toEqual([
      { lower: '0.00', upper: '1000000.00', rate: '0.015', portion: '1000000.00', amount: '15000.00' },
      { lower: '1000000.00', upper: null, rate: '0.01', portion: '1500000.00', amount: '15000.00' },
    ]);
    expect(breakdown.uncapped).toBe('30000.00');
    expect(breakdown.capsApplied).toEqual([]);
  });

  it('a base under the first boundary leaves the upper brackets empty', () => {
    expect(computeReward('800000', DEFAULT_BRACKETS).lines[1]).toMatchObject({ portion: '0.00', amount: '0.00' });
  });

  it('rounds once, at the end, half up (0.0045 + 0.003 shows as 0.00 + 0.00 but totals 0.01)', () => {
    const brackets = [
      { upper: '0.3', rate: '0.015' },
      { upper: null, rate: '0.01' },
    ];
    const breakdown = computeReward('0.6', brackets);
    expect(breakdown.lines.map((line) => line.amount)).toEqual(['0.00', '0.00']);
    expect(breakdown.amount).toBe('0.01');
    expect(computeReward('1234567.89', DEFAULT_BRACKETS).amount).toBe('17345.68'); // 15000 + 2345.6789
  });

  it('applies the per-claim cap, then the room left under the per-broker-year cap', () => {
    const perClaim = computeReward('3000000', DEFAULT_BRACKETS, { capPerClaim: '20000.00' });
    expect(perClaim.amount).toBe('20000.00');
    expect(perClaim.capsApplied).toEqual([{ kind: 'per_claim', limit: '20000.00', reducedBy: '15000.00' }]);

    const perYear = computeReward('3000000', DEFAULT_BRACKETS, { capPerBrokerYear: '50000.00', alreadyPaidThisYear: '40000.00' });
    expect(perYear.amount).toBe('10000.00');
    expect(perYear.capsApplied).toEqual([{ kind: 'per_broker_year', limit: '10000.00', reducedBy: '25000.00' }]);

    const exhausted = computeReward('3000000', DEFAULT_BRACKETS, { capPerBrokerYear: '50000.00', alreadyPaidThisYear: '60000.00' });
    expect(exhausted.amount).toBe('0.00');

    const under = computeReward('800000', DEFAULT_BRACKETS, { capPerClaim: '20000.00', capPerBrokerYear: '' });
    expect(under).toMatchObject({ amount: '12000.00', capsApplied: [] });
  });

  it('refuses a negative or malformed base', () => {
    expect(() => computeReward('-1', DEFAULT_BRACKETS)).toThrow(RangeError);
    expect(() => computeReward('1e6', DEFAULT_BRACKETS)).toThrow(RangeError);
  });
});

describe('validateBrackets', () => {
  it.each([
    ['no bracket', [], 'empty', null],
    ['a bounded last bracket', [{ upper: '100', rate: '0.01' }], 'lastBounded', 0],
    ['an unbounded middle bracket', [{ upper: null, rate: '0.01' }, { upper: null, rate: '0.01' }], 'onlyLastUnbounded', 0],
    [
      'bounds that do not ascend',
      [
        { upper: '200', rate: '0.02' },
        { upper: '100', rate: '0.01' },
        { upper: null, rate: '0.01' },
      ],
      'notAscending',
      1,
    ],
    ['a rate above 1', [{ upper: null, rate: '1.5' }], 'rate', 0],
    ['a zero upper bound', [{ upper: '0', rate: '0.1' }, { upper: null, rate: '0.1' }], 'upper', 0],
  ] as const)('rejects %s', (_name, brackets, problem, index) => {
    try {
      validateBrackets(brackets);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidBrackets);
      expect(error).toMatchObject({ problem, index });
    }
  });
});

describe('computeBase', () => {
  it('picks the base the policy names', () => {
    expect(computeBase('contract_amount', '1000000', '800000', '600000')).toBe('1000000');
    expect(computeBase('technology_amount', '1000000', '800000', '600000')).toBe('800000');
    expect(computeBase('received_amount', '1000000', '800000', '600000')).toBe('600000');
    expect(computeBase('min_technology_received', '1000000', '800000', '600000')).toBe('600000');
    expect(computeBase('min_technology_received', '1000000', null, '600000')).toBeNull();
  });
});

describe('splitByShares', () => {
  it('splits to the fen, parts summing to the total, the left-over fen to the largest remainders', () => {
    expect(splitByShares('100.00', { 1: '33.33', 2: '33.33', 3: '33.34' })).toEqual({ 1: '33.33', 2: '33.33', 3: '33.34' });
    expect(splitByShares('0.10', { 3: '33.33', 1: '33.33', 2: '33.34' })).toEqual({ 3: '0.03', 1: '0.03', 2: '0.04' });
    // 0.01 among three equal-ish shares: the fen goes to the largest remainder, ties to the smaller id.
    expect(splitByShares('0.01', { 2: '50', 1: '50' })).toEqual({ 2: '0.00', 1: '0.01' });
    expect(splitByShares('15000.00', { 7: '60', 9: '40' })).toEqual({ 7: '9000.00', 9: '6000.00' });
  });

  it('refuses shares that do not sum to 100', () => {
    expect(splitByShares('100', { 1: '60', 2: '30' })).toBeNull();
  });
});

describe('rates as percentages', async () => {
  const { percentToRate, ratePercent } = await import('./decimal');
  it('converts both ways exactly', () => {
    expect(ratePercent('0.015')).toBe('1.5%');
    expect(ratePercent('0.01')).toBe('1%');
    expect(ratePercent('0.012500')).toBe('1.25%');
    expect(percentToRate('1.5')).toBe('0.015');
    expect(percentToRate(2)).toBe('0.02');
    expect(percentToRate('0.125')).toBe('0.00125');
  });
});

describe('computeClaim (the deal reward, the broker part, then the caps)', async () => {
  const { computeClaim } = await import('./reward');
  it('gives a sole broker the whole deal reward', () => {
    expect(computeClaim('3000000', DEFAULT_BRACKETS)).toMatchObject({ shareAmount: '35000.00', amount: '35000.00', capsApplied: [] });
  });

  it('splits by share before the caps, so each broker may reach the per-claim cap', () => {
    const claim = computeClaim('3000000', DEFAULT_BRACKETS, { share: '60', capPerClaim: '20000.00' });
    expect(claim.deal.amount).toBe('35000.00');
    expect(claim.shareAmount).toBe('21000.00');
    expect(claim.amount).toBe('20000.00');
    expect(claim.capsApplied).toEqual([{ kind: 'per_claim', limit: '20000.00', reducedBy: '1000.00' }]);
  });

  it('refuses a share outside (0, 100]', () => {
    expect(() => computeClaim('1000', DEFAULT_BRACKETS, { share: '0' })).toThrow(RangeError);
    expect(() => computeClaim('1000', DEFAULT_BRACKETS, { share: '120' })).toThrow();
  });
});
