import type { ReactNode } from 'react';

import { Typography } from '@/components/ui';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function render(value: unknown, depth: number): ReactNode {
  if (value === null || value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (depth > 4) return <code>{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <Typography.Text type="secondary">[]</Typography.Text>;
    return (
      <ol style={{ margin: 0, paddingInlineStart: 18 }}>
        {value.map((item, index) => (
          <li key={index}>{render(item, depth + 1)}</li>
        ))}
      </ol>
    );
  }
  if (isRecord(value)) {
    return (
      <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12, rowGap: 2 }}>
        {Object.entries(value).map(([key, item]) => (
          <div key={key} style={{ display: 'contents' }}>
            <dt>
              <Typography.Text type="secondary">{key}</Typography.Text>
            </dt>
            <dd style={{ margin: 0 }}>{render(item, depth + 1)}</dd>
          </div>
        ))}
      </dl>
    );
  }
  return <code>{JSON.stringify(value)}</code>;
}

/** A rule's evidence as it raised it: the shared names, numbers, dates, other claims. */
export function EvidenceView({ evidence }: { evidence: unknown }) {
  return <div data-testid="flag-evidence">{render(evidence, 0)}</div>;
}
