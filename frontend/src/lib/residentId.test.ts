import { describe, expect, it } from 'vitest';

import { isValidResidentId, normalizeResidentId } from './residentId';

describe('resident ID number (GB 11643)', () => {
  it.each(['11010519491231002X', '350102199611162631', '350102197109036526'])('accepts %s', (id) => {
    expect(isValidResidentId(id)).toBe(true);
  });

  it.each([
    ['a wrong check character', '110105194912310021'],
    ['one changed digit', '350102199611162632'],
    ['17 characters', '11010519491231002'],
    ['lower-case x (not normalised)', '11010519491231002x'],
  ])('rejects %s', (_why, id) => {
    expect(isValidResidentId(id)).toBe(false);
  });

  it('normalises what people type', () => {
    expect(normalizeResidentId(' 11010519491231002x ')).toBe('11010519491231002X');
  });
});
