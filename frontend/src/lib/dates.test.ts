import { afterEach, describe, expect, it, vi } from 'vitest';

import { formatDate, formatDateTime, todayIso } from './dates';

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

describe('times in Beijing whatever the browser’s zone', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(['UTC', 'America/New_York', 'Asia/Shanghai'])('in a browser set to %s', (browserZone) => {
    vi.stubEnv('TZ', browserZone);
    expect(formatDateTime('2026-11-23T17:30:00Z')).toBe('2026-11-24 01:30');
    expect(formatDateTime('2026-11-23T08:05:00+08:00')).toBe('2026-11-23 08:05');
    expect(formatDate('2026-11-23T17:30:00Z')).toBe('2026-11-24');
    expect(formatDate('2026-11-23')).toBe('2026-11-23');
    expect(formatDateTime(null)).toBe('—');
  });
});
