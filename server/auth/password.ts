import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard), a random salt per hash, and the cost
 * parameters stored with the hash so they can be raised later without breaking old ones:
 * `scrypt$N$r$p$salt$key` (salt and key in base64).
 *
 * @example
 *   const stored = await hashPassword('correct horse');
 *   await verifyPassword('correct horse', stored) === true
 */
export interface ScryptParams {
  /** CPU and memory cost (a power of two); memory is about 128 · N · r bytes. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 · 8 · 128 B = 32 MiB and some 50–100 ms per hash on one core. */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Unicode passwords are compared as the user typed them, whatever the keyboard's normal form.
    scrypt(password.normalize('NFC'), salt, keyBytes, { ...params, maxmem: 256 * params.N * params.r * params.p + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether the password matches the stored hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = FORMAT.exec(stored);
  if (!parts) return false;
  const params = { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16 || params.N < 2 || (params.N & (params.N - 1)) !== 0) return false;
  const key = await derive(password, salt, params, expected.length);
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | null = null;

/**
 * Spends the time of one verification without a user to verify, so an unknown username
 * answers as slowly as a wrong password (no probing for usernames by timing).
 */
export async function verifyNobody(password: string): Promise<false> {
  dummy ??= hashPassword('no-such-user-placeholder');
  await verifyPassword(password, await dummy);
  return false;
}
