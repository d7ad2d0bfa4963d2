import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LiveFlag } from '../../../server/assist/live-flags.ts';
import type { Suggestion } from '../../../server/assist/suggestion.ts';
import { transferredTo, type EmergencyService } from '../../../server/calls/call.ts';
import type { RouteProps } from '../app/route-props.ts';
import { useConsole, useLiveCalls } from '../app/session-context.tsx';
import type { CallView } from '../live/calls-state.ts';
import { flagLabel } from '../shared/labels.ts';
import { useStepInNotices } from '../shared/step-in-notices.ts';
import { TranscriptView } from '../shared/TranscriptView.tsx';
import { CallerCard } from './CallerCard.tsx';
import { CallList } from './CallList.tsx';
import { Flags, topOpenFlag, type FlagDecision } from './Flags.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { shortcutFor, type DeskAction } from './shortcuts.ts';
import { Suggestions } from './Suggestions.tsx';
import { useCallSelection } from './use-call-selection.ts';
import { useWrapUpChoices } from './use-wrap-up-choices.ts';
import { WrapUpForm } from './WrapUpForm.tsx';
import { wrapUpRequest, type WrapUpEdits, type WrapUpField } from './wrap-up-values.ts';

/**
 * The operator workspace, in three columns that fit 1366×768 without scrolling the page:
 * the calls; the chosen call (who is calling, the live transcript, the wrap-up form below
 * it); and the assist column (flags on top, the knowledge base's suggestions). Actions go
 * to the server with an acknowledgement, and the page changes only once it said yes.
 */
interface WrapUpState {
  readonly edits: WrapUpEdits;
  readonly message: { readonly ok: boolean; readonly text: string } | null;
  readonly busy: boolean;
}
const NO_WRAPUP: WrapUpState = { edits: {}, message: null, busy: false };

export function Desk({ socket, t, live }: RouteProps) {
  const { notify, setOperatorState } = useConsole();
  const { calls } = useLiveCalls(live);
  const list = useMemo(() => sortCalls([...calls.values()]), [calls]);
  const [selected, choose] = useCallSelection(list);
  const view = selected ? calls.get(selected) : undefined;
  const choices = useWrapUpChoices();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [wrapUps, setWrapUps] = useState<ReadonlyMap<string, WrapUpState>>(new Map());
  const [help, setHelp] = useState(false);
  /** `callSid flagKey` of the flags the supervisors were alerted about from here. */
  const [alerted, setAlerted] = useState<ReadonlySet<string>>(new Set());
  const form = useRef<HTMLFormElement>(null);

  // A supervisor on the desk sees every call: fetch the chosen one whole (an operator's come whole already).
  useEffect(() => {
    if (selected && view && !view.loaded) void live.load(selected);
  }, [selected, view?.loaded, live]);
  // The ended call whose wrap-up is being written stays listed until it is submitted.
  useEffect(() => live.keep((sid) => sid === selected && !calls.get(sid)?.summary.wrapUp), [live, selected, calls]);

  useStepInNotices(); // a supervisor's alert, take-over or hang-up on the operator's call

  useEffect(() => {
    const alert = ({ caller, flag }: { caller: string; flag: LiveFlag }) => notify(`${t('supervisorAlert')}：${caller} · ${flagLabel(t, flag)}`);
    socket.on('alert:supervisor', alert);
    return () => void socket.off('alert:supervisor', alert);
  }, [socket, notify, t]);

  const wrapUpOf = (sid: string) => wrapUps.get(sid) ?? NO_WRAPUP;
  const changeWrapUp = (sid: string, change: (w: WrapUpState) => WrapUpState) =>
    setWrapUps((now) => new Map(now).set(sid, change(now.get(sid) ?? NO_WRAPUP)));

  const markUsed = useCallback((v: CallView, s: Suggestion, rank: number) => {
    socket.timeout(5000).emit('kb:used', { callSid: v.summary.callSid, id: s.id, rank }, (error, result) => {
      if (error || !result.ok) return notify(`${t('useFailed')}${result && !result.ok ? `：${result.error}` : ''}`);
      live.apply({ type: 'kbUsed', callSid: v.summary.callSid, id: s.id });
    });
  }, [socket, live, notify, t]);

  const decide = useCallback((v: CallView, flag: LiveFlag, decision: FlagDecision) => {
    socket.timeout(5000).emit('flag:decide', { callSid: v.summary.callSid, key: flag.key, decision }, (error, result) => {
      if (error || !result.ok) return notify(`${t(`action.${decision}`)}: ${result && !result.ok ? result.error : '—'}`);
      live.apply({ type: 'flag', callSid: v.summary.callSid, flag: result.flag });
    });
  }, [socket, live, notify, t]);

  const warn = useCallback((v: CallView) => {
    socket.timeout(10_000).emit('call:warn', v.summary.callSid, (error, result) => {
      if (error || !result.ok) notify(`${t('warningFailed')}${result && !result.ok ? `：${result.error}` : ''}`);
    });
  }, [socket, notify, t]);

  const alertSupervisor = useCallback((v: CallView, flag: LiveFlag) => {
    socket.timeout(5000).emit('call:escalate', { callSid: v.summary.callSid, key: flag.key }, (error, result) => {
      if (error || !result.ok) return notify(`${t('alertSupervisor')}: ${result && !result.ok ? result.error : '—'}`);
      setAlerted((now) => new Set(now).add(`${v.summary.callSid} ${flag.key}`));
    });
  }, [socket, notify, t]);

  /** Resolves once the server answered (null, or the error); the call's summary (call:updated) then shows the transfer. */
  const transfer = useCallback((v: CallView, to: EmergencyService) => new Promise<string | null>((resolve) => {
    socket.timeout(15_000).emit('call:transfer', { callSid: v.summary.callSid, to }, (error, result) => {
      if (error || !result.ok) {
        const why = result && !result.ok ? result.error : t('transfer.noAnswer');
        notify(`${t('transfer.failed')}：${why}`);
        return resolve(why);
      }
      notify(`${t('transfer.ok')}：${t(`transfer.${to}`)} · ${v.summary.caller}`);
      resolve(null);
    });
  }), [socket, notify, t]);

  const submitWrapUp = (v: CallView, value: (name: WrapUpField) => string) => {
    const sid = v.summary.callSid;
    changeWrapUp(sid, (w) => ({ ...w, busy: true }));
    socket.timeout(5000).emit('call:wrapup', wrapUpRequest(sid, value), (error, result) => {
      if (!error && result.ok) {
        live.apply({ type: 'wrappedUp', callSid: sid, wrapUp: result.wrapUp });
        // What was submitted is now what the form shows.
        return changeWrapUp(sid, () => ({ edits: {}, busy: false, message: { ok: true, text: t('wrapup.saved') } }));
      }
      const why = result && !result.ok ? `：${result.error}` : '';
      changeWrapUp(sid, (w) => ({ ...w, busy: false, message: { ok: false, text: `${t('wrapup.failed')}${why}` } }));
    });
  };

  // Keyboard shortcuts (shortcuts.ts); single keys only outside text fields.
  const act = useRef<(action: DeskAction) => void>(() => undefined);
  act.current = (action) => {
    if (action.type === 'help') return setHelp((h) => !h);
    if (action.type === 'escape') {
      setHelp(false);
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      return;
    }
    if (action.type === 'state') return setOperatorState(action.state);
    if (action.type === 'call') {
      const at = list.findIndex((c) => c.summary.callSid === selected);
      const next = list[Math.min(list.length - 1, Math.max(0, at + action.step))];
      return next && choose(next.summary.callSid);
    }
    if (!view) return;
    if (action.type === 'use') {
      const s = view.suggestions[action.rank - 1];
      return s && !view.used.includes(s.id) ? markUsed(view, s, action.rank) : undefined;
    }
    if (action.type === 'open') {
      const s = view.suggestions[0];
      return s && setOpen((now) => toggled(now, s.id, !now.has(s.id)));
    }
    if (action.type === 'confirm' || action.type === 'dismiss') {
      const flag = topOpenFlag(view.flags);
      return flag ? decide(view, flag, action.type === 'confirm' ? 'confirmed' : 'dismissed') : undefined;
    }
    if (action.type === 'wrapup') return form.current?.querySelector<HTMLTextAreaElement>('textarea[name="summary"]')?.focus();
    if (action.type === 'submit') return form.current?.requestSubmit();
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const inField = event.isComposing || Boolean(target?.closest('input, textarea, select, [contenteditable="true"]'));
      const action = shortcutFor({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, inField });
      if (!action) return;
      if (action.type === 'escape' && !inField && !document.getElementById('shortcut-help')) return;
      event.preventDefault();
      act.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Stable handlers for the memoised panels, so a transcript line re-renders the transcript only.
  const latest = useRef({ view, markUsed, decide, warn, alertSupervisor, transfer, submitWrapUp, changeWrapUp });
  latest.current = { view, markUsed, decide, warn, alertSupervisor, transfer, submitWrapUp, changeWrapUp };
  const on = useMemo(() => {
    const withView = <A extends unknown[]>(fn: (v: CallView, ...args: A) => void) => (...args: A) => {
      const v = latest.current.view;
      if (v) fn(v, ...args);
    };
    return {
      use: withView((v, s: Suggestion, rank: number) => latest.current.markUsed(v, s, rank)),
      decide: withView((v, flag: LiveFlag, decision: FlagDecision) => latest.current.decide(v, flag, decision)),
      warn: withView((v) => latest.current.warn(v)),
      alert: withView((v, flag: LiveFlag) => latest.current.alertSupervisor(v, flag)),
      transfer: (to: EmergencyService) => (latest.current.view ? latest.current.transfer(latest.current.view, to) : Promise.resolve(null)),
      submit: withView((v, value: (name: WrapUpField) => string) => latest.current.submitWrapUp(v, value)),
      edit: withView((v, name: WrapUpField, value: string) => latest.current.changeWrapUp(v.summary.callSid, (w) => ({ ...w, edits: { ...w.edits, [name]: value } }))),
      toggle: (id: string, isOpen: boolean) => setOpen((now) => toggled(now, id, isOpen)),
    };
  }, []);

  const wrapUp = view ? wrapUpOf(view.summary.callSid) : NO_WRAPUP;
  const alertedHere = useMemo(() => {
    const prefix = `${selected} `;
    return new Set([...alerted].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  }, [alerted, selected]);
  return (
    <main id="desk" className="page desk">
      <CallList calls={list} selected={selected} onChoose={choose} />
      {view ? (
        <>
          <article id="call" className="call-column" data-call-sid={view.summary.callSid}>
            <CallerCard summary={view.summary} flags={view.flags} />
            <section id="transcript-panel" className="panel transcript-panel">
              <TranscriptView finals={view.finals} partials={view.partials} />
            </section>
            <WrapUpForm
              ref={form}
              callSid={view.summary.callSid}
              draft={view.draft}
              submitted={view.summary.wrapUp}
              edits={wrapUp.edits}
              message={wrapUp.message}
              busy={wrapUp.busy}
              choices={choices}
              onEdit={on.edit}
              onSubmit={on.submit}
            />
          </article>
          <aside id="assist-panel" className="assist-column">
            <Flags flags={view.flags} onDecide={on.decide} onWarn={on.warn} onAlert={on.alert} alerted={alertedHere} transferred={transferredTo(view.summary)} onTransfer={on.transfer} />
            <Suggestions
              items={view.suggestions}
              used={view.used}
              open={open}
              onToggle={on.toggle}
              onUse={on.use}
            />
          </aside>
        </>
      ) : (
        <p id="no-selection" className="empty panel no-selection">{list.length ? t('pickCall') : t('noCalls')}</p>
      )}
      <p className="shortcut-hint">{t('shortcut.hint')}</p>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </main>
  );
}

function toggled(set: ReadonlySet<string>, id: string, on: boolean): ReadonlySet<string> {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/** Live calls first, oldest first (the one waiting longest on top); ended calls after, newest first. */
function sortCalls(calls: CallView[]): CallView[] {
  return calls.sort((a, b) => {
    const endedA = a.summary.state === 'ended' ? 1 : 0;
    const endedB = b.summary.state === 'ended' ? 1 : 0;
    if (endedA !== endedB) return endedA - endedB;
    return endedA ? b.summary.startedAt.localeCompare(a.summary.startedAt) : a.summary.startedAt.localeCompare(b.summary.startedAt);
  });
}
