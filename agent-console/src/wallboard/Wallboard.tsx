import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { isCritical, sortByUrgency } from '../../../server/console/urgency.ts';
import type { RouteProps } from '../app/route-props.ts';
import { Alarm, newlyCritical } from './alarm.ts';
import { BoardStore } from './board-store.ts';
import { BoardSummary } from './BoardSummary.tsx';
import { CallPanel } from './CallPanel.tsx';
import { CallTable } from './CallTable.tsx';

/**
 * The supervisor wallboard: every live call, most urgent first (urgency.ts, shared with
 * the server), with its time in its phase ticking, its operator, request and flags; the
 * queues and the operators' states on top; a click opens the call's live transcript and
 * the step-in buttons. An emergency or a threat rings (once the sound is switched on) and
 * shows a banner until no such call is left.
 */
export default function Wallboard({ socket, identity, t, lang, live }: RouteProps) {
  const store = useMemo(() => new BoardStore(socket, live), [socket, live]);
  useEffect(() => () => store.close(), [store]);
  const board = useSyncExternalStore(store.subscribe, store.getState);
  const calls = useMemo(() => sortByUrgency(board.calls), [board.calls]);
  const [selected, setSelected] = useState<string | null>(null);
  const pick = useCallback((callSid: string) => setSelected(callSid), []);

  // ↑/↓ (or k/j) walk the calls in urgency order, Esc closes the call; not while typing.
  const order = useRef<readonly string[]>([]);
  order.current = calls.map((c) => c.callSid);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (e.key === 'Escape') return setSelected(null);
      const step = e.key === 'ArrowDown' || e.key === 'j' ? 1 : e.key === 'ArrowUp' || e.key === 'k' ? -1 : 0;
      if (!step || !order.current.length) return;
      e.preventDefault();
      setSelected((now) => {
        const at = now ? order.current.indexOf(now) : -1;
        return order.current[Math.max(0, Math.min(order.current.length - 1, at < 0 ? 0 : at + step))] ?? null;
      });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const alarm = useMemo(() => new Alarm(), []);
  useEffect(() => () => alarm.disable(), [alarm]);
  const [sound, setSound] = useState<'off' | 'on' | 'unavailable'>('off');
  const critical = useMemo(() => new Set(calls.filter((c) => isCritical(c.flagBrief)).map((c) => c.callSid)), [calls]);
  const rung = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (newlyCritical(rung.current, critical).length) alarm.beep();
    rung.current = critical;
    // The browser test and the bench read how many alarms rang.
    document.documentElement.dataset['alarms'] = String(alarm.played);
  }, [critical, alarm]);

  // The server refuses everyone else too; this only keeps the buttons away from managers and tools.
  const stepsIn = !identity.service && (identity.role === 'supervisor' || identity.role === 'admin');

  return (
    <main id="wallboard" className="page">
      <BoardSummary queues={board.queues} operators={board.operators} t={t} />
      <section id="wb-list" className="panel">
        <h2>
          {t('wb.calls')} <small id="wb-count">{t('wb.callsCount', { n: calls.length })}</small>
          <small className="wb-keys"><kbd>↑</kbd><kbd>↓</kbd> {t('wb.keys')}</small>
          <button
            type="button"
            id="wb-sound"
            data-sound={sound}
            onClick={async () => {
              if (sound === 'on') {
                alarm.disable();
                return setSound('off');
              }
              setSound((await alarm.enable()) ? 'on' : 'unavailable');
            }}
          >
            {sound === 'on' ? t('wb.sound.on') : sound === 'unavailable' ? t('wb.sound.unavailable') : t('wb.sound.enable')}
          </button>
        </h2>
        {critical.size > 0 && <p id="wb-critical" role="alert">{t('wb.criticalBanner', { n: critical.size })}</p>}
        {calls.length === 0 ? <p className="empty">{t('wb.noCalls')}</p> : <CallTable calls={calls} selected={selected} t={t} onPick={pick} />}
      </section>
      {selected ? (
        <CallPanel callSid={selected} live={live} socket={socket} t={t} lang={lang} me={identity.username} canStepIn={stepsIn} />
      ) : (
        <section id="wb-detail" className="panel"><p className="empty">{t('wb.pick')}</p></section>
      )}
    </main>
  );
}
