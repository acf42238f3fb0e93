import { useQuery } from '@tanstack/react-query';

import { getJsonOrNull } from '@/api/http';

// Not in the OpenAPI document yet: the shape is our proposal to the backend.
// Once it is, replace getJsonOrNull with api.GET(...) and derive the type
// from the schema in src/api/types.ts.
export interface MarketFigures {
  demands: number;
  achievements: number;
  deals: number;
  /** Yuan, as a decimal string (money is never a float). */
  contract_amount: string;
  rewards_paid: string;
  monthly?: { month: string; demands: number; achievements: number }[];
}

export const MARKET_FIGURES_PATH = '/api/v1/market/figures';

export const marketKeys = {
  all: ['market'] as const,
  figures: () => [...marketKeys.all, 'figures'] as const,
};

/** Public market figures; null while the backend has no such endpoint (404). */
export function useMarketFigures() {
  return useQuery({
    queryKey: marketKeys.figures(),
    queryFn: () => getJsonOrNull<MarketFigures>(MARKET_FIGURES_PATH),
    staleTime: 10 * 60_000,
  });
}
