import type { ImportJob } from '@/api/types';

export interface RowProblem {
  key: number;
  row: number | null;
  column: string;
  message: string;
}

/** A failed import's problems, each with its sheet row and column (the header is row 1), and
 * how many there were in all (at most the first 1,000 are listed). */
export function rowProblems(job: ImportJob): { problems: RowProblem[]; count: number } | null {
  if (job.status !== 'failed' || job.errors.length === 0) return null;
  const problems = job.errors.map((item, index) => ({ key: index, row: item.row, column: item.column || item.field, message: item.message }));
  return { problems, count: Math.max(job.error_count, problems.length) };
}
