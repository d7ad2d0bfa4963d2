import { forwardRef, type FormEvent } from 'react';
import type { WrapUp, WrapUpDraft } from '../../../server/calls/call.ts';
import { timeOfDay } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { WrapUpChoices } from './use-wrap-up-choices.ts';
import { fieldValue, type WrapUpEdits, type WrapUpField } from './wrap-up-values.ts';

/**
 * The wrap-up (话后小结) of the chosen call: pre-filled from the server's draft, which
 * follows the caller's words until the operator edits a field; submitted during the call
 * or after it. W jumps to the summary, Ctrl+Enter submits.
 */
export interface WrapUpFormProps {
  readonly callSid: string;
  readonly draft: WrapUpDraft | null;
  readonly submitted: WrapUp | undefined;
  readonly edits: WrapUpEdits;
  readonly message: { readonly ok: boolean; readonly text: string } | null;
  readonly choices: WrapUpChoices;
  readonly busy: boolean;
  readonly onEdit: (name: WrapUpField, value: string) => void;
  readonly onSubmit: (value: (name: WrapUpField) => string) => void;
}

const INTENTS = ['consult', 'complaint', 'report', 'suggestion', 'praise'] as const;

export const WrapUpForm = forwardRef<HTMLFormElement, WrapUpFormProps>(function WrapUpForm(props, ref) {
  const { t, lang } = useI18n();
  const { draft, submitted, edits } = props;
  const value = (name: WrapUpField) => fieldValue(name, edits, submitted, draft);
  const bind = (name: WrapUpField) => ({ name, value: value(name), onChange: (e: { target: { value: string } }) => props.onEdit(name, e.target.value) });
  const scenarioTitle = draft?.scenarioId && draft.scenarioId === value('scenarioId') ? (draft.scenarioTitle ?? '') : '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(value);
  };
  return (
    <form id="wrapup" ref={ref} className="wrapup panel" data-call-sid={props.callSid} noValidate onSubmit={submit}>
      <div className="wrapup-head">
        <h3>{t('wrapup.title')}</h3>
        {submitted && <span id="wrapup-status" className="hint">{t('wrapup.submitted')} · {submitted.by} · {timeOfDay(submitted.at, lang)}</span>}
        {props.message && <span id="wrapup-message" role="status" data-ok={String(props.message.ok)}>{props.message.text}</span>}
      </div>
      <div className="wrapup-grid">
        <label><span>{t('wrapup.intent')}</span>
          <select {...bind('intent')}>
            {INTENTS.map((intent) => <option key={intent} value={intent}>{t(`intent.${intent}`)}</option>)}
          </select>
        </label>
        <label><span>{t('wrapup.scenario')}{scenarioTitle && <small id="wrapup-scenario-title" className="hint">{scenarioTitle}</small>}</span>
          <input {...bind('scenarioId')} list="wrapup-scenarios" autoComplete="off" />
        </label>
        <label><span>{t('wrapup.department')}</span>
          <select {...bind('department')}>
            <option value="">{t('wrapup.choose')}</option>
            {props.choices.departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </label>
        <label><span>{t('wrapup.place')}</span><input {...bind('place')} autoComplete="off" /></label>
        <label className="half"><span>{t('wrapup.reason')}</span><input {...bind('departmentReason')} autoComplete="off" /></label>
        <label className="half"><span>{t('wrapup.note')}</span><textarea {...bind('note')} rows={1} maxLength={1000} /></label>
        <label className="wide"><span>{t('wrapup.summary')}</span><textarea {...bind('summary')} rows={2} maxLength={1000} /></label>
      </div>
      <datalist id="wrapup-scenarios">
        {props.choices.scenarios.map((s) => <option key={s.id} value={s.id}>{s.title}</option>)}
      </datalist>
      <div className="wrapup-actions">
        <button type="submit" disabled={props.busy}>{t('wrapup.submit')} <kbd>Ctrl+Enter</kbd></button>
      </div>
    </form>
  );
});
