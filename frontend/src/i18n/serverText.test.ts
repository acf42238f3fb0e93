import { describe, expect, it } from 'vitest';

import { inLanguage, splitBilingual } from './serverText';

describe('server messages in the reader’s language', () => {
  it.each([
    ['未找到该通知。No such notification.', '未找到该通知。', 'No such notification.'],
    ['输入有误 Invalid input', '输入有误', 'Invalid input'],
    ['内容过短。String should have at least 2 characters', '内容过短。', 'String should have at least 2 characters'],
    ['不能为空 must not be empty', '不能为空', 'must not be empty'],
    ['报价 3,000 元，在预算 5,000 元以内 Price CNY 3,000 is within the budget', '报价 3,000 元，在预算 5,000 元以内', 'Price CNY 3,000 is within the budget'],
    ['该需求「焊接机器人」已发布。The demand “焊接机器人” is published.', '该需求「焊接机器人」已发布。', 'The demand “焊接机器人” is published.'],
    ['该撮合项目已被认领。This pair is already claimed (deal #12).', '该撮合项目已被认领。', 'This pair is already claimed (deal #12).'],
  ])('splits %s', (text, zh, en) => {
    expect(splitBilingual(text)).toEqual({ zh, en });
    expect(inLanguage(text, 'zh-CN')).toBe(zh);
    expect(inLanguage(text, 'en-US')).toBe(en);
  });

  it.each(['发票：设备采购合同', 'Shared terms: 焊接, 机器人', '请使用 XLSX 文件', 'Plain English only.', '共同关键词：焊接、机器人 Shared terms: 焊接, 机器人'])(
    'leaves %s whole',
    (text) => {
      expect(splitBilingual(text)).toBeNull();
      expect(inLanguage(text, 'en-US')).toBe(text);
    },
  );
});
