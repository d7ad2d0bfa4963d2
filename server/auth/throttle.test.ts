import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './throttle.ts';

describe('login throttle', () => {
  let clock = 0;
  const throttle = () => {
    clock = 1_000_000;
    return new LoginThrottle({ perUser: { maxFailures: 3 }, perAddress: { maxFailures: 10 }, lockoutMs: 60_000, maxLockoutMs: 300_000, now: () => clock });
  };

  it('locks a username after N failures, for a window that doubles with each further failure, up to the maximum', () => {
    const t = throttle();
    t.failed('op1', '10.0.0.1');
    t.failed('op1', '10.0.0.2');
    expect(t.lockedUntil('op1', '10.0.0.3')).toBeNull();
    t.failed('OP1', '10.0.0.3'); // usernames count case-insensitively
    expect(t.lockedUntil('op1', '10.0.0.9')).toEqual({ by: 'user', retryAt: clock + 60_000 });
    clock += 60_000;
    expect(t.lockedUntil('op1', '10.0.0.9')).toBeNull();
    t.failed('op1', '10.0.0.9');
    expect(t.lockedUntil('op1', '10.0.0.9')?.retryAt).toBe(clock + 120_000);
    clock += 120_000;
    t.failed('op1', '10.0.0.9');
    clock += 240_000;
    t.failed('op1', '10.0.0.9');
    expect(t.lockedUntil('op1', '10.0.0.9')?.retryAt).toBe(clock + 300_000); // capped
    expect(t.lockedUntil('op2', '10.0.0.8')).toBeNull(); // another user from another address is not affected
  });

  it('locks an address that sprays many usernames', () => {
    const t = throttle();
    for (let i = 0; i < 10; i++) t.failed(`user${i}`, '10.0.0.66');
    expect(t.lockedUntil('someone-else', '10.0.0.66')).toEqual({ by: 'address', retryAt: clock + 60_000 });
    expect(t.lockedUntil('someone-else', '10.0.0.67')).toBeNull();
  });

  it('forgets a username\'s failures after a successful sign-in', () => {
    const t = throttle();
    t.failed('op1', 'a');
    t.failed('op1', 'a');
    t.succeeded('op1');
    t.failed('op1', 'a');
    t.failed('op1', 'a');
    expect(t.lockedUntil('op1', 'a')).toBeNull();
  });
});
