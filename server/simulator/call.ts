import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { streamTag } from '../speech/emulator/stream-tag.ts';
import type { SpeechSynthesizer, SpokenAudio } from './audio.ts';
import type { ConsoleEvent, ConsoleWatcher } from './console-watcher.ts';
import { MediaStreamer, type Pace } from './media-streamer.ts';
import type { Scenario } from './scenario.ts';
import { parseTwiml, ProtocolError, type StreamVerb, type Verb } from './twiml.ts';

/**
 * One simulated call, driven exactly as Twilio would drive it: signed webhooks,
 * following the TwiML that comes back (Gathers answered from the scenario, Redirects,
 * Says taking their time), a Media Stream opened from the TwiML's URL, the conversation
 * spoken as audio on the two tracks, then hang-up: `stop` on the stream and the status
 * callback. Every step is reported through `onEvent`.
 */
export type SimEvent =
  | { type: 'dialing'; callSid: string }
  | { type: 'twiml'; url: string; verbs: string[] }
  | { type: 'stream'; streamSid: string; url: string }
  | { type: 'ivr'; node: string; choice?: string; via?: string; input?: string }
  | { type: 'transcript'; speaker: string; final: boolean; text: string }
  | { type: 'suggestions'; ids: string[]; scores: number[]; basedOn: string }
  | { type: 'flag'; kind: string; category: string; severity: string; evidence: readonly string[] }
  | { type: 'ended'; callSid: string; reason: string; sentFrames: number; droppedFrames: number };

export interface SimulatorDeps {
  /** Where requests go (http://127.0.0.1:3000). */
  readonly server: string;
  /** The URL the server validates signatures against, when it differs from `server` (behind a proxy). */
  readonly publicUrl?: string;
  readonly authToken: string;
  readonly accountSid: string;
  /** The speech-service emulator to tell what each side will say; null against real Azure. */
  readonly emulator: { readonly url: string; readonly key: string } | null;
  readonly console: ConsoleWatcher | null;
  readonly synth: SpeechSynthesizer;
  readonly pace: Pace;
  readonly onEvent: (event: SimEvent) => void;
  /** Silence between two spoken lines. */
  readonly gapMs?: number;
  /** How long the caller listens to each character of a prompt (realtime pace); 0 skips prompts. */
  readonly sayMsPerCharacter?: number;
  readonly callSid?: string;
}

const WEBHOOK_TIMEOUT_MS = 15_000;
const SAY_MS_PER_CHARACTER = 150;
const SAY_MAX_MS = 8000;
const BARGE_IN_AFTER_MS = 1500;
const OPERATOR_ANSWERS_AFTER_MS = 1200;

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

export class SimulatedCall {
  readonly callSid: string;
  private readonly publicBase: string;
  private readonly answers: Scenario['ivr'];
  private streamer: MediaStreamer | null = null;
  private gathers = 0;
  private audio = new Map<string, SpokenAudio>();
  private ended: Promise<string> | null = null;
  private unfollow: (() => void) | null = null;
  private readonly flagsSeen = new Set<string>();

  constructor(
    private readonly scenario: Scenario,
    private readonly deps: SimulatorDeps,
  ) {
    this.callSid = deps.callSid ?? newCallSid();
    this.publicBase = (deps.publicUrl ?? deps.server).replace(/\/+$/, '');
    this.answers = [...scenario.ivr];
  }

  /** Runs the call to its end. Rejects with a {@link ProtocolError} when the server breaks the protocol. */
  async run(): Promise<void> {
    await this.prepareAudio();
    this.followConsole();
    this.deps.onEvent({ type: 'dialing', callSid: this.callSid });
    try {
      let document: { url: string; xml: string } | null = await this.post(`${this.publicBase}/twilio/voice`, { CallStatus: 'ringing' });
      while (document) document = await this.execute(document);
      await this.hangUp();
    } catch (error) {
      await this.streamer?.stop();
      this.unfollow?.();
      throw error;
    }
  }

  private async prepareAudio(): Promise<void> {
    const lines = [...this.scenario.caller_says, ...this.scenario.operator_says];
    const spoken = await Promise.all(lines.map((l) => this.deps.synth.speak(l)));
    lines.forEach((l, i) => this.audio.set(l, spoken[i]!));
  }

  private followConsole(): void {
    const watcher = this.deps.console;
    if (!watcher) return;
    this.ended = new Promise((resolve) => {
      this.unfollow = watcher.follow(this.callSid, (event: ConsoleEvent) => {
        if (event.kind === 'ivr') {
          const { node, choice, via, input } = event.step;
          this.deps.onEvent({ type: 'ivr', node, ...(choice ? { choice } : {}), ...(via ? { via } : {}), ...(input ? { input } : {}) });
        } else if (event.kind === 'transcript') {
          const { speaker, final, text } = event.line;
          this.deps.onEvent({ type: 'transcript', speaker, final, text });
        } else if (event.kind === 'flags') {
          // One event per flag, when it is first raised (CONTRACTS §2).
          for (const flag of event.update.flags) {
            if (this.flagsSeen.has(flag.key)) continue;
            this.flagsSeen.add(flag.key);
            this.deps.onEvent({ type: 'flag', kind: flag.kind, category: flag.category, severity: flag.severity, evidence: flag.evidence });
          }
        } else if (event.kind === 'suggestions') {
          const { items, basedOn } = event.update;
          this.deps.onEvent({ type: 'suggestions', ids: items.map((s) => s.id), scores: items.map((s) => s.score), basedOn });
        } else resolve(event.reason);
      });
    });
  }

  /** Acts on one TwiML document's verbs; returns the next document, or null when the call is over. */
  private async execute(document: { url: string; xml: string }): Promise<{ url: string; xml: string } | null> {
    const verbs = parseTwiml(document.xml);
    this.deps.onEvent({ type: 'twiml', url: new URL(document.url).pathname, verbs: verbs.map((v) => v.name) });
    for (const verb of verbs) {
      switch (verb.name) {
        case 'Say':
          await this.sleep(Math.min(SAY_MAX_MS, [...verb.text].length * (this.deps.sayMsPerCharacter ?? SAY_MS_PER_CHARACTER)));
          break;
        case 'Play':
          await this.sleep(1000);
          break;
        case 'Pause':
          await this.sleep(verb.lengthSeconds * 1000);
          break;
        case 'Gather': {
          const next = await this.gather(verb, document.url);
          if (next !== undefined) return next;
          break;
        }
        case 'Redirect':
          return this.post(this.resolve(verb.url, document.url), {});
        case 'Start':
          for (const stream of verb.streams) await this.openStream(stream);
          break;
        case 'Connect':
          for (const stream of verb.streams) await this.openStream(stream);
          await this.converse();
          return null;
        case 'Enqueue':
          if (verb.waitUrl && this.deps.pace === 'realtime') {
            const wait = await this.post(this.resolve(verb.waitUrl, document.url), { QueuePosition: '1', QueueSid: 'QU' + '0'.repeat(32), QueueTime: '0' });
            this.deps.onEvent({ type: 'twiml', url: new URL(wait.url).pathname, verbs: parseTwiml(wait.xml).map((v) => v.name) });
          }
          await this.sleep(OPERATOR_ANSWERS_AFTER_MS);
          await this.converse();
          return null;
        case 'Dial':
          await this.converse();
          return null;
        case 'Hangup':
        case 'Reject':
          return null;
      }
    }
    return null; // Twilio hangs up when a document runs out of verbs
  }

  /** Answers a Gather from the scenario; undefined when the scenario has no answer left (the Gather times out). */
  private async gather(verb: Extract<Verb, { name: 'Gather' }>, documentUrl: string): Promise<{ url: string; xml: string } | null | undefined> {
    this.gathers++;
    if (this.scenario.hangup_after_prompts !== undefined && this.gathers >= this.scenario.hangup_after_prompts) return null;
    const answer = this.answers.shift();
    if (answer === undefined) {
      await this.sleep(verb.timeoutSeconds * 1000);
      return undefined;
    }
    await this.sleep(BARGE_IN_AFTER_MS);
    if (!verb.action) throw new ProtocolError('a <Gather> without an action URL');
    const params: Record<string, string> = typeof answer === 'string' ? { Digits: answer } : { SpeechResult: answer.speech, Confidence: '0.92' };
    if (typeof answer !== 'string' && !verb.input.includes('speech')) throw new ProtocolError('the scenario speaks to a <Gather> that takes keys only');
    return this.post(this.resolve(verb.action, documentUrl), params);
  }

  private async openStream(verb: StreamVerb): Promise<void> {
    const streamer = new MediaStreamer({ verb, authToken: this.deps.authToken, callSid: this.callSid, accountSid: this.deps.accountSid, pace: this.deps.pace });
    if (this.deps.emulator) {
      await this.script('inbound', this.scenario.caller_says);
      await this.script('outbound', this.scenario.operator_says);
    }
    await streamer.open();
    this.streamer = streamer;
    this.deps.onEvent({ type: 'stream', streamSid: streamer.streamSid, url: verb.url });
  }

  /** Tells the emulator what this call's caller and operator will say, in order. */
  private async script(track: 'inbound' | 'outbound', lines: readonly string[]): Promise<void> {
    if (!lines.length || !this.deps.emulator) return;
    const utterances = lines.map((text) => ({ text, durationMs: this.audio.get(text)!.voicedMs }));
    const response = await fetch(`${this.deps.emulator.url}/emulator/utterances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.deps.emulator.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream: streamTag(this.callSid, track), utterances }),
    }).catch((error: Error) => {
      throw new ProtocolError(`cannot reach the speech emulator at ${this.deps.emulator!.url}: ${error.message}`);
    });
    if (!response.ok) throw new ProtocolError(`the speech emulator refused the script: HTTP ${response.status} ${await response.text()}`);
  }

  /** The conversation once an operator picks up: caller and operator take turns. */
  private async converse(): Promise<void> {
    const streamer = this.streamer;
    if (!streamer) return;
    const gap = this.deps.gapMs ?? 900;
    const { caller_says: caller, operator_says: operator } = this.scenario;
    await streamer.wait(400);
    for (let i = 0; i < Math.max(caller.length, operator.length); i++) {
      for (const [track, line] of [['inbound', caller[i]], ['outbound', operator[i]]] as const) {
        if (line === undefined) continue;
        if (!streamer.isOpen) throw new ProtocolError('the server closed the media stream during the call');
        await streamer.speak(track, this.audio.get(line)!.frames);
        await streamer.wait(gap);
      }
    }
  }

  private async hangUp(): Promise<void> {
    let reason = 'hung up';
    if (this.streamer) {
      const closed = await this.streamer.stop();
      if (closed.code !== 1000 && closed.code !== 1005) throw new ProtocolError(`the media stream closed with ${closed.code} ${closed.reason}`);
    }
    await this.post(`${this.publicBase}/twilio/status`, { CallStatus: 'completed', CallDuration: '30' }, true);
    if (this.ended) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ProtocolError('the console never reported the call as ended')), 20_000)));
      reason = await Promise.race([this.ended, timeout]).finally(() => clearTimeout(timer));
      this.unfollow?.();
    }
    this.deps.onEvent({ type: 'ended', callSid: this.callSid, reason, sentFrames: this.streamer?.sentFrames ?? 0, droppedFrames: this.streamer?.droppedFrames ?? 0 });
  }

  /** Resolves a TwiML URL against the document it came from, as Twilio does. */
  private resolve(url: string, documentUrl: string): string {
    return new URL(url, documentUrl).href;
  }

  /** A signed webhook request, signed for the public URL and sent to the server's address. */
  private async post(url: string, extra: Record<string, string>, noBody = false): Promise<{ url: string; xml: string }> {
    const params: Record<string, string> = {
      CallSid: this.callSid,
      AccountSid: this.deps.accountSid,
      From: this.scenario.caller,
      To: this.scenario.to,
      Caller: this.scenario.caller,
      Called: this.scenario.to,
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      CallStatus: 'in-progress',
      ...extra,
    };
    const signature = twilio.getExpectedTwilioSignature(this.deps.authToken, url, params);
    const target = url.startsWith(this.publicBase) ? this.deps.server.replace(/\/+$/, '') + url.slice(this.publicBase.length) : url;
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ProtocolError(`cannot reach ${target}: ${(error as Error).message}`);
    }
    const body = await response.text();
    if (!response.ok) throw new ProtocolError(`POST ${new URL(url).pathname} answered ${response.status}: ${body.slice(0, 200)}`);
    if (noBody) return { url, xml: '' };
    if (!/xml/.test(response.headers.get('content-type') ?? '')) throw new ProtocolError(`POST ${new URL(url).pathname} answered ${response.headers.get('content-type')}, not TwiML`);
    return { url, xml: body };
  }

  private sleep(ms: number): Promise<void> {
    if (this.deps.pace === 'fast' || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
