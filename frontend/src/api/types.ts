// The one place that names generated schema components. When the backend's
// real document renames a schema, only these aliases change.
import type { components } from './schema';

type Schemas = components['schemas'];

export type TokenPair = Schemas['TokenPair'];
export type CurrentUser = Schemas['CurrentUser'];
export type Role = CurrentUser['role'];
export type Organisation = NonNullable<CurrentUser['organisation']>;
export type OrganisationKind = Organisation['kind'];
export type BrokerProfile = NonNullable<CurrentUser['broker']>;
export type BrokerLevel = BrokerProfile['level'];
export type VerificationStatus = Organisation['verification_status'];

export const ROLES = ['firm', 'institute', 'broker', 'admin'] as const satisfies readonly Role[];
export const BROKER_LEVELS = ['junior', 'intermediate', 'senior'] as const satisfies readonly BrokerLevel[];
