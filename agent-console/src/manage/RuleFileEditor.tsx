import { useEffect, useMemo, useState } from 'react';
import type { Translate } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { problemText } from './problem-text.ts';
import { DiffView } from './DiffView.tsx';
import { LineEditor } from './LineEditor.tsx';
import { ruleProblemsOf, rulesApi } from './manage-api.ts';
import { RuleHistory } from './RuleHistory.tsx';
import { lineCount, placeProblems, type RuleProblem } from './rule-problems.ts';

/**
 * One rule file in the editor. Saving sends the ETag of the version it was loaded at: a
 * refused text comes back with its problems, shown at their lines (nothing was written and
 * the rules in force are the old ones); a stale save is explained with the choices it leaves.
 */
type Notice = { kind: 'ok' | 'error'; text: string } | null;
interface Stale {
  readonly current: string | null;
  readonly who: string;
}

export function RuleFileEditor({ name, t, onSaved, onDirty }: { name: string; t: Translate; onSaved: () => void; onDirty: (dirty: boolean) => void }) {
  const { lang } = useI18n();
  const [original, setOriginal] = useState<string | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<readonly RuleProblem[]>([]);
  const [notice, setNotice] = useState<Notice>(null);
  const [stale, setStale] = useState<Stale | null>(null);
  const [theirs, setTheirs] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [caretLine, setCaretLine] = useState(1);
  const [goTo, setGoTo] = useState<{ line: number; nonce: number } | null>(null);
  const [history, setHistory] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);

  const load = async () => {
    const reply = await rulesApi.read(name);
    if (!reply.ok) return setNotice({ kind: 'error', text: t('kb.loadFailed', { error: reply.error }) });
    setOriginal(reply.data);
    setText(reply.data);
    setEtag(reply.etag);
    setProblems([]);
    setStale(null);
    setTheirs(null);
    setNotice(null);
    // A hand edit may have broken the file on disk: then the rules in force are its last good version.
    const check = await rulesApi.check(name, reply.data);
    if (!check.ok && check.status === 422) {
      setProblems(ruleProblemsOf(check));
      setNotice({ kind: 'error', text: t('rules.diskInvalid', { n: check.problems.length }) });
    }
  };
  useEffect(() => void load(), [name]);
  const dirty = original !== null && text !== original;
  useEffect(() => onDirty(dirty), [dirty]);

  const placed = useMemo(() => placeProblems(problems, name, lineCount(text)), [problems, name, text]);
  const jump = (line: number) => setGoTo({ line, nonce: Date.now() });
  const refused = (list: readonly RuleProblem[]) => {
    setProblems(list);
    setNotice({ kind: 'error', text: t('rules.invalid', { n: list.length }) });
    const first = placeProblems(list, name, lineCount(text)).firstLine;
    if (first !== null) jump(first);
  };

  const save = async (asOf = etag) => {
    if (!asOf || busy) return;
    setBusy(true);
    const reply = await rulesApi.save(name, text, asOf);
    setBusy(false);
    if (reply.ok) {
      setOriginal(text);
      setEtag(reply.data.file.etag);
      setProblems([]);
      setStale(null);
      setTheirs(null);
      setNotice({ kind: 'ok', text: reply.data.change ? t('rules.saved', { version: reply.data.version }) : t('rules.unchanged') });
      setHistoryKey((k) => k + 1);
      onSaved();
      return;
    }
    if (reply.status === 422 && reply.code === 'not_text') {
      setProblems(ruleProblemsOf(reply));
      setNotice({ kind: 'error', text: t('rules.notText') });
    } else if (reply.status === 422) refused(ruleProblemsOf(reply));
    else if (reply.status === 409 && reply.code === 'stale') {
      setStale({ current: reply.current, who: /\(by (\S+) at /.exec(reply.error)?.[1] ?? t('rules.staleSomeone') });
      setNotice(null);
    } else if (reply.status === 413) setNotice({ kind: 'error', text: t('rules.tooLarge') });
    else if (reply.status === 403) setNotice({ kind: 'error', text: t('rules.forbidden') });
    else setNotice({ kind: 'error', text: t('rules.failed', { error: reply.error }) });
  };

  const check = async () => {
    setBusy(true);
    const reply = await rulesApi.check(name, text);
    setBusy(false);
    if (reply.ok) {
      setProblems([]);
      setNotice({ kind: 'ok', text: t('rules.checkOk') });
    } else if (reply.status === 422) refused(ruleProblemsOf(reply));
    else setNotice({ kind: 'error', text: t('rules.failed', { error: reply.error }) });
  };

  const compare = async () => {
    const reply = await rulesApi.read(name);
    if (reply.ok) setTheirs(reply.data);
  };

  if (original === null) return notice ? <p className="error">{notice.text}</p> : <p className="empty">{t('kb.loading')}</p>;
  return (
    <div id="rule-editor" className="rule-editor" data-file={name}>
      <div className="editor-bar">
        <h2>{name}</h2>
        <span className="muted" id="rule-caret">{t('rules.caret', { line: caretLine })}</span>
        {dirty && <span className="state" id="rule-dirty">{t('rules.modified')}</span>}
        <span className="muted">{t('rules.shortcut')}</span>
        <button type="button" onClick={() => { setText(original); setProblems([]); setNotice(null); }} disabled={!dirty}>{t('rules.revert')}</button>
        <button type="button" id="rule-history-toggle" onClick={() => setHistory(!history)}>{history ? t('rules.hideHistory') : t('rules.history')}</button>
        <button type="button" id="rule-check" onClick={() => void check()} disabled={busy}>{t('rules.check')}</button>
        <button type="button" id="rule-save" className="primary" onClick={() => void save()} disabled={busy}>{t('rules.save')}</button>
      </div>
      {notice && <p id="rule-notice" className={`notice ${notice.kind}`} role="status">{notice.text}</p>}
      {stale && (
        <div id="rule-stale" className="notice error" role="alert">
          <p>{t('rules.stale', { who: stale.who })}</p>
          <p className="muted">{t('rules.staleHelp')}</p>
          <p className="actions">
            <button type="button" id="rule-compare" onClick={() => void compare()}>{t('rules.compare')}</button>
            <button type="button" id="rule-reload" onClick={() => void load()}>{t('rules.reloadTheirs')}</button>
            <button type="button" id="rule-overwrite" onClick={() => void save(stale.current)}>{t('rules.overwrite')}</button>
          </p>
          {theirs !== null && (
            <>
              <p className="muted">{t('rules.diffTitle', { from: t('rules.diffTheirs'), to: t('rules.diffMine') })}</p>
              <DiffView before={theirs} after={text} t={t} />
            </>
          )}
        </div>
      )}
      {problems.length > 0 && (
        <ul id="rule-problems" className="problem-list">
          {problems.map((p, i) => (
            <li key={i}>
              {p.file !== name && t('rules.otherFile', { file: p.file })}
              {p.line !== null && p.file === name ? (
                <button type="button" className="link" onClick={() => jump(p.line!)}>{p.column !== null ? t('rules.atColumn', { line: p.line, column: p.column }) : t('rules.at', { line: p.line })}</button>
              ) : p.line !== null ? t('rules.at', { line: p.line }) : null}
              {p.field && <code>{p.field}</code>} <span title={p.problem}>{problemText(p.problem, lang)}</span>
            </li>
          ))}
        </ul>
      )}
      {history && <RuleHistory key={historyKey} name={name} t={t} onRestore={(old) => { setText(old); setNotice({ kind: 'ok', text: t('rules.restored') }); }} />}
      <LineEditor value={text} onChange={setText} problems={placed} onCaretLine={setCaretLine} goTo={goTo} onSave={() => void save()} t={t} />
    </div>
  );
}
