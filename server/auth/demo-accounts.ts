import { verifyPassword } from './password.ts';
import type { Role } from './roles.ts';
import type { UserStore } from './users.ts';

/**
 * The accounts `npm run demo` creates so a newcomer can sign in at once. Their passwords
 * are printed and known to everyone: demo mode is refused in production. Only accounts
 * created by the demo are ever reset; a real account of the same name is left alone.
 */
export interface DemoAccount {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'op1', displayName: '坐席一号', role: 'operator', password: 'demo-op1' },
  { username: 'op2', displayName: '坐席二号', role: 'operator', password: 'demo-op2' },
  { username: 'super', displayName: '值班班长', role: 'supervisor', password: 'demo-super' },
  { username: 'manager', displayName: '知识库管理员', role: 'manager', password: 'demo-manager' },
  { username: 'admin', displayName: '系统管理员', role: 'admin', password: 'demo-admin' },
];

/** Creates the demo accounts, or resets their passwords; returns those now usable with the printed password. */
export async function seedDemoAccounts(users: UserStore): Promise<DemoAccount[]> {
  const ready: DemoAccount[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const existing = users.find(account.username);
    if (!existing) await users.add({ ...account, demo: true });
    else if (existing.demo) {
      // Reset only when changed, so the sessions of a running demo survive a restart.
      if (!(await verifyPassword(account.password, existing.passwordHash))) await users.setPassword(account.username, account.password);
      if (existing.disabled) await users.setDisabled(account.username, false);
    } else continue;
    ready.push(account);
  }
  return ready;
}
