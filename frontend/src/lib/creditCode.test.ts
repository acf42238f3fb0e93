import { describe, expect, it } from 'vitest';

import { creditCodeCheckChar, isValidCreditCode, normalizeCreditCode } from './creditCode';

describe('unified social credit code (GB 32100-2015)', () => {
  it.each([
    '91350100M000100Y43', // check character 3
    '91110108551385082Q', // check character is a letter
    '914403001922038216',
  ])('accepts %s', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('computes the check character from the first 17 characters', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91110108551385082')).toBe('Q');
    // 911100001000013243 is not valid: these 17 characters check to G, not 3.
    expect(creditCodeCheckChar('91110000100001324')).toBe('G');
  });

  it.each([
    ['a wrong check character', '911100001000013243'],
    ['one changed character', '91350100M000100Y53'],
    ['17 characters', '91350100M000100Y4'],
    ['19 characters', '91350100M000100Y433'],
    ['a letter outside the set (O)', '91350100O000100Y43'],
    ['lower case (not normalised)', '91350100m000100y43'],
    ['empty', ''],
  ])('rejects %s', (_reason, code) => {
    expect(isValidCreditCode(code)).toBe(false);
  });

  it('normalises what people type', () => {
    expect(normalizeCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
    expect(isValidCreditCode(normalizeCreditCode('9135 0100 m000 100y 43'))).toBe(true);
  });

  it('returns null for a prefix that is not 17 valid characters', () => {
    expect(creditCodeCheckChar('9135')).toBeNull();
    expect(creditCodeCheckChar('91350100I000100Y4')).toBeNull();
  });
});
