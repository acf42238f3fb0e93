import type { ExportDataset } from '@/api/types';

export const DATASETS = ['claims', 'payouts', 'clawbacks', 'flags', 'audit'] as const satisfies readonly ExportDataset[];
export type Format = 'xlsx' | 'csv';

export interface ExportValues {
  dataset: ExportDataset;
  format: Format;
  since?: string | null;
  until?: string | null;
  broker_id?: number | null;
  region?: string;
}

/** The export URL for the chosen dataset and filters. */
export function exportPath(values: ExportValues): string {
  const params = new URLSearchParams({ format: values.format });
  if (values.since) params.set('since', values.since);
  if (values.until) params.set('until', values.until);
  if (values.broker_id) params.set('broker_id', String(values.broker_id));
  if (values.region?.trim() && values.dataset !== 'audit') params.set('region', values.region.trim());
  return `/api/v1/exports/${values.dataset}?${params.toString()}`;
}
