import { describe, expect, it } from 'vitest';

import { yuanToWan } from './money';

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
