import { describe, expect, it } from 'vitest';

import { trendOption } from '@/features/market/trend';
import { createTranslate } from '@/i18n';

import { fitOption } from './fit';

describe('charts that fit a phone', () => {
  it('puts the legend above a plot that leaves room for its labels, and stops animating on request', () => {
    const option = fitOption(trendOption([{ month: '2026-11', demands: 3, achievements: 5, deals: 1 }], createTranslate('zh-CN')), true);
    expect(option.legend).toMatchObject({ type: 'scroll', top: 0 });
    expect(option.grid).toEqual({ left: 8, right: 16, bottom: 8, top: 48, containLabel: true });
    expect(option.animation).toBe(false);
  });

  it('leaves a chart without a legend its plot from the top', () => {
    const option = fitOption({ grid: { left: 40, top: 16 }, series: [] }, false);
    expect(option.grid).toEqual({ left: 8, right: 16, bottom: 8, top: 16, containLabel: true });
    expect(option.legend).toBeUndefined();
  });
});
