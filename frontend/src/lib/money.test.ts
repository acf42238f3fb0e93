import { describe, expect, it } from 'vitest';

import { formatAmount, formatYuan, yuanToWan } from './money';

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

describe('formatAmount (budgets and prices as officials write them)', () => {
  it.each([
    ['1500000', '150 万元', '¥1,500,000'],
    ['1234567.89', '123.46 万元', '¥1,234,567.89'],
    ['100000.00', '10 万元', '¥100,000'],
    ['125000', '12.5 万元', '¥125,000'],
    ['10000', '1 万元', '¥10,000'],
    ['3000.00', '3,000 元', '¥3,000'],
    ['9999.50', '9,999.50 元', '¥9,999.50'],
  ])('%s yuan', (yuan, zh, en) => {
    expect(formatAmount(yuan, 'zh-CN')).toBe(zh);
    expect(formatAmount(yuan, 'en-US')).toBe(en);
  });

  it('leaves what is not an amount alone', () => {
    expect(formatAmount('面议', 'zh-CN')).toBe('面议');
  });
});
