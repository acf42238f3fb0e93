import { ApiError, type FieldError } from '@/api/problem';

export interface RowProblem {
  key: number;
  row: number | null;
  column: string;
  message: string;
}

/** An import's 422: each problem with its sheet row and column (the header is row 1). */
export function rowProblems(error: unknown): { problems: RowProblem[]; count: number } | null {
  if (!(error instanceof ApiError) || error.status !== 422 || !error.problem.errors?.length) return null;
  const problems = error.problem.errors.map((item: FieldError, index) => ({
    key: index,
    row: typeof item.row === 'number' ? item.row : null,
    column: typeof item.column === 'string' ? item.column : item.field,
    message: item.message,
  }));
  const count = typeof error.problem.error_count === 'number' ? error.problem.error_count : problems.length;
  return { problems, count };
}
