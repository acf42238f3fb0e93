import { describe, expect, it } from 'vitest';

import { closesAtText } from './proposalWindow';

describe('when proposals close', () => {
  it('names a close at Beijing midnight as the end of the deadline’s day', () => {
    expect(closesAtText('2027-01-18T00:00:00+08:00')).toBe('2027-01-17 24:00');
    expect(closesAtText('2027-01-17T16:00:00Z')).toBe('2027-01-17 24:00');
  });

  it('shows any other moment as it is, in Beijing time', () => {
    expect(closesAtText('2027-01-18T10:30:00+08:00')).toBe('2027-01-18 10:30');
  });
});
