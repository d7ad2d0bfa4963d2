import type { WrapUp, WrapUpDraft } from '../../server/calls/call.ts';
import type { WrapUpRequest, WrapUpResult } from '../../server/console/contract.ts';
import { el } from './dom.ts';
import { t, timeOfDay } from './i18n.ts';

/**
 * The wrap-up form (话后小结) of the chosen call: pre-filled from the server's draft, which
 * follows the caller's words until the operator edits a field (their edits are kept, per
 * call); submitted after the call or during it. The form's elements are static, in
 * index.html, so re-rendering on every transcript line never takes the focus away.
 */
const FIELDS = ['intent', 'scenarioId', 'department', 'departmentReason', 'place', 'summary', 'note'] as const;
type Field = (typeof FIELDS)[number];

export interface WrapUpView {
  draft: WrapUpDraft | null;
  /** Fields the operator changed: the draft no longer overwrites them. */
  readonly edited: Map<Field, string>;
  message: { readonly ok: boolean; readonly text: string } | null;
}

export const emptyWrapUp = (): WrapUpView => ({ draft: null, edited: new Map(), message: null });

export interface WrapUpCall {
  readonly callSid: string;
  readonly view: WrapUpView;
  readonly submitted: WrapUp | undefined;
}

const form = () => document.getElementById('wrapup') as HTMLFormElement;
const field = (name: Field) => form().elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** What a field shows: the operator's edit, else what they submitted, else the draft. */
function valueOf(call: WrapUpCall, name: Field): string {
  const edited = call.view.edited.get(name);
  if (edited !== undefined) return edited;
  const from = call.submitted ?? call.view.draft;
  const value = from ? (from as Partial<Record<Field, string | null>>)[name] : undefined;
  return value ?? (name === 'intent' ? 'consult' : '');
}

export function renderWrapUp(call: WrapUpCall): void {
  const node = form();
  if (node.dataset['callSid'] !== call.callSid) {
    node.dataset['callSid'] = call.callSid;
    node.reset();
  }
  for (const name of FIELDS) {
    const input = field(name);
    const value = valueOf(call, name);
    if (input.value !== value && document.activeElement !== input) input.value = value;
  }
  const draft = call.view.draft;
  const title = draft?.scenarioId && draft.scenarioId === field('scenarioId').value ? draft.scenarioTitle ?? '' : '';
  document.getElementById('wrapup-scenario-title')!.textContent = title;
  document.getElementById('wrapup-status')!.textContent = call.submitted ? `${t('wrapup.submitted')} · ${call.submitted.by} · ${timeOfDay(call.submitted.at)}` : '';
  const message = document.getElementById('wrapup-message')!;
  message.hidden = !call.view.message;
  message.textContent = call.view.message?.text ?? '';
  message.dataset['ok'] = String(call.view.message?.ok ?? '');
}

export interface WrapUpHooks {
  /** The chosen call, or null. */
  readonly current: () => WrapUpCall | null;
  readonly submit: (request: WrapUpRequest) => Promise<WrapUpResult>;
  readonly rendered: () => void;
}

export function setupWrapUp(hooks: WrapUpHooks): void {
  form().addEventListener('input', (event) => {
    const call = hooks.current();
    const name = (event.target as HTMLInputElement).name as Field;
    if (call && FIELDS.includes(name)) call.view.edited.set(name, field(name).value);
  });
  form().addEventListener('submit', async (event) => {
    event.preventDefault();
    const call = hooks.current();
    if (!call) return;
    const text = (name: Field) => field(name).value.trim();
    const note = text('note');
    const request: WrapUpRequest = {
      callSid: call.callSid,
      intent: text('intent') as WrapUpRequest['intent'],
      scenarioId: text('scenarioId') || null,
      department: text('department'),
      departmentReason: text('departmentReason'),
      place: text('place') || null,
      summary: text('summary'),
      ...(note ? { note } : {}),
    };
    const result = await hooks.submit(request).catch(() => ({ ok: false, error: '' }) as const);
    call.view.message = result.ok ? { ok: true, text: t('wrapup.saved') } : { ok: false, text: `${t('wrapup.failed')}${result.error ? `：${result.error}` : ''}` };
    if (result.ok) call.view.edited.clear(); // what was submitted is now what the form shows
    hooks.rendered();
  });
}

/** Fills the department list and the scenario suggestions from the knowledge base, once signed in. */
export async function loadWrapUpChoices(): Promise<void> {
  const [departments, scenarios] = await Promise.all(
    ['/api/knowledge/departments', '/api/knowledge/scenarios'].map((url) => fetch(url).then((res) => (res.ok ? res.json() : []), () => [])),
  ) as [{ id: string; name: string }[], { id: string; title: string; status?: string }[]];
  const select = field('department') as HTMLSelectElement;
  const chosen = select.value;
  select.replaceChildren(select.options[0]!, ...departments.map((d) => Object.assign(el('option', undefined, d.name), { value: d.id })));
  select.value = chosen;
  document.getElementById('wrapup-scenarios')!.replaceChildren(
    ...scenarios.filter((s) => s.status !== 'retired').map((s) => Object.assign(el('option', undefined, s.title), { value: s.id })),
  );
}
