import { describe, expect, it } from 'vitest';

import { ApiError } from '@/api/problem';

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

describe('rowProblems (a bulk import refused with 422)', () => {
  it('lists each problem with its row and column', () => {
    const error = new ApiError({
      type: '/problems/import-rejected',
      title: '导入失败',
      status: 422,
      error_count: 120,
      errors: [
        { field: '第2行 技术领域', row: 2, column: '技术领域', message: '没有这个领域' },
        { field: '第3行 TRL', row: 3, column: 'TRL', message: '须为1-9' },
      ],
    });
    expect(rowProblems(error)).toEqual({
      count: 120,
      problems: [
        { key: 0, row: 2, column: '技术领域', message: '没有这个领域' },
        { key: 1, row: 3, column: 'TRL', message: '须为1-9' },
      ],
    });
  });

  it('is null for other errors', () => {
    expect(rowProblems(new ApiError({ type: 'about:blank', title: 'x', status: 413, detail: '文件过大' }))).toBeNull();
    expect(rowProblems(new TypeError('Failed to fetch'))).toBeNull();
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
