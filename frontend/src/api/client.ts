import createClient from 'openapi-fetch';

import { authFetch } from './http';
import type { paths } from './schema';

/** The typed API client: paths, bodies and answers come from src/api/schema.d.ts. */
export const api = createClient<paths>({
  baseUrl: window.location.origin,
  fetch: authFetch,
  headers: { Accept: 'application/json' },
});
