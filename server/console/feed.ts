import type { LiveFlags } from '../assist/live-flags.ts';
import type { LiveSuggester } from '../assist/live-suggestions.ts';
import type { Dispatcher } from '../calls/dispatcher.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { maskPhone } from '../log.ts';
import type { TranscriptLine } from './contract.ts';
import type { ConsoleServer } from './namespace.ts';
import { PartialPacer } from './partial-pacer.ts';
import { audienceOf, callRoom, SUPERVISORS, userRoom } from './rooms.ts';
import { summarize } from './summary.ts';
import { flagBrief } from './urgency.ts';

/** Often enough that the words seem live, rarely enough to bound a burst. */
const PARTIAL_INTERVAL_MS = 150;

/**
 * The console's real-time feed: every call event goes to the call's room and to the
 * supervisors' room, never to the whole namespace. When the dispatcher gives a call to
 * an operator, their sockets join its room. Partial transcripts are paced (the newest
 * words at most every PARTIAL_INTERVAL_MS per speaker, see partial-pacer.ts); finals go at once.
 */
export interface FeedDeps {
  readonly registry: CallRegistry;
  readonly dispatcher: Dispatcher;
  readonly suggester: LiveSuggester;
  readonly flags: LiveFlags;
}

export function attachFeed(nsp: ReturnType<ConsoleServer['of']>, deps: FeedDeps): void {
  const { registry } = deps;
  const toCall = (callSid: string) => nsp.to(audienceOf(callSid));

  registry.on('started', (call) => nsp.to(SUPERVISORS).emit('call:started', summarize(call)));
  registry.on('queued', (call) => toCall(call.callSid).emit('call:updated', summarize(call)));
  registry.on('assigned', (call) => {
    // A call back from a take-over the supervisor did not answer goes to a new operator: only theirs is the room.
    nsp.in(callRoom(call.callSid)).socketsLeave(callRoom(call.callSid));
    if (call.operator) nsp.in(userRoom(call.operator.userId)).socketsJoin(callRoom(call.callSid));
    toCall(call.callSid).emit('call:updated', summarize(call));
  });
  registry.on('ivr', (call, step) => toCall(call.callSid).emit('call:ivr', { callSid: call.callSid, step }));
  // Not volatile (see partial-pacer.ts): the pacer bounds them instead. A partial replayed after a
  // reconnect is harmless: the page replaces it with the next one or the final.
  const partials = new PartialPacer<TranscriptLine>(PARTIAL_INTERVAL_MS, (line) => toCall(line.callSid).emit('transcript:partial', line));
  registry.on('transcript', (call, r) => {
    const line = { callSid: call.callSid, speaker: r.speaker, text: r.text, final: r.final, offsetMs: r.offsetMs, durationMs: r.durationMs };
    if (!r.final) return partials.partial(line);
    partials.final(line);
    toCall(call.callSid).emit('transcript:final', line);
  });
  deps.suggester.on('update', (update) => toCall(update.callSid).emit('suggestions:update', update));
  // The wallboard sorts by the flags in short: a change of them is a change of the call's summary.
  const briefs = new Map<string, string>();
  deps.flags.on('update', (update) => {
    toCall(update.callSid).emit('flags:update', update);
    const call = registry.get(update.callSid);
    const brief = JSON.stringify(flagBrief(update.flags));
    if (!call || briefs.get(call.callSid) === brief) return;
    briefs.set(call.callSid, brief);
    toCall(call.callSid).emit('call:updated', summarize(call));
  });
  registry.on('steppedIn', (call, stepIn) => {
    if (!stepIn.error) toCall(call.callSid).emit('call:step-in', { callSid: call.callSid, stepIn });
    toCall(call.callSid).emit('call:updated', summarize(call));
  });
  registry.on('takenOver', (call) => toCall(call.callSid).emit('call:updated', summarize(call)));
  registry.on('transferred', (call) => toCall(call.callSid).emit('call:updated', summarize(call)));
  deps.flags.on('alert', (alert) => {
    const call = registry.get(alert.callSid);
    toCall(alert.callSid).emit('alert:supervisor', { ...alert, caller: call ? maskPhone(call.from) : '' });
  });
  registry.on('ended', (call) => {
    partials.ended(call.callSid);
    briefs.delete(call.callSid);
    toCall(call.callSid).emit('call:ended', { callSid: call.callSid, endedAt: call.endedAt!, reason: call.endReason ?? '' });
    nsp.in(callRoom(call.callSid)).socketsLeave(callRoom(call.callSid));
  });
  registry.on('drafted', (call, draft) => toCall(call.callSid).emit('wrapup:draft', { callSid: call.callSid, draft }));
  // The call may have ended, and its operator left its room: tell them by their own room too.
  registry.on('wrappedUp', (call) => nsp.to([...audienceOf(call.callSid), ...(call.operator ? [userRoom(call.operator.userId)] : [])]).emit('call:updated', summarize(call)));
  deps.dispatcher.on('state', (status) => nsp.to([userRoom(status.userId), SUPERVISORS]).emit('operator:state', status));
  deps.dispatcher.on('queues', (queues) => nsp.to(SUPERVISORS).emit('queues:update', queues));
}
