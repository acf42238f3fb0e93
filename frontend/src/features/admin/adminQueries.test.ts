import { describe, expect, it } from 'vitest';

import { auditQuery } from './auditQuery';
import { exportPath } from './exportPath';

describe('auditQuery', () => {
  it('turns Beijing calendar days into the instants the API takes (until is inclusive)', () => {
    expect(auditQuery({ action: ' deal.transition ', since: '2026-11-01', until: '2026-11-30', actor_id: 7 }, 2)).toEqual({
      action: 'deal.transition',
      object_type: undefined,
      object_id: undefined,
      actor_id: 7,
      since: '2026-11-01T00:00:00+08:00',
      until: '2026-12-01T00:00:00+08:00',
      page: 2,
      page_size: 50,
    });
  });
});

describe('exportPath', () => {
  it('carries the filters that apply', () => {
    expect(exportPath({ dataset: 'claims', format: 'csv', since: '2026-01-01', broker_id: 9, region: ' 福州市 ' })).toBe(
      '/api/v1/exports/claims?format=csv&since=2026-01-01&broker_id=9&region=%E7%A6%8F%E5%B7%9E%E5%B8%82',
    );
    // The audit log has no region.
    expect(exportPath({ dataset: 'audit', format: 'xlsx', region: '福州市' })).toBe('/api/v1/exports/audit?format=xlsx');
  });
});
