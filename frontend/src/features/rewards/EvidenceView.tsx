import type { ReactNode } from 'react';

import { Typography } from '@/components/ui';
import { useFieldCodeName } from '@/features/listings/fields';
import { type MessageKey, type Translate, useT } from '@/i18n';
import { codeLabel, humanise } from '@/i18n/codeLabels';
import { zhCN } from '@/i18n/zh-CN';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function known(key: string): key is MessageKey {
  return key in zhCN;
}

interface Words {
  t: Translate;
  fieldName: (code: string) => string;
}

/** An evidence key in words ("window_days" → "时间窗口（天）"). */
function keyLabel(key: string, { t }: Words): string {
  const label = `evidence.key.${key}`;
  return known(label) ? t(label) : humanise(key);
}

/** The values that are codes, not data: sides, links, checks, contract types, fields. */
function valueLabel(key: string | null, value: string, { t, fieldName }: Words): string {
  if (key === 'check') {
    const label = `evidence.check.${value}`;
    return known(label) ? t(label) : humanise(value);
  }
  if (key === 'type') return codeLabel(t, 'ContractType', value);
  if (key === 'field') return fieldName(value);
  if (key === 'between' || key === 'attribute' || key === 'via' || key === 'subject' || key === 'kind' || key === 'reason') {
    const label = `evidence.value.${value}`;
    return known(label) ? t(label) : value;
  }
  return value;
}

function render(value: unknown, key: string | null, depth: number, words: Words): ReactNode {
  if (value === null || value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (typeof value === 'string') return <span data-user-text>{valueLabel(key, value, words)}</span>;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (depth > 4) return <code data-user-text>{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
    if (value.every((item) => typeof item === 'string' || typeof item === 'number')) {
      return value.map((item) => (typeof item === 'string' ? valueLabel(key, item, words) : String(item))).join(words.t('list.separator'));
    }
    return (
      <ol style={{ margin: 0, paddingInlineStart: 18 }}>
        {value.map((item, index) => (
          <li key={index}>{render(item, key, depth + 1, words)}</li>
        ))}
      </ol>
    );
  }
  if (isRecord(value)) {
    return (
      <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'minmax(0, max-content) minmax(0, 1fr)', columnGap: 12, rowGap: 2, overflowWrap: 'break-word', wordBreak: 'break-word' }}>
        {Object.entries(value).map(([itemKey, item]) => (
          <div key={itemKey} style={{ display: 'contents' }}>
            <dt>
              <Typography.Text type="secondary">{keyLabel(itemKey, words)}</Typography.Text>
            </dt>
            <dd style={{ margin: 0 }}>{render(item, itemKey, depth + 1, words)}</dd>
          </div>
        ))}
      </dl>
    );
  }
  return <code data-user-text>{JSON.stringify(value)}</code>;
}

/** A rule's evidence as it raised it, in words: the shared names, numbers, dates, other claims. */
export function EvidenceView({ evidence }: { evidence: unknown }) {
  const t = useT();
  const fieldName = useFieldCodeName();
  return <div data-testid="flag-evidence">{render(evidence, null, 0, { t, fieldName })}</div>;
}
