// Files in and out: downloads (templates, exports, contract documents) and multipart
// uploads, through the same authenticated fetch as the typed client.
import { authFetch } from './http';
import { apiErrorFromResponse } from './problem';

export interface Progress {
  loaded: number;
  /** Null when the server does not say how large the file is. */
  total: number | null;
}

/** RFC 6266: prefer filename*=UTF-8''…, then filename="…". */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (header === null) return fallback;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() ?? fallback;
}

async function readWithProgress(response: Response, onProgress?: (progress: Progress) => void): Promise<Blob> {
  const length = response.headers.get('Content-Length');
  const total = length === null ? null : Number(length);
  if (response.body === null || onProgress === undefined) return response.blob();
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  onProgress({ loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  return new Blob(chunks, { type: response.headers.get('Content-Type') ?? 'application/octet-stream' });
}

/** Hand a blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.rel = 'noopener';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Give the browser a moment to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface DownloadResult {
  filename: string;
  size: number;
  headers: Headers;
}

/**
 * GET a file with the user's token and save it; reports bytes received as it goes.
 * Errors arrive as ApiError (problem+json) like every other call.
 */
export async function downloadFile(
  path: string,
  fallbackName: string,
  onProgress?: (progress: Progress) => void,
): Promise<DownloadResult> {
  const response = await authFetch(new Request(new URL(path, window.location.origin)));
  if (!response.ok) throw await apiErrorFromResponse(response);
  const blob = await readWithProgress(response, onProgress);
  const filename = filenameFromDisposition(response.headers.get('Content-Disposition'), fallbackName);
  saveBlob(blob, filename);
  return { filename, size: blob.size, headers: response.headers };
}

/** POST multipart/form-data and read the JSON answer; errors as ApiError. */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  const response = await authFetch(
    new Request(new URL(path, window.location.origin), { method: 'POST', body: form, headers: { Accept: 'application/json' } }),
  );
  if (!response.ok) throw await apiErrorFromResponse(response);
  return (await response.json()) as T;
}
