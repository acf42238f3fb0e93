// RFC 9457 problem details, as every backend error is shaped.
import { localiseServerText } from '@/i18n/serverText';

export interface FieldError {
  /** Dotted path of the offending input, e.g. "organisation.credit_code". */
  field: string;
  message: string;
  /** Bulk import: the sheet row (the header is row 1) and column header of the problem. */
  row?: number;
  column?: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  /** Extension members, e.g. a 409's current_stage / allowed_next, an import's error_count. */
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails;

  /** `message` is the problem's detail in the UI's language (the server writes both). */
  constructor(problem: ProblemDetails) {
    super(localiseServerText(problem.detail ?? problem.title));
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldError(value: unknown): value is FieldError {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}

export function isProblemDetails(value: unknown): value is ProblemDetails {
  return (
    isRecord(value) &&
    typeof value.title === 'string' &&
    typeof value.status === 'number' &&
    (value.errors === undefined || (Array.isArray(value.errors) && value.errors.every(isFieldError)))
  );
}

/** FastAPI's own validation shape: {"detail": [{"loc": [...], "msg": "..."}]}. */
function fastApiFieldErrors(detail: unknown): FieldError[] | null {
  if (!Array.isArray(detail)) return null;
  const errors: FieldError[] = [];
  for (const item of detail) {
    if (!isRecord(item) || !Array.isArray(item.loc) || typeof item.msg !== 'string') return null;
    errors.push({ field: item.loc.map(String).join('.'), message: item.msg });
  }
  return errors;
}

/**
 * Turn whatever an error response carried into problem details: the body
 * itself when it is one, FastAPI's default shapes as a fallback (in case a
 * handler escapes the problem+json middleware), otherwise the bare status.
 */
export function toProblem(body: unknown, status: number, statusText = ''): ProblemDetails {
  if (isProblemDetails(body)) return { ...body, type: body.type || 'about:blank' };
  const title = statusText || `HTTP ${status}`;
  if (isRecord(body)) {
    if (typeof body.detail === 'string') return { type: 'about:blank', title, status, detail: body.detail };
    const errors = fastApiFieldErrors(body.detail);
    if (errors) return { type: 'about:blank', title, status, errors };
  }
  return { type: 'about:blank', title, status };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  return new ApiError(toProblem(await readJson(response), response.status, response.statusText));
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Data of an openapi-fetch result, or throw the error as an ApiError. */
export function unwrap<T>(result: FetchResult<T>): T {
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) {
    throw new ApiError(toProblem(error, response.status, response.statusText));
  }
  return data as T;
}

/** For endpoints with no body (204): throw the error as an ApiError. */
export function ensureOk(result: FetchResult<unknown>): void {
  const { error, response } = result;
  if (!response.ok || error !== undefined) {
    throw new ApiError(toProblem(error, response.status, response.statusText));
  }
}

const LOCATION_PREFIXES = new Set(['body', 'query', 'path', 'header', 'cookie']);

/** "body.organisation.shareholders.0.name" → ["organisation", "shareholders", 0, "name"] */
export function fieldPath(field: string): (string | number)[] {
  const parts = field.split('.').filter((part) => part !== '');
  if (parts.length > 1 && LOCATION_PREFIXES.has(parts[0] ?? '')) parts.shift();
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
