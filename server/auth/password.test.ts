import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('正确的马 battery staple');
    expect(await verifyPassword('正确的马 battery staple', stored)).toBe(true);
    expect(await verifyPassword('正确的马 battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('stores the cost parameters and a random salt with each hash, never the password', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b); // a different salt each time
    expect(a).not.toContain('same password');
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('verifies with the parameters the hash was made with, so costs can be raised later', async () => {
    const cheap = await hashPassword('old account', { N: 2 ** 10, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('old account', cheap)).toBe(true);
    expect(await verifyPassword('new account', cheap)).toBe(false);
  });

  it('treats a malformed or tampered hash as no match rather than throwing', async () => {
    const stored = await hashPassword('password1');
    expect(await verifyPassword('password1', 'plain-text-password1')).toBe(false);
    expect(await verifyPassword('password1', stored.replace('$32768$', '$1000$'))).toBe(false); // N not a power of two
    const parts = stored.split('$');
    parts[5] = Buffer.alloc(32).toString('base64');
    expect(await verifyPassword('password1', parts.join('$'))).toBe(false);
  });
});
