import type { Role } from '../../../server/auth/roles.ts';

/**
 * The app's hash routes and who may open them. The server refuses what a role may not do
 * whatever the page shows; this only keeps the navigation to what is of use.
 * To add a route: add its id here with its roles, its component in routes.tsx, and its
 * label `route.<id>` in i18n/strings/common.ts.
 */
export const ROUTE_IDS = ['desk', 'wallboard', 'manage'] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

export const ROUTE_ROLES: Readonly<Record<RouteId, readonly Role[]>> = {
  desk: ['operator', 'supervisor', 'admin'],
  wallboard: ['supervisor', 'manager', 'admin'],
  manage: ['manager', 'admin'],
};

/** Where a role lands when the address names no route (or one it may not open). */
const HOME: Readonly<Record<Role, RouteId>> = { operator: 'desk', supervisor: 'wallboard', manager: 'manage', admin: 'wallboard' };

export const hashOf = (id: RouteId): string => `#/${id}`;

export function routesFor(role: Role): RouteId[] {
  return ROUTE_IDS.filter((id) => ROUTE_ROLES[id].includes(role));
}

/** `#/desk`, `#/desk/…` → 'desk'; anything else → null. */
export function routeFromHash(hash: string): RouteId | null {
  const id = /^#\/([a-z]+)/.exec(hash)?.[1];
  return (ROUTE_IDS as readonly string[]).includes(id ?? '') ? (id as RouteId) : null;
}

/** The route to show: the one in the address if the role may open it, else the role's home; null if none. */
export function resolveRoute(hash: string, role: Role): RouteId | null {
  const allowed = routesFor(role);
  const asked = routeFromHash(hash);
  if (asked && allowed.includes(asked)) return asked;
  return allowed.includes(HOME[role]) ? HOME[role] : (allowed[0] ?? null);
}
