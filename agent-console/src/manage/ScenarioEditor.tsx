import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Key, Translate } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { problemText } from './problem-text.ts';
import { knowledgeApi, knowledgeProblemsOf } from './manage-api.ts';
import { ANSWER_POINTS, fieldProblems, fromForm, INTENTS, MAX_SPOKEN_CHARS, MIN_PHRASINGS, toForm, type FieldKey, type FieldMessage, type ScenarioDoc, type ScenarioForm } from './scenario-form.ts';
import { ScenarioHistory } from './ScenarioHistory.tsx';

/**
 * One scenario's editor: every field of the schema a manager edits, saved with the version
 * it was read at (If-Match), each problem the API names shown under its field. Saved means
 * in force: the API answers once the knowledge base is rebuilt with the change.
 */
type Notice = { kind: 'ok' | 'error'; text: string; reload?: boolean } | null;

export function ScenarioEditor({ id, departments, t, onSaved, onDirty }: { id: string; departments: readonly { id: string; name: string }[]; t: Translate; onSaved: () => void; onDirty: (dirty: boolean) => void }) {
  const [doc, setDoc] = useState<ScenarioDoc | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [form, setForm] = useState<ScenarioForm | null>(null);
  const [problems, setProblems] = useState<Map<FieldKey, FieldMessage[]>>(new Map());
  const [notice, setNotice] = useState<Notice>(null);
  const [saving, setSaving] = useState(false);
  const [history, setHistory] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);

  const load = async () => {
    const reply = await knowledgeApi.scenario(id);
    if (!reply.ok) return setNotice({ kind: 'error', text: t('kb.loadFailed', { error: reply.error }) });
    setDoc(reply.data);
    setEtag(reply.etag);
    setForm(toForm(reply.data));
    setProblems(new Map());
    onDirty(false);
  };
  useEffect(() => void load(), [id]);

  const original = useMemo(() => (doc ? JSON.stringify(toForm(doc)) : ''), [doc]);
  const dirty = form !== null && JSON.stringify(form) !== original;
  useEffect(() => onDirty(dirty), [dirty]);

  if (!doc || !form) return notice ? <p className="error">{notice.text}</p> : <p className="empty">{t('kb.loading')}</p>;

  const set = <K extends keyof ScenarioForm>(key: K, value: ScenarioForm[K]) => setForm({ ...form, [key]: value });
  const save = async () => {
    setSaving(true);
    const reply = await knowledgeApi.save(id, fromForm(form, doc), etag);
    setSaving(false);
    if (reply.ok) {
      setDoc(reply.data);
      setEtag(reply.etag);
      setForm(toForm(reply.data));
      setProblems(new Map());
      setNotice({ kind: 'ok', text: t('kb.saved') });
      setHistoryKey((k) => k + 1);
      onSaved();
      return;
    }
    const byField = fieldProblems(knowledgeProblemsOf(reply));
    setProblems(byField);
    if (reply.status === 400) setNotice({ kind: 'error', text: t('kb.invalid', { n: [...byField.values()].reduce((n, list) => n + list.length, 0) || 1 }) });
    else if (reply.status === 409) setNotice({ kind: 'error', text: t('kb.stale', { who: /\(by ([^)]+)\)/.exec(reply.error)?.[1] ?? t('rules.staleSomeone') }), reload: true });
    else if (reply.status === 403) setNotice({ kind: 'error', text: t('kb.forbidden') });
    else setNotice({ kind: 'error', text: t('kb.failed', { error: reply.error }) });
  };

  const field = (key: FieldKey, label: string, control: ReactNode) => (
    <div className="field" data-field={key} data-invalid={problems.has(key) || undefined}>
      <label>{label}{control}</label>
      <FieldErrors messages={problems.get(key)} t={t} />
    </div>
  );
  const phrasings = form.phrasings.split('\n').filter((l) => l.trim()).length;

  return (
    <form id="scenario-editor" className="scenario-editor" data-id={id} onSubmit={(e) => { e.preventDefault(); void save(); }} onKeyDown={(e) => { if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); void save(); } }}>
      <div className="editor-bar">
        <h2>{doc.title} <span className="muted">{doc.id} · {doc.domain}</span></h2>
        {dirty && <span className="state" id="kb-dirty">{t('kb.unsaved')}</span>}
        <button type="button" onClick={() => { setForm(toForm(doc)); setProblems(new Map()); setNotice(null); }} disabled={!dirty}>{t('kb.revert')}</button>
        <button type="button" id="kb-history-toggle" onClick={() => setHistory(!history)}>{history ? t('kb.hideHistory') : t('kb.history')}</button>
        <button type="submit" id="kb-save" className="primary" disabled={saving}>{t('kb.save')}</button>
      </div>
      {notice && (
        <p id="kb-notice" className={`notice ${notice.kind}`} role="status">
          {notice.text} {notice.reload && <button type="button" onClick={() => { setNotice(null); void load(); }}>{t('kb.reload')}</button>}
        </p>
      )}
      <FieldErrors messages={problems.get('form')} t={t} />
      {history && <ScenarioHistory key={historyKey} id={id} t={t} />}
      <div className="field-grid">
        {field('title', t('kb.field.title'), <input name="title" value={form.title} onChange={(e) => set('title', e.target.value)} />)}
        {field('department', t('kb.field.department'), (
          <select name="department" value={form.department} onChange={(e) => set('department', e.target.value)}>
            {!departments.some((d) => d.id === form.department) && <option value={form.department}>{form.department}</option>}
            {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        ))}
        {field('intent', t('kb.field.intent'), (
          <select name="intent" value={form.intent} onChange={(e) => set('intent', e.target.value)}>
            {INTENTS.map((i) => <option key={i} value={i}>{t(`intent.${i}`)}</option>)}
          </select>
        ))}
        {field('status', t('kb.field.status'), (
          <select name="status" value={form.status} onChange={(e) => set('status', e.target.value as ScenarioForm['status'])}>
            <option value="active">{t('kb.status.active')}</option>
            <option value="retired">{t('kb.status.retired')}</option>
          </select>
        ))}
      </div>
      <div className="field-cols">
        {field('keywords', t('kb.field.keywords'), <textarea name="keywords" rows={5} value={form.keywords} onChange={(e) => set('keywords', e.target.value)} />)}
        {field('synonyms', t('kb.field.synonyms'), <textarea name="synonyms" rows={5} value={form.synonyms} onChange={(e) => set('synonyms', e.target.value)} />)}
      </div>
      {field('phrasings', `${t('kb.field.phrasings', { n: MIN_PHRASINGS })} · ${phrasings}`, <textarea name="phrasings" rows={7} value={form.phrasings} onChange={(e) => set('phrasings', e.target.value)} />)}
      <fieldset className="answer" data-field="answer">
        <legend>{t('kb.field.answer')}</legend>
        <FieldErrors messages={problems.get('answer')} t={t} />
        <div className="field-cols">
          {ANSWER_POINTS.map((p) => field(`answer.${p}`, t(`kb.answer.${p}` as Key), <textarea name={`answer.${p}`} rows={3} value={form.answer[p]} onChange={(e) => set('answer', { ...form.answer, [p]: e.target.value })} />))}
        </div>
      </fieldset>
      {field('spoken', t('kb.field.spoken', { n: form.spoken.trim().length, max: MAX_SPOKEN_CHARS }), <textarea name="spoken" rows={3} value={form.spoken} data-over={form.spoken.trim().length > MAX_SPOKEN_CHARS || undefined} onChange={(e) => set('spoken', e.target.value)} />)}
      {field('subScenarios', t('kb.field.subScenarios'), <span className="muted">{t('kb.subScenarios', { n: doc.subScenarios?.length ?? 0 })}</span>)}
    </form>
  );
}

function FieldErrors({ messages, t }: { messages: readonly FieldMessage[] | undefined; t: Translate }) {
  const { lang } = useI18n();
  if (!messages?.length) return null;
  return (
    <ul className="field-errors">
      {messages.map((m, i) => <li key={i}>{m.item !== null && t('kb.item', { n: m.item })}<span title={m.problem}>{problemText(m.problem, lang)}</span></li>)}
    </ul>
  );
}
