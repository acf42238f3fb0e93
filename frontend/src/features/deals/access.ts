import type { Deal } from '@/api/types';

/** The deal's own brokers run it; parties answer the introduction; administrators may cancel. */
export function runsDeal(deal: Pick<Deal, 'relation'>): boolean {
  return deal.relation === 'lead' || deal.relation === 'broker';
}

export function isParty(deal: Pick<Deal, 'relation'>): boolean {
  return deal.relation === 'demand_party' || deal.relation === 'achievement_party';
}

/** The side the viewer answers for, and their current answer. */
export function myAcceptance(deal: Deal): Deal['demand']['acceptance'] | null {
  if (deal.relation === 'demand_party') return deal.demand.acceptance;
  if (deal.relation === 'achievement_party') return deal.achievement.acceptance;
  return null;
}

export const CONTRACT_EDITABLE = new Set<Deal['stage']>(['negotiating', 'signed']);
export const PAYABLE = new Set<Deal['stage']>(['signed', 'registered', 'paid']);
