import { pino, type Logger } from 'pino';

/**
 * The server's logger. Personal data goes in tagged fields only, never inside a message
 * string; fields that may hold a phone number are masked by name as a safety net.
 *
 * @example
 *   log.info({ callSid, caller: maskPhone(from) }, 'call started');
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['From', 'To', 'Caller', 'Called', 'from', 'to', 'phone', '*.From', '*.Caller', '*.from', '*.phone'],
      censor: (value) => (typeof value === 'string' ? maskPhone(value) : '[redacted]'),
    },
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  });
}

/**
 * Masks a phone number for display and logs: country code, first three and last four
 * digits stay, as Chinese hotline screens show them.
 *
 * @example maskPhone('+8613800001234') === '+86 138****1234'
 */
export function maskPhone(raw: string): string {
  const digits = raw.replace(/[^\d+]/g, '');
  const cn = /^(?:\+?86)?(1\d{10})$/.exec(digits);
  if (cn) return `+86 ${cn[1]!.slice(0, 3)}****${cn[1]!.slice(-4)}`;
  const plain = digits.replace(/^\+/, '');
  if (plain.length <= 4) return '****';
  return `${digits.startsWith('+') ? '+' : ''}${plain.slice(0, Math.min(3, plain.length - 4))}****${plain.slice(-4)}`;
}

export const silentLogger: Logger = pino({ level: 'silent' });
