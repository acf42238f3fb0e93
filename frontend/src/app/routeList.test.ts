import { describe, expect, it } from 'vitest';

import { listRoutes } from './routeList';
import committed from './routeList.json';
import { routes } from './routes';
import { ROLE_SECTIONS } from './sections';

describe('the route list the e2e page walker visits', () => {
  it('is every route of the app (update src/app/routeList.json when adding a page)', () => {
    expect(listRoutes(routes, ROLE_SECTIONS)).toEqual(committed);
  });

  it('names the public pages and each role section', () => {
    const list = listRoutes(routes, ROLE_SECTIONS);
    expect(list.public.slice(0, 3)).toEqual(['/', '/listings', '/listings/demands/:demandId']);
    expect(list.public).toContain('/*');
    expect(list.roles.firm[0]).toBe('/firm');
    expect(list.roles.admin).toContain('/admin/claims/:claimId');
  });
});
