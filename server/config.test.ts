import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.ts';

function error(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('runs offline with no settings at all: emulator speech, ./data, port 3000', () => {
    const config = loadConfig({}, '/srv/hotline');
    expect(config.speech.provider).toBe('emulator');
    expect(config.emulator.embedded).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/hotline/data');
    expect(config.publicUrl).toBeNull();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable that is wrong', () => {
    expect(error({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(error({ PUBLIC_URL: 'ftp://example.com' }).variable).toBe('PUBLIC_URL');
    expect(error({ TWILIO_ACCOUNT_SID: 'AC123' }).variable).toBe('TWILIO_ACCOUNT_SID');
    expect(error({ SPEECH_PROVIDER: 'azure' }).variable).toBe('SPEECH_KEY');
    expect(error({ SPEECH_KEY: 'k' }).variable).toBe('SPEECH_REGION');
    expect(error({ LOG_LEVEL: 'loud' }).message).toMatch(/^LOG_LEVEL: /);
  });

  it('dials 110 / 119 / 120 by default, or the number or SIP address configured, and refuses anything else', () => {
    expect(loadConfig({}).emergencyDial).toEqual({ '110': '110', '119': '119', '120': '120' });
    const config = loadConfig({ EMERGENCY_DIAL_110: '+862161100110', EMERGENCY_DIAL_120: 'sip:120@sbc.example.gov.cn' });
    expect(config.emergencyDial).toEqual({ '110': '+862161100110', '119': '119', '120': 'sip:120@sbc.example.gov.cn' });
    expect(error({ EMERGENCY_DIAL_119: 'fire dept' }).message).toBe('EMERGENCY_DIAL_119: expected a phone number (110, +861012345678) or a SIP address (sip:110@gw.example.gov.cn)');
    expect(error({ EMERGENCY_DIAL_110: '<Number>110</Number>' }).variable).toBe('EMERGENCY_DIAL_110');
  });

  it('takes the extra console origins as a comma-separated list of origins', () => {
    expect(loadConfig({}).consoleOrigins).toEqual([]);
    expect(loadConfig({ CONSOLE_ORIGINS: 'http://localhost:5173, https://desk.example.gov.cn' }).consoleOrigins).toEqual(['http://localhost:5173', 'https://desk.example.gov.cn']);
    expect(error({ CONSOLE_ORIGINS: 'http://localhost:5173/console' }).variable).toBe('CONSOLE_ORIGINS');
    expect(error({ CONSOLE_ORIGINS: 'localhost:5173' }).variable).toBe('CONSOLE_ORIGINS');
  });

  it('chooses Azure when a speech key is given, and never starts the emulator then', () => {
    const config = loadConfig({ SPEECH_KEY: 'secret', SPEECH_REGION: 'chinaeast2' });
    expect(config.speech).toMatchObject({ provider: 'azure', key: 'secret', region: 'chinaeast2', language: 'zh-CN' });
    expect(config.emulator.embedded).toBe(false);
  });

  it('reads the sign-in settings, and which proxies to trust for the client address', () => {
    expect(loadConfig({}).auth).toMatchObject({ sessionTtlMs: 43_200_000, sessionIdleMs: 1_800_000, maxFailuresPerUser: 5, lockoutMs: 60_000, trustProxy: false });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).auth.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: '1' }).auth.trustProxy).toBe(1);
    expect(error({ LOGIN_MAX_FAILURES: '0' }).variable).toBe('LOGIN_MAX_FAILURES');
    expect(error({ SESSION_IDLE_MS: '-5' }).variable).toBe('SESSION_IDLE_MS');
  });

  it('treats an empty value as not set, as .env files write it', () => {
    expect(loadConfig({ PUBLIC_URL: '', SPEECH_KEY: '' }).speech.provider).toBe('emulator');
  });

  it('refuses the emulator and the offline secrets in production', () => {
    const azure = { NODE_ENV: 'production', SPEECH_KEY: 'k', SPEECH_REGION: 'eastasia', PUBLIC_URL: 'https://hotline.example.gov.cn' };
    const secrets = { TWILIO_AUTH_TOKEN: 'a-real-twilio-token', CALLER_HASH_SECRET: 'x'.repeat(40), CONSOLE_TOKEN: 'a-real-console-token' };
    expect(error({ NODE_ENV: 'production', ...secrets, PUBLIC_URL: 'https://h.example' }).variable).toBe('SPEECH_PROVIDER');
    expect(error({ ...azure, ...secrets, TWILIO_AUTH_TOKEN: 'offline-twilio-auth-token' }).variable).toBe('TWILIO_AUTH_TOKEN');
    expect(error({ ...azure, ...secrets, CALLER_HASH_SECRET: 'short-but-16-chars' }).variable).toBe('CALLER_HASH_SECRET');
    expect(error({ ...azure, ...secrets, PUBLIC_URL: '' }).variable).toBe('PUBLIC_URL');
    expect(loadConfig({ ...azure, ...secrets }).env).toBe('production');
  });

  it('documents every setting in .env.example, whose values are the offline defaults', () => {
    const example = dotenv.parse(readFileSync(new URL('../.env.example', import.meta.url)));
    expect(Object.keys(example).sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(loadConfig(example, '/srv')).toEqual(loadConfig({}, '/srv'));
  });
});
