import { describe, expect, it } from 'vitest';

import { API_ENUMS } from '@/api/enums';

import { CODE_LABEL_PREFIX, codeLabel, type ApiEnum } from './codeLabels';
import { enUS } from './en-US';
import { createTranslate } from './translate';
import { zhCN } from './zh-CN';

describe('the label catalogue of the API codes', () => {
  it('has zh-CN and en-US words for every value of every enum in the OpenAPI document', () => {
    const missing: string[] = [];
    for (const [kind, values] of Object.entries(API_ENUMS) as [ApiEnum, readonly string[]][]) {
      for (const value of values) {
        const key = `${CODE_LABEL_PREFIX[kind]}${value}`;
        const zh = (zhCN as Record<string, string>)[key];
        const en = (enUS as Record<string, string>)[key];
        if (zh === undefined || en === undefined || zh.trim() === '' || en.trim() === '') missing.push(`${kind}: ${value} (${key})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names every enum (a new one needs its prefix in CODE_LABEL_PREFIX)', () => {
    expect(Object.keys(CODE_LABEL_PREFIX).sort()).toEqual(Object.keys(API_ENUMS).sort());
  });

  it('words a code in the reader’s language, and a code it does not know without its separators', () => {
    expect(codeLabel(createTranslate('zh-CN'), 'FlagOut.rule', 'related_party')).toBe('关联交易');
    expect(codeLabel(createTranslate('en-US'), 'AuditEntryOut.action', 'claim.pay')).toBe('Reward paid');
    expect(codeLabel(createTranslate('zh-CN'), 'EventOut.kind', 'shares_changed')).toBe('份额已调整');
    expect(codeLabel(createTranslate('en-US'), 'FlagOut.rule', 'brand_new_rule')).toBe('brand new rule');
  });
});
