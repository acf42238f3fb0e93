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

describe('bulk import of achievements', () => {
  it('lists every refused row with its column and says nothing was imported', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'POST /api/v1/achievements/import': () =>
        problem(422, '有2行存在错误，未导入任何数据', {
          title: '导入失败 Import rejected',
          error_count: 2,
          errors: [
            { field: '第2行 技术领域', row: 2, column: '技术领域', message: '没有这个技术领域' },
            { field: '第3行 TRL', row: 3, column: 'TRL', message: 'TRL 须为 1–9' },
          ],
        }),
    });
    const { container } = renderRoutes(routes, { path: '/institute/import', queryClient: institute() });

    expect(await screen.findByTestId('import-submit')).toBeDisabled();
    await user.upload(container.querySelector<HTMLInputElement>('input[type=file]')!, sheet());
    await user.click(screen.getByLabelText('导入后直接发布'));
    await user.click(screen.getByTestId('import-submit'));

    const errors = await screen.findByTestId('import-errors');
    expect(within(errors).getByText('文件中有 2 处错误，未导入任何数据')).toBeInTheDocument();
    const rows = within(errors).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual(['2技术领域没有这个技术领域', '3TRLTRL 须为 1–9']);

    const form = await api.calls('POST', '/api/v1/achievements/import')[0]!.formData();
    expect(form.has('file')).toBe(true); // jsdom's File does not survive undici's FormData: the browser test checks the bytes
    expect(form.get('publish')).toBe('true');
  });

  it('reports how many were imported', async () => {
    const user = userEvent.setup({ delay: null });
    serve({ 'POST /api/v1/achievements/import': () => json({ imported: 2, ids: [1, 2], file_sha256: 'ab', published: false }, 201) });
    const { container } = renderRoutes(routes, { path: '/institute/import', queryClient: institute() });
    await screen.findByTestId('import-submit');
    await user.upload(container.querySelector<HTMLInputElement>('input[type=file]')!, sheet());
    await user.click(screen.getByTestId('import-submit'));
    expect(await screen.findByText('已导入 2 条科技成果（草稿），可在“我的科技成果”中检查后发布')).toBeInTheDocument();
  });
});
