/**
 * Slows down password guessing: failures are counted per username and per client
 * address; once a key has `maxFailures` failures, every further attempt for it is refused
 * for a lockout window that doubles with each failure beyond the threshold, up to
 * `maxLockoutMs`. A successful sign-in clears the username's count (not the address's:
 * one good password must not reset a spray across many usernames). Counts fade after
 * `forgetMs` without failures.
 *
 * @example
 *   const locked = throttle.lockedUntil(['user:op1', 'ip:10.0.0.7']); // null, or when to retry
 *   throttle.failed(['user:op1', 'ip:10.0.0.7']);
 */
export interface ThrottleRule {
  readonly maxFailures: number;
}

export interface ThrottleOptions {
  readonly perUser: ThrottleRule;
  readonly perAddress: ThrottleRule;
  readonly lockoutMs: number;
  readonly maxLockoutMs: number;
  readonly now?: () => number;
}

interface Count {
  failures: number;
  lastAt: number;
  lockedUntil: number;
}

export interface Lockout {
  /** Which kind of key is locked: the username, or the client's address. */
  readonly by: 'user' | 'address';
  readonly retryAt: number;
}

const MAX_KEYS = 100_000;

export class LoginThrottle {
  private readonly counts = new Map<string, Count>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The latest lockout among the keys, or null when an attempt may go ahead. */
  lockedUntil(username: string, address: string): Lockout | null {
    const at = this.now();
    let worst: Lockout | null = null;
    for (const [key, by] of this.keys(username, address)) {
      const count = this.counts.get(key);
      if (count && count.lockedUntil > at && (!worst || count.lockedUntil > worst.retryAt)) worst = { by, retryAt: count.lockedUntil };
    }
    return worst;
  }

  failed(username: string, address: string): void {
    const at = this.now();
    for (const [key, by] of this.keys(username, address)) {
      let count = this.counts.get(key);
      if (!count || at - count.lastAt > this.forgetMs) count = { failures: 0, lastAt: at, lockedUntil: 0 };
      count.failures += 1;
      count.lastAt = at;
      const over = count.failures - (by === 'user' ? this.options.perUser : this.options.perAddress).maxFailures;
      if (over >= 0) count.lockedUntil = at + Math.min(this.options.maxLockoutMs, this.options.lockoutMs * 2 ** over);
      this.counts.delete(key); // re-insert: the map's order is least recently failed first
      this.counts.set(key, count);
    }
    // Bound the memory a flood of made-up usernames can take: forget the oldest.
    while (this.counts.size > MAX_KEYS) this.counts.delete(this.counts.keys().next().value!);
  }

  succeeded(username: string): void {
    this.counts.delete(`user:${username.trim().toLowerCase()}`);
  }

  private get forgetMs(): number {
    return Math.max(this.options.maxLockoutMs, this.options.lockoutMs) * 2;
  }

  private keys(username: string, address: string): [string, Lockout['by']][] {
    return [
      [`user:${username.trim().toLowerCase()}`, 'user'],
      [`ip:${address}`, 'address'],
    ];
  }
}
