import type { NextFunction, Request, Response } from 'express';
import twilio from 'twilio';

/**
 * Twilio signs every webhook and the Media Streams upgrade with `X-Twilio-Signature`:
 * HMAC-SHA1 of the full URL plus the sorted POST parameters, keyed by the auth token.
 * The URL is the one Twilio used — our public URL — not what a proxy forwarded to us.
 */
export function isSignedByTwilio(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/**
 * Express middleware: 400 without a signature, 403 with a wrong one; neither reaches the
 * handler, so a forged request changes nothing. Needs `express.urlencoded()` before it.
 */
export function requireTwilioSignature(authToken: string, publicUrl: () => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const signature = req.header('x-twilio-signature');
    if (!signature) {
      res.status(400).type('text/plain').send('missing X-Twilio-Signature');
      return;
    }
    const params = (req.body ?? {}) as Record<string, string>;
    if (!isSignedByTwilio(authToken, signature, publicUrl() + req.originalUrl, params)) {
      res.status(403).type('text/plain').send('X-Twilio-Signature does not match this request');
      return;
    }
    next();
  };
}
