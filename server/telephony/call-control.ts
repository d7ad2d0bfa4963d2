import twilio from 'twilio';
import type { Logger } from 'pino';

/**
 * Actions on a live call through Twilio's REST API (the twilio library's client): the
 * operator's warning, a supervisor's take-over and hang-up.
 * Playing the warning replaces the caller's call with the warning and a hang-up: the last
 * step of the standard script for a caller who keeps abusing the operator after being
 * asked to stop (the console offers it once `escalation.warnAt` is reached).
 *
 * @example
 *   const control = new CallControl({ authToken, apiBaseUrl: null, logger });
 *   await control.playWarning({ callSid, accountSid }, '您已多次使用侮辱性语言……');
 */
const { VoiceResponse } = twilio.twiml;

export interface CallControlOptions {
  readonly authToken: string;
  /** Where Twilio's API is; null for api.twilio.com (tests use a local stand-in). */
  readonly apiBaseUrl: string | null;
  readonly timeoutMs?: number;
  readonly logger: Logger;
}

/** Twilio refused or could not be reached; `status` is Twilio's HTTP status when it answered. */
export class CallControlError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'CallControlError';
  }
}

export class CallControl {
  private readonly clients = new Map<string, twilio.Twilio>();

  constructor(private readonly options: CallControlOptions) {}

  async playWarning(call: { callSid: string; accountSid: string }, warning: string): Promise<void> {
    const twiml = new VoiceResponse();
    twiml.say({ language: 'zh-CN', voice: 'Polly.Zhiyu' }, warning);
    twiml.hangup();
    await this.update(call, { twiml: twiml.toString() });
    this.options.logger.info({ callSid: call.callSid }, 'warning played; the call ends after it');
  }

  /** Moves the caller to new instructions (a supervisor taking the call over, see step-in-twiml.ts). */
  async redirect(call: { callSid: string; accountSid: string }, twiml: string): Promise<void> {
    await this.update(call, { twiml });
    this.options.logger.info({ callSid: call.callSid }, 'call redirected');
  }

  /** Hangs the call up. Returns the call status Twilio answered with (`completed`). */
  async hangUp(call: { callSid: string; accountSid: string }): Promise<string> {
    const status = await this.update(call, { status: 'completed' });
    this.options.logger.info({ callSid: call.callSid, status }, 'call hung up');
    return status;
  }

  private async update(call: { callSid: string; accountSid: string }, params: { twiml: string } | { status: 'completed' }): Promise<string> {
    try {
      const updated = await this.client(call.accountSid).calls(call.callSid).update(params);
      return updated.status;
    } catch (error) {
      const status = (error as { status?: number }).status ?? null;
      this.options.logger.error({ callSid: call.callSid, status, err: (error as Error).message }, 'Twilio refused the call update');
      throw new CallControlError(status ? `Twilio answered ${status}` : 'Twilio could not be reached', status);
    }
  }

  private client(accountSid: string): twilio.Twilio {
    let client = this.clients.get(accountSid);
    if (!client) {
      client = twilio(accountSid, this.options.authToken, { timeout: this.options.timeoutMs ?? 5000, autoRetry: false });
      if (this.options.apiBaseUrl) client.api.baseUrl = this.options.apiBaseUrl;
      this.clients.set(accountSid, client);
    }
    return client;
  }
}
