import { createHmac } from 'node:crypto';

/**
 * Repeat-caller history keys on this, never on the raw number: a keyed hash (HMAC-SHA256
 * with CALLER_HASH_SECRET), so a leaked store does not give numbers back by brute force
 * over the small space of phone numbers.
 *
 * @example callerHash(secret, '+86 138-0000-1234') === callerHash(secret, '13800001234')
 */
export function callerHash(secret: string, number: string): string {
  return createHmac('sha256', secret).update(normalizeNumber(number)).digest('hex').slice(0, 32);
}

/** One spelling per line: digits only, with China's country code for mainland mobiles and landlines. */
export function normalizeNumber(number: string): string {
  let digits = number.replace(/\D/g, '');
  if (digits.startsWith('0086')) digits = digits.slice(2);
  if (/^1\d{10}$/.test(digits)) return `86${digits}`;
  if (/^0\d{9,11}$/.test(digits)) return `86${digits.slice(1)}`;
  return digits;
}
