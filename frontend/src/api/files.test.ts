import { afterEach, describe, expect, it, vi } from 'vitest';

import { downloadFile, filenameFromDisposition } from './files';
import { ApiError } from './problem';

// jsdom has no object URLs: give the test its own, and take them away after.
const objectUrls = URL as unknown as { createObjectURL?: (blob: Blob) => string; revokeObjectURL?: (url: string) => void };

afterEach(() => {
  vi.unstubAllGlobals();
  delete objectUrls.createObjectURL;
  delete objectUrls.revokeObjectURL;
});

describe('filenameFromDisposition', () => {
  it('prefers the UTF-8 name, then the plain one, then the fallback', () => {
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf", 'x')).toBe('合同.pdf');
    expect(filenameFromDisposition('attachment; filename="demands.csv"', 'x')).toBe('demands.csv');
    expect(filenameFromDisposition(null, 'fallback.csv')).toBe('fallback.csv');
  });
});

describe('downloadFile', () => {
  it('reports progress as the bytes arrive and saves the file', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(600));
        controller.enqueue(new Uint8Array(400));
        controller.close();
      },
    });
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(body, { headers: { 'Content-Length': '1000', 'Content-Disposition': 'attachment; filename="claims.xlsx"' } }))));
    objectUrls.createObjectURL = vi.fn(() => 'blob:x');
    objectUrls.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const progress: number[] = [];

    const result = await downloadFile('/api/v1/exports/claims?format=xlsx', 'fallback.xlsx', (p) => progress.push(p.loaded));

    expect(result).toMatchObject({ filename: 'claims.xlsx', size: 1000 });
    expect(progress).toEqual([0, 600, 1000]);
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('throws the problem of a refused download', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify({ type: 'about:blank', title: '无权操作', status: 403, detail: '当前角色无此权限。' }), { status: 403 }))),
    );
    await expect(downloadFile('/api/v1/exports/audit', 'a.csv')).rejects.toBeInstanceOf(ApiError);
  });
});
