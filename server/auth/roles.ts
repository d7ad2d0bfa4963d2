/**
 * Who may do what. Operators work the calls assigned to them; supervisors watch and step
 * into every call; managers also edit the knowledge base; admins may do everything.
 *
 * @example
 *   seesAllCalls('operator') === false
 *   editsKnowledge('manager') === true
 */
export const ROLES = ['operator', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whoever a request or socket acts for: a signed-in user, or a tool holding the service token. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** `service`: CONSOLE_TOKEN, for tools (simulate, bench, the demo dialer): reads everything, changes nothing on calls. */
  readonly kind: 'user' | 'service';
  /** The session's key (a hash of its id, never the id), null for the service token. */
  readonly sessionKey: string | null;
}

export const SERVICE_PRINCIPAL: Principal = Object.freeze({
  userId: 'service',
  username: 'service',
  displayName: 'service token',
  role: 'supervisor',
  kind: 'service',
  sessionKey: null,
});

/** Every role but operator sees every live call (the wallboard view). */
export function seesAllCalls(role: Role): boolean {
  return role !== 'operator';
}

export function editsKnowledge(role: Role): boolean {
  return role === 'manager' || role === 'admin';
}

/** Supervisors and admins step into live calls (alert the operator, take over, end); managers watch only. */
export function stepsIn(role: Role): boolean {
  return role === 'supervisor' || role === 'admin';
}
