import type { Demand, DemandInput } from '@/api/types';

export type DemandFormValues = Omit<DemandInput, 'publish'>;

/** The fields the server may name in a 422; others are shown as a message. */
export const DEMAND_FIELDS = [
  'title',
  'description',
  'field_id',
  'keywords',
  'budget_min',
  'budget_max',
  'modes',
  'min_trl',
  'deadline',
  'region',
  'visibility',
  'anonymous',
] as const;

export function demandToValues(demand: Demand): DemandFormValues {
  return {
    title: demand.title,
    description: demand.description,
    field_id: demand.field.id,
    keywords: demand.keywords,
    budget_min: demand.budget_min,
    budget_max: demand.budget_max,
    modes: demand.modes,
    min_trl: demand.min_trl,
    deadline: demand.deadline,
    region: demand.region,
    visibility: demand.visibility,
    anonymous: demand.anonymous,
  };
}
