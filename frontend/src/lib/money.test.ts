import { describe, expect, it } from 'vitest';

import { formatYuan, yuanToWan } from './money';

describe('yuanToWan', () => {
  it.each([
    ['1000000', '100.00'],
    ['3000000.00', '300.00'],
    ['1234567.89', '123.46'],
    ['149.99', '0.01'],
    ['50', '0.01'], // 0.005 万元 rounds half up
    ['49.99', '0.00'],
    ['-1234567.89', '-123.46'],
    ['0', '0.00'],
  ])('%s yuan → %s 万元', (yuan, wan) => {
    expect(yuanToWan(yuan)).toBe(wan);
  });

  it('refuses what is not a decimal string of yuan', () => {
    expect(yuanToWan('1e6')).toBeNull();
    expect(yuanToWan('12.345')).toBeNull();
    expect(yuanToWan('')).toBeNull();
  });
});

describe('formatYuan', () => {
  it.each([
    ['1234567.8', '1,234,567.80'],
    ['300000.00', '300,000.00'],
    ['0', '0.00'],
    ['999', '999.00'],
    ['-1000.5', '-1,000.50'],
  ])('%s → %s', (yuan, text) => {
    expect(formatYuan(yuan)).toBe(text);
  });

  it('leaves what is not money as it is', () => {
    expect(formatYuan('n/a')).toBe('n/a');
  });
});
