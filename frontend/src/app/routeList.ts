import type { RouteObject } from 'react-router';

import type { Role } from '@/api/types';

import type { RoleSection } from './sections';

/** Every path of the SPA: the public ones, then each role's section. */
export interface RouteList {
  public: string[];
  roles: Record<Role, string[]>;
}

function flatten(routes: readonly RouteObject[], base: string): string[] {
  const paths: string[] = [];
  for (const route of routes) {
    const path = route.index ? base : route.path === undefined ? base : joinPath(base, route.path);
    if (route.index || (route.path !== undefined && route.element !== undefined && route.children === undefined)) paths.push(path || '/');
    if (route.children !== undefined) paths.push(...flatten(route.children, path));
  }
  return paths;
}

function joinPath(base: string, path: string): string {
  if (path.startsWith('/')) return path;
  return `${base.replace(/\/$/, '')}/${path}`;
}

/**
 * The routes the end-to-end page walker visits (tests/e2e/test_every_page.py reads them from
 * src/app/routeList.json, which a Vitest test keeps equal to this).
 */
export function listRoutes(routes: readonly RouteObject[], sections: Record<Role, RoleSection>): RouteList {
  const all = [...new Set(flatten(routes, ''))];
  const roles = Object.fromEntries(
    Object.values(sections).map((section) => [section.role, all.filter((path) => path === section.base || path.startsWith(`${section.base}/`))]),
  ) as Record<Role, string[]>;
  const sectioned = new Set(Object.values(roles).flat());
  return { public: all.filter((path) => !sectioned.has(path)), roles };
}
