import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function institute() {
  const queryClient = createQueryClient();
  signIn(queryClient, makeUser({ role: 'institute', organisation: { id: 20, name: '厦门示例大学', kind: 'institute', region: '厦门市', verification_status: 'verified' } }));
  return queryClient;
}

const sheet = () => new File(['标题,简介\n焊缝识别,算法'], 'achievements.csv', { type: 'text/csv' });

function job(overrides: Record<string, unknown> = {}) {
  return {
    id: 41,
    status: 'queued',
    filename: 'achievements.csv',
    file_sha256: 'ab',
    file_size: 30,
    publish: false,
    rows_total: 2,
    rows_checked: 0,
    imported: 0,
    ids: [],
    errors: [],
    error_count: 0,
    detail: null,
    created_at: '2026-12-06T12:00:00Z',
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}

async function upload() {
  const user = userEvent.setup({ delay: null });
  const { container } = renderRoutes(routes, { path: '/institute/import', queryClient: institute() });
  expect(await screen.findByTestId('import-submit')).toBeDisabled();
  await user.upload(container.querySelector<HTMLInputElement>('input[type=file]')!, sheet());
  return user;
}

describe('bulk import of achievements', () => {
  it('uploads, then lists every refused row of the finished job and says nothing was imported', async () => {
    const api = serve({
      'POST /api/v1/achievements/import': () => json(job({ publish: true }), 202),
      'GET /api/v1/achievements/imports/{id}': () =>
        json(
          job({
            status: 'failed',
            publish: true,
            rows_checked: 2,
            error_count: 2,
            detail: '有2行存在错误，未导入任何数据',
            errors: [
              { field: '第2行 技术领域', row: 2, column: '技术领域', message: '没有这个技术领域' },
              { field: '第3行 TRL', row: 3, column: 'TRL', message: '技术成熟度应为1到9的整数。TRL is a whole number from 1 to 9.' },
            ],
          }),
        ),
    });
    const user = await upload();
    await user.click(screen.getByLabelText('导入后直接发布'));
    await user.click(screen.getByTestId('import-submit'));

    const errors = await screen.findByTestId('import-errors');
    expect(within(errors).getByText('文件中有 2 处错误，未导入任何数据')).toBeInTheDocument();
    const rows = within(errors).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual(['2技术领域没有这个技术领域', '3TRL技术成熟度应为1到9的整数。']);

    const form = await api.calls('POST', '/api/v1/achievements/import')[0]!.formData();
    expect(form.has('file')).toBe(true); // jsdom's File does not survive undici's FormData: the browser test checks the bytes
    expect(form.get('publish')).toBe('true');
    expect(api.calls('GET', '/api/v1/achievements/imports/41')).toHaveLength(1);
  });

  it('shows the rows checked while the job runs, then how many were imported', async () => {
    let current = job({ status: 'running', rows_total: 1000, rows_checked: 250 });
    const api = serve({
      'POST /api/v1/achievements/import': () => json(job({ rows_total: 1000 }), 202),
      'GET /api/v1/achievements/imports/{id}': () => json(current),
    });
    const user = await upload();
    await user.click(screen.getByTestId('import-submit'));

    const progress = await screen.findByTestId('import-progress');
    expect(await within(progress).findByText(/正在逐行校验：250 \/ 1000 行/)).toBeInTheDocument();
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');

    current = job({ status: 'succeeded', rows_total: 1000, rows_checked: 1000, imported: 1000, ids: [1] });
    // The page asks again every second until the job has finished.
    expect(await screen.findByText('已导入 1000 条科技成果（草稿），可在“我的科技成果”中检查后发布', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByTestId('import-progress')).toBeNull();
    const polls = api.calls('GET', '/api/v1/achievements/imports/41').length;
    expect(polls).toBeGreaterThanOrEqual(2);
  });

  it('says why a file was refused at upload', async () => {
    serve({
      'POST /api/v1/achievements/import': () =>
        problem(413, '表格最多 50 列（IMPORT_MAX_COLUMNS = 50）。', { limit: 'IMPORT_MAX_COLUMNS', max: 50 }),
    });
    const user = await upload();
    await user.click(screen.getByTestId('import-submit'));
    const refused = await screen.findByTestId('import-refused');
    expect(within(refused).getByText('文件未被接受，未导入任何数据')).toBeInTheDocument();
    expect(within(refused).getByText('表格最多 50 列（IMPORT_MAX_COLUMNS = 50）。')).toBeInTheDocument();
    expect(screen.queryByTestId('import-progress')).toBeNull();
  });

  it('says why a job failed as a whole', async () => {
    serve({
      'POST /api/v1/achievements/import': () => json(job(), 202),
      'GET /api/v1/achievements/imports/{id}': () => json(job({ status: 'failed', detail: '文件已损坏，请用 Excel 重新保存为 .xlsx。The file is damaged: save it again as .xlsx.' })),
    });
    const user = await upload();
    await user.click(screen.getByTestId('import-submit'));
    const refused = await screen.findByTestId('import-refused');
    expect(within(refused).getByText('文件已损坏，请用 Excel 重新保存为 .xlsx。')).toBeInTheDocument();
    expect(screen.queryByTestId('import-errors')).toBeNull();
  });
});
