import { describe, expect, it } from 'vitest';

import { matchStrength, similarityLevel } from './matchStrength';

// What the walk saw on the demo market (default profile, E5): every one of 20 achievements for
// an injection-moulding defect — semiconductor epitaxy and generic drugs included — was shown as
// “匹配度高 … 非常相近”, because E5’s cosines all sit between 0.86 and 0.93.
const semantic = (similarity: number, encoder: string) => ({ code: 'semantic' as const, params: { similarity, encoder }, text_zh: '', text_en: '' });

describe('how close two texts read, per encoder', () => {
  it('keeps the plain thresholds for encoders whose cosines spread over 0–1', () => {
    expect(similarityLevel(0.41, 'use')).toBe('medium');
    expect(similarityLevel(0.6, 'minilm')).toBe('high');
    expect(similarityLevel(0.2, 'minilm')).toBe('low');
  });

  it('reads E5’s compressed cosines on their own scale', () => {
    expect(similarityLevel(0.926, 'e5')).toBe('high'); // the one truly matching achievement
    expect(similarityLevel(0.905, 'e5')).toBe('medium');
    expect(similarityLevel(0.88, 'e5')).toBe('low'); // magnesium-alloy corrosion for a plastics defect
    expect(similarityLevel(0.86, 'e5')).toBe('low');
  });
});

describe('how good a match is', () => {
  it('does not call a match strong when its texts are not close', () => {
    expect(matchStrength(0.9, [semantic(0.88, 'e5')])).toBe('fair');
    expect(matchStrength(0.94, [semantic(0.926, 'e5')])).toBe('strong');
    expect(matchStrength(0.2, [semantic(0.926, 'e5')])).toBe('weak');
  });

  it('goes by the score alone when no reasons are given', () => {
    expect(matchStrength(0.81)).toBe('strong');
    expect(matchStrength(0.4)).toBe('fair');
  });

  it('does not call a match strong that only shares a region or a field', () => {
    // 果蔬气调保鲜新技术 for the injection-moulding demand: score 0.6, reason “同在福州市” only.
    const region = { code: 'same_region' as const, params: { region: '福州市' }, text_zh: '', text_en: '' };
    const terms = { code: 'shared_terms' as const, params: { terms: ['注塑'] }, text_zh: '', text_en: '' };
    expect(matchStrength(0.6, [region])).toBe('fair');
    expect(matchStrength(0.6, [])).toBe('fair');
    expect(matchStrength(0.6, [terms, region])).toBe('strong');
  });
});
