import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { clearedSessionCookie, readCookie, sessionCookie } from './cookie.ts';

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Strict, and Secure when the server is reached over https (PUBLIC_URL)', () => {
    const https = loadConfig({ PUBLIC_URL: 'https://hotline.example.gov.cn' }).auth.secureCookie;
    const http = loadConfig({}).auth.secureCookie;
    expect([https, http]).toEqual([true, false]);
    expect(sessionCookie('abc', { secure: https, maxAgeMs: 3_600_000 })).toBe('hotline_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure');
    expect(sessionCookie('abc', { secure: http, maxAgeMs: 3_600_000 })).not.toContain('Secure');
    expect(clearedSessionCookie({ secure: true })).toMatch(/^hotline_session=; .*Max-Age=0; Secure$/);
  });

  it('is read from a Cookie header among others', () => {
    expect(readCookie('theme=dark; hotline_session=xyz; lang=zh', 'hotline_session')).toBe('xyz');
    expect(readCookie('hotline_session_old=1', 'hotline_session')).toBeNull();
    expect(readCookie(undefined, 'hotline_session')).toBeNull();
  });
});
