import { io, type Socket } from 'socket.io-client';
import type { CallSummary, ClientToServerEvents, ServerToClientEvents, TranscriptLine } from '../../server/console/contract.ts';
import type { IvrStep, TranscriptEntry } from '../../server/calls/call.ts';
import type { Suggestion } from '../../server/assist/suggestion.ts';
import { queueName, t, timeOfDay, toggleLanguage, translatePage, type Key } from './i18n.ts';
import type { LiveFlag } from '../../server/assist/live-flags.ts';
import { flagLabel, renderFlags } from './flags.ts';
import { renderSuggestions } from './suggestions.ts';
import { el } from './dom.ts';
import { setupSession } from './session.ts';
import { emptyWrapUp, loadWrapUpChoices, renderWrapUp, setupWrapUp, type WrapUpView } from './wrap-up.ts';

/**
 * The console: live calls on the left; on the right the chosen call's IVR path, its live
 * transcript (caller and operator side by side), the knowledge base's suggested
 * answers and the wrap-up form. Transcript text is callers' words: it only ever goes into the page as text,
 * never as HTML.
 */
type Speaker = 'caller' | 'operator';

interface CallView {
  summary: CallSummary;
  finals: Record<Speaker, { text: string; offsetMs: number }[]>;
  partial: Record<Speaker, string | null>;
  /** Whether the full transcript so far has been fetched (it is, when the call is chosen). */
  loaded: boolean;
  suggestions: readonly Suggestion[];
  used: Set<string>;
  open: Set<string>;
  flags: readonly LiveFlag[];
  wrapUp: WrapUpView;
}

const calls = new Map<string, CallView>();
let selected: string | null = null;
const ENDED_KEPT_MS = 60_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function view(summary: CallSummary): CallView {
  let v = calls.get(summary.callSid);
  if (!v) {
    v = { summary, finals: { caller: [], operator: [] }, partial: { caller: null, operator: null }, loaded: false, suggestions: [], used: new Set(), open: new Set(), flags: [], wrapUp: emptyWrapUp() };
    calls.set(summary.callSid, v);
  } else v.summary = summary;
  return v;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** What the caller did in the IVR, in operators' words; prompts read to them are left out. */
function stepLabel(step: IvrStep, queue: string | undefined): string | null {
  if (step.choice) return `${t('pressed')} ${step.via === 'speech' ? `“${step.input ?? ''}”` : step.input ?? ''} · ${step.choice}`;
  if (step.via === 'none') return t('noInput');
  if (step.via === 'invalid') return `${t('invalid')} ${step.input ?? ''}`;
  if (step.type === 'transfer') return `${t('transferredTo')} ${queue ? queueName(queue) : ''}`;
  return null;
}

function renderList(): void {
  const list = $<HTMLUListElement>('calls');
  list.replaceChildren(
    ...[...calls.values()]
      .sort((a, b) => b.summary.startedAt.localeCompare(a.summary.startedAt))
      .map(({ summary }) => {
        const li = el('li');
        li.dataset['callSid'] = summary.callSid;
        li.dataset['state'] = summary.state;
        li.setAttribute('aria-selected', String(summary.callSid === selected));
        const worst = calls.get(summary.callSid)?.flags.find((f) => f.severity === 'emergency' && f.decision?.decision !== 'dismissed');
        if (worst) li.dataset['alert'] = 'emergency';
        const head = el('div');
        head.append(el('span', 'caller', summary.caller), stateBadge(summary));
        const where = summary.queue ? ` · ${queueName(summary.queue)}` : '';
        li.append(head, el('div', 'meta', `${timeOfDay(summary.startedAt)}${where}`));
        li.addEventListener('click', () => choose(summary.callSid));
        return li;
      }),
  );
  $('no-calls').hidden = calls.size > 0;
}

function stateBadge(summary: CallSummary): HTMLElement {
  const badge = el('span', 'state', t(`state.${summary.state}` as Key));
  badge.dataset['state'] = summary.state;
  return badge;
}

function renderCall(): void {
  const v = selected ? calls.get(selected) : undefined;
  $('no-selection').hidden = Boolean(v);
  $('call').hidden = !v;
  if (!v) return;
  $('call').dataset['callSid'] = v.summary.callSid;
  $('call-caller').textContent = v.summary.caller;
  $('call-state').replaceWith(Object.assign(stateBadge(v.summary), { id: 'call-state' }));
  $('call-queue').textContent = v.summary.queue ? `${t('queue')}: ${queueName(v.summary.queue)}` : '';
  $('call-operator').textContent = v.summary.operator ? `${t('assignedTo')}: ${v.summary.operator.displayName}` : '';
  const steps = v.summary.ivrPath.map((s) => stepLabel(s, v.summary.queue)).filter((label): label is string => label !== null);
  $('ivr-path').replaceChildren(...steps.map((label) => el('li', undefined, label)));
  for (const speaker of ['caller', 'operator'] as const) {
    const lines = document.querySelector<HTMLElement>(`.side[data-speaker="${speaker}"] .lines`)!;
    const nodes = v.finals[speaker].map((line) => {
      const p = el('p', 'line final');
      p.append(el('span', 'at', clock(line.offsetMs)), document.createTextNode(line.text));
      return p;
    });
    const partial = v.partial[speaker];
    if (partial) nodes.push(el('p', 'line partial', partial));
    lines.replaceChildren(...nodes);
  }
  const asked = v.summary.selfService;
  $('self-service').hidden = !asked?.question;
  $('self-service').textContent = asked?.question ? `${t('selfService')}：“${asked.question}” · ${t(`outcome.${asked.outcome}` as Key)}` : '';
  renderSuggestions($('suggestions'), $('no-suggestions'), { items: v.suggestions, used: v.used, open: v.open }, (s, rank) => useAnswer(v, s, rank));
  renderFlags($('flags'), v.flags, (flag, decision) => decide(v, flag, decision), () => warn(v));
  renderWrapUp({ callSid: v.summary.callSid, view: v.wrapUp, submitted: v.summary.wrapUp });
}

setupWrapUp({
  current: () => {
    const v = selected ? calls.get(selected) : undefined;
    return v ? { callSid: v.summary.callSid, view: v.wrapUp, submitted: v.summary.wrapUp } : null;
  },
  submit: async (request) => {
    const result = await socket.timeout(5000).emitWithAck('call:wrapup', request);
    const v = calls.get(request.callSid);
    if (result.ok && v) v.summary = { ...v.summary, wrapUp: result.wrapUp };
    return result;
  },
  rendered: () => renderCall(),
});

function decide(v: CallView, flag: LiveFlag, decision: 'confirmed' | 'dismissed'): void {
  socket.timeout(5000).emit('flag:decide', { callSid: v.summary.callSid, key: flag.key, decision }, (error, result) => {
    if (error || !result.ok) return;
    v.flags = v.flags.map((f) => (f.key === result.flag.key ? result.flag : f));
    if (v.summary.callSid === selected) renderCall();
  });
}

function warn(v: CallView): void {
  socket.timeout(10_000).emit('call:warn', v.summary.callSid, (error, result) => {
    if (error || !result.ok) showAlert(`${t('warningFailed')}${result && !result.ok ? `：${result.error}` : ''}`);
  });
}

function showAlert(text: string): void {
  const box = $('alerts');
  const line = el('p', undefined, text);
  box.append(line);
  box.hidden = false;
  setTimeout(() => {
    line.remove();
    box.hidden = box.childElementCount === 0;
  }, 15_000);
}

function useAnswer(v: CallView, s: Suggestion, rank: number): void {
  socket.timeout(5000).emit('kb:used', { callSid: v.summary.callSid, id: s.id, rank }, (error, result) => {
    if (error || !result.ok) {
      $('no-suggestions').hidden = false;
      $('no-suggestions').textContent = t('useFailed');
      return;
    }
    v.used.add(s.id);
    if (v.summary.callSid === selected) renderCall();
  });
}

function choose(callSid: string): void {
  selected = callSid;
  const v = calls.get(callSid);
  if (v && !v.loaded) {
    socket.emit('call:get', callSid, (result) => {
      if (!result.ok) return;
      v.loaded = true;
      v.summary = result.call;
      if (!v.suggestions.length) v.suggestions = result.call.suggestions;
      if (!v.flags.length) v.flags = result.call.flags;
      v.wrapUp.draft = result.call.wrapUpDraft;
      for (const use of result.call.kbUsed) v.used.add(use.id);
      const byOffset = (a: { offsetMs: number }, b: { offsetMs: number }) => a.offsetMs - b.offsetMs;
      for (const speaker of ['caller', 'operator'] as const) {
        const history = result.call.transcript.filter((e: TranscriptEntry) => e.speaker === speaker).map((e) => ({ text: e.text, offsetMs: e.offsetMs }));
        // Finals that arrived while the lookup was in flight are kept; duplicates are dropped by offset.
        const seen = new Set(history.map((h) => h.offsetMs));
        v.finals[speaker] = [...history, ...v.finals[speaker].filter((f) => !seen.has(f.offsetMs))].sort(byOffset);
      }
      renderCall();
    });
  }
  renderList();
  renderCall();
}

function transcript(line: TranscriptLine): void {
  const v = calls.get(line.callSid);
  if (!v) return;
  if (line.final) {
    v.finals[line.speaker].push({ text: line.text, offsetMs: line.offsetMs });
    v.partial[line.speaker] = null;
  } else {
    v.partial[line.speaker] = line.text;
  }
  if (line.callSid === selected) renderCall();
}

// The session cookie goes with the WebSocket handshake by itself (same origin).
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io('/console', {
  transports: ['websocket'],
  autoConnect: false,
});
const session = setupSession(socket, {
  signedIn: () => setConnection('connecting'),
  signedOut: () => {
    calls.clear();
    selected = null;
    renderList();
    renderCall();
  },
  alert: showAlert,
});

function setConnection(state: 'online' | 'offline' | 'connecting'): void {
  const node = $('connection');
  node.dataset['state'] = state;
  node.textContent = t(`conn.${state}` as Key);
}

socket.on('connect', () => {
  $('login').hidden = true;
  $('desk').hidden = false;
  setConnection('online');
  void loadWrapUpChoices().then(renderCall);
});
socket.on('disconnect', () => setConnection('offline'));
socket.on('connect_error', (error) => {
  if (error.message !== 'unauthorized') setConnection('offline');
});
socket.on('server:info', (info) => {
  const badge = $('speech-mode');
  badge.hidden = info.speech !== 'emulator';
  badge.textContent = t('emulatorMode');
});
socket.on('calls:snapshot', (snapshot) => {
  // A reconnect's snapshot is the whole truth: calls no longer ours or live are dropped.
  const live = new Set(snapshot.map((s) => s.callSid));
  for (const [sid, v] of calls) if (!live.has(sid) && v.summary.state !== 'ended') calls.delete(sid);
  for (const summary of snapshot) {
    // An operator's ended calls still waiting for their wrap-up come too (after a reload).
    if (summary.state === 'ended' && !calls.has(summary.callSid)) forgetLater(summary.callSid);
    view(summary);
  }
  if (!selected && snapshot[0]) choose(snapshot[0].callSid);
  renderList();
  renderCall();
});
socket.on('call:started', (summary) => {
  view(summary);
  if (!selected || calls.get(selected)?.summary.state === 'ended') choose(summary.callSid);
  renderList();
});
socket.on('call:updated', (summary) => {
  // An operator first hears of a call when it is given to them: show it at once.
  const isNew = !calls.has(summary.callSid);
  view(summary);
  if (isNew && (!selected || calls.get(selected)?.summary.state === 'ended')) choose(summary.callSid);
  renderList();
  if (summary.callSid === selected) renderCall();
});
socket.on('call:ivr', ({ callSid, step }) => {
  const v = calls.get(callSid);
  if (!v) return;
  v.summary = { ...v.summary, ivrPath: [...v.summary.ivrPath, step] };
  renderList();
  if (callSid === selected) renderCall();
});
socket.on('suggestions:update', ({ callSid, items }) => {
  const v = calls.get(callSid);
  if (!v) return;
  v.suggestions = items;
  if (callSid === selected) renderCall();
});
socket.on('flags:update', ({ callSid, flags }) => {
  const v = calls.get(callSid);
  if (!v) return;
  v.flags = flags;
  renderList();
  if (callSid === selected) renderCall();
});
socket.on('wrapup:draft', ({ callSid, draft }) => {
  const v = calls.get(callSid);
  if (!v) return;
  v.wrapUp.draft = draft;
  if (callSid === selected) renderCall();
});
socket.on('alert:supervisor', ({ caller, flag }) => showAlert(`${t('supervisorAlert')}：${caller} · ${flagLabel(flag)}`));
socket.on('transcript:partial', transcript);
socket.on('transcript:final', transcript);
socket.on('call:ended', ({ callSid, endedAt }) => {
  const v = calls.get(callSid);
  if (!v) return;
  v.summary = { ...v.summary, state: 'ended', endedAt };
  v.partial = { caller: null, operator: null };
  renderList();
  if (callSid === selected) renderCall();
  forgetLater(callSid);
});

/** An ended call leaves the list after a while, but not while its operator is still writing its wrap-up. */
function forgetLater(callSid: string): void {
  setTimeout(() => {
    if (!calls.has(callSid)) return;
    if (selected === callSid && !calls.get(callSid)?.summary.wrapUp) return forgetLater(callSid);
    calls.delete(callSid);
    if (selected === callSid) selected = null;
    renderList();
    renderCall();
  }, ENDED_KEPT_MS);
}

$('lang').addEventListener('click', () => {
  toggleLanguage();
  translatePage();
  renderList();
  renderCall();
  session.render();
  setConnection(socket.connected ? 'online' : 'offline');
});

translatePage();
setConnection('connecting');
void session.start();
