import type { CallerHistory, PastCall } from '../caller-history.ts';
import type { EarlierCall, Flag } from '../flag.ts';
import type { CompiledRules } from '../rules/compiled.ts';
import type { Utterance } from './utterance.ts';

/**
 * Callers who call again and again, by the keyed hash of their number:
 *  - frequent: this call makes `calls` within a window of `rules/repeat.yaml` (3 in 24 h, 5 in 7 days);
 *  - same_issue: they called about the same scenario on an earlier day (same-day repeats are "frequent");
 *  - flood: many numbers on one matter within the window — one scenario, and one place when the
 *    caller names one (five callers on night works at 和平路, not five anywhere in the city) —
 *    or one number many times within it.
 * The flag lists the earlier calls, newest first, with their dates and outcomes.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function earlierOf(calls: readonly PastCall[], show: number): EarlierCall[] {
  return calls
    .slice(-show)
    .reverse()
    .map((c) => ({ at: new Date(c.atMs).toISOString(), scenarioId: c.scenarioId, outcome: c.outcome }));
}

export function detectRepeat(u: Utterance, rules: CompiledRules, history: CallerHistory): Flag[] {
  const { frequent, sameIssue, flood, show } = rules.source.repeat;
  const flags: Flag[] = [];
  const topic = u.suggestions[0]?.id ?? null;
  if (u.callerHash) {
    const longest = Math.max(...frequent.map((w) => w.withinHours), sameIssue.withinDays * 24) * HOUR_MS;
    const mine = history.byCaller(u.callerHash, u.atMs - longest, u.atMs);
    const hit = frequent.find((w) => mine.filter((c) => c.atMs > u.atMs - w.withinHours * HOUR_MS).length + 1 >= w.calls);
    if (hit) {
      const inWindow = mine.filter((c) => c.atMs > u.atMs - hit.withinHours * HOUR_MS);
      flags.push({ kind: 'repeat', category: 'frequent', severity: 'medium', evidence: [`${inWindow.length + 1} calls in ${hit.withinHours} h`], earlier: earlierOf(inWindow, show) });
    }
    if (topic) {
      const before = mine.filter((c) => c.scenarioId === topic && c.atMs > u.atMs - sameIssue.withinDays * DAY_MS && c.atMs <= u.atMs - DAY_MS);
      if (before.length) flags.push({ kind: 'repeat', category: 'same_issue', severity: 'medium', evidence: [topic], earlier: earlierOf(before, show) });
    }
    const burst = mine.filter((c) => c.atMs > u.atMs - flood.withinMinutes * 60_000);
    if (burst.length + 1 >= flood.calls) {
      flags.push({ kind: 'repeat', category: 'flood', severity: 'medium', evidence: [`${burst.length + 1} calls in ${flood.withinMinutes} min`], earlier: earlierOf(burst, show) });
      return flags;
    }
  }
  if (topic) {
    const recent = history.byTopic(topic, u.atMs - flood.withinMinutes * 60_000, u.atMs).filter((c) => !u.place || c.place === u.place);
    const callers = new Set(recent.map((c) => c.callerHash));
    if (u.callerHash) callers.add(u.callerHash);
    const where = u.place ? ` at ${u.place}` : '';
    if (callers.size >= flood.callers) flags.push({ kind: 'repeat', category: 'flood', severity: 'high', evidence: [`${callers.size} callers on ${topic}${where} in ${flood.withinMinutes} min`] });
  }
  return flags;
}
