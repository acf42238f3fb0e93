import { describe, expect, it } from 'vitest';

import { createTranslate } from '@/i18n';

import { sharesSumTo100 } from './shares';
import { forbiddenMoveText, forwardStage, isAllowed, isEnding } from './stageRules';

describe('the pipeline (mirrors backend TRANSITIONS)', () => {
  it('moves forward one stage at a time, or ends', () => {
    expect(forwardStage('introduced')).toBe('negotiating');
    expect(forwardStage('paid')).toBe('closed');
    expect(forwardStage('closed')).toBeNull();
    expect(isAllowed('signed', 'registered')).toBe(true);
    expect(isAllowed('introduced', 'signed')).toBe(false);
    expect(isAllowed('negotiating', 'cancelled')).toBe(true);
    expect(isEnding('lost')).toBe(true);
  });

  it('explains a forbidden move in the reader’s language', () => {
    expect(forbiddenMoveText(createTranslate('zh-CN'), 'introduced', 'paid')).toBe('不能从“已引荐”直接转入“已到账”；当前可转入：洽谈中、已流失、已取消。');
    expect(forbiddenMoveText(createTranslate('en-US'), 'closed', 'paid')).toBe('A deal cannot move from “Closed” to “Paid”; it may move to: nothing (the deal has ended).');
  });
});

describe('sharesSumTo100', () => {
  it('is exact to the hundredth', () => {
    expect(sharesSumTo100({ 7: '33.33', 8: '33.33', 9: '33.34' })).toBe(true);
    expect(sharesSumTo100({ 7: 60, 8: 40 })).toBe(true);
    expect(sharesSumTo100({ 7: '33.33', 8: '66.66' })).toBe(false);
    expect(sharesSumTo100({ 7: '100', 8: null })).toBe(false);
  });
});
