import { type CooperationMode, MODES } from '@/api/types';

export interface ListingFilterValues {
  q?: string;
  field_id?: number | null;
  region?: string;
  modes?: CooperationMode[];
  trl_min?: number | null;
}

/** Search params ⇄ filters, so a search can be bookmarked and shared. */
export function filtersFromParams(params: URLSearchParams): ListingFilterValues {
  const field = Number(params.get('field'));
  const trl = Number(params.get('trl'));
  return {
    q: params.get('q') ?? undefined,
    field_id: Number.isInteger(field) && field > 0 ? field : null,
    region: params.get('region') ?? undefined,
    modes: params.getAll('mode').filter((mode): mode is CooperationMode => (MODES as readonly string[]).includes(mode)),
    trl_min: Number.isInteger(trl) && trl >= 1 && trl <= 9 ? trl : null,
  };
}

export function paramsFromFilters(values: ListingFilterValues, base: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  const tab = base.get('tab');
  if (tab !== null) params.set('tab', tab);
  if (values.q?.trim()) params.set('q', values.q.trim());
  if (values.field_id) params.set('field', String(values.field_id));
  if (values.region?.trim()) params.set('region', values.region.trim());
  for (const mode of values.modes ?? []) params.append('mode', mode);
  if (values.trl_min) params.set('trl', String(values.trl_min));
  return params;
}

/** The filters as the list endpoints take them (empty ones left out). */
export function queryFromFilters(values: ListingFilterValues) {
  return {
    q: blankToUndefined(values.q),
    field_id: values.field_id ?? undefined,
    region: blankToUndefined(values.region),
    modes: values.modes?.length ? values.modes : undefined,
    trl_min: values.trl_min ?? undefined,
  };
}

function blankToUndefined(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
