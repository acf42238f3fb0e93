import { afterEach, describe, expect, it, vi } from 'vitest';

import { todayIso } from './dates';

describe('todayIso', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is Beijing's date, which runs eight hours ahead of UTC", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-05T15:59:59Z'));
    expect(todayIso()).toBe('2026-12-05');
    vi.setSystemTime(new Date('2026-12-05T16:00:00Z'));
    expect(todayIso()).toBe('2026-12-06');
  });
});
