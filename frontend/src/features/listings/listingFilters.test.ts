import { describe, expect, it } from 'vitest';

import { rowProblems } from './importProblems';
import { demandActions, achievementActions } from './listingActions';
import { filtersFromParams, paramsFromFilters, queryFromFilters } from './listingFilters';

describe('listing filters in the address bar', () => {
  it('round-trip through search params, keeping the tab', () => {
    const values = { q: ' 焊接 ', field_id: 12, region: '福州市', modes: ['development' as const, 'transfer' as const], trl_min: 5 };
    const params = paramsFromFilters(values, new URLSearchParams('tab=achievements&page=3'));
    expect(params.toString()).toBe('tab=achievements&q=%E7%84%8A%E6%8E%A5&field=12&region=%E7%A6%8F%E5%B7%9E%E5%B8%82&mode=development&mode=transfer&trl=5');
    expect(filtersFromParams(params)).toEqual({ ...values, q: '焊接' });
  });

  it('ignore what is not a filter value', () => {
    expect(filtersFromParams(new URLSearchParams('field=abc&trl=12&mode=teleport'))).toEqual({
      q: undefined,
      field_id: null,
      region: undefined,
      modes: [],
      trl_min: null,
    });
  });

  it('leave empty filters out of the query', () => {
    expect(queryFromFilters({ q: '  ', region: '', modes: [], field_id: null, trl_min: null })).toEqual({
      q: undefined,
      field_id: undefined,
      region: undefined,
      modes: undefined,
      trl_min: undefined,
    });
  });
});

describe('rowProblems (a bulk import that failed)', () => {
  const job = {
    id: 7,
    status: 'failed' as const,
    filename: 'a.csv',
    file_sha256: 'ab',
    file_size: 10,
    publish: false,
    rows_total: 3,
    rows_checked: 3,
    imported: 0,
    ids: [],
    errors: [
      { field: '第2行 技术领域', row: 2, column: '技术领域', message: '没有这个领域' },
      { field: '第1行', row: 1, column: '', message: '文件为空' },
    ],
    error_count: 120,
    detail: '有2行存在错误',
    created_at: '2026-12-06T12:00:00Z',
    started_at: null,
    finished_at: null,
  };

  it('lists each problem with its row and column', () => {
    expect(rowProblems(job)).toEqual({
      count: 120,
      problems: [
        { key: 0, row: 2, column: '技术领域', message: '没有这个领域' },
        { key: 1, row: 1, column: '第1行', message: '文件为空' },
      ],
    });
  });

  it('is null for a job without row problems', () => {
    expect(rowProblems({ ...job, errors: [], error_count: 0 })).toBeNull();
    expect(rowProblems({ ...job, status: 'running' })).toBeNull();
  });
});

describe('what an owner may do with a listing', () => {
  it.each([
    ['draft', ['publish']],
    ['published', ['withdraw', 'close']],
    ['in_negotiation', []],
    ['withdrawn', ['publish']],
  ] as const)('a %s demand: %j', (status, actions) => {
    expect(demandActions(status)).toEqual(actions);
  });

  it('achievements', () => {
    expect(achievementActions('published')).toEqual(['withdraw']);
    expect(achievementActions('transferred')).toEqual([]);
  });
});
