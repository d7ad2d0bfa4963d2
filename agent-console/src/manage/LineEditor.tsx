import { useEffect, useMemo, useRef } from 'react';
import type { Translate } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { problemText } from './problem-text.ts';
import { lineCount, lineOfOffset, offsetOfLine, type PlacedProblems } from './rule-problems.ts';

/**
 * A plain textarea with a line-number gutter, the lines with problems marked in the gutter
 * and behind the text, and each problem's message at the right of its line. Lines never
 * wrap, so the gutter and the marks stay in step with the text (one line is LINE_PX high).
 */
export const LINE_PX = 20;
const PAD_PX = 4;

export interface LineEditorProps {
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly problems: PlacedProblems;
  readonly onCaretLine: (line: number) => void;
  /** Scrolls to and selects this line whenever `nonce` changes. */
  readonly goTo: { readonly line: number; readonly nonce: number } | null;
  readonly onSave: () => void;
  readonly t: Translate;
}

export function LineEditor({ value, onChange, problems, onCaretLine, goTo, onSave, t }: LineEditorProps) {
  const { lang } = useI18n();
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const notes = useRef<HTMLDivElement>(null);
  const lines = lineCount(value);
  const numbers = useMemo(() => Array.from({ length: lines }, (_, i) => i + 1).join('\n'), [lines]);

  const follow = () => {
    const el = area.current;
    if (!el) return;
    if (gutter.current) gutter.current.style.transform = `translateY(${-el.scrollTop}px)`;
    if (layer.current) layer.current.style.transform = `translate(${-el.scrollLeft}px, ${-el.scrollTop}px)`;
    if (notes.current) notes.current.style.transform = `translateY(${-el.scrollTop}px)`;
  };
  const caret = () => area.current && onCaretLine(lineOfOffset(value, area.current.selectionStart));

  useEffect(() => {
    const el = area.current;
    if (!goTo || !el) return;
    const at = offsetOfLine(value, goTo.line);
    const end = value.indexOf('\n', at);
    el.focus();
    el.setSelectionRange(at, end < 0 ? value.length : end);
    el.scrollTop = Math.max(0, (goTo.line - 1) * LINE_PX - el.clientHeight / 3);
    follow();
    onCaretLine(goTo.line);
  }, [goTo?.nonce]);
  useEffect(follow, [value]);

  const marked = [...problems.byLine.entries()];
  return (
    <div className="line-editor">
      <div className="gutter" aria-hidden="true">
        <div ref={gutter} className="gutter-inner">
          <pre>{numbers}</pre>
          {marked.map(([line]) => <span key={line} className="gutter-mark" data-line={line} style={{ top: PAD_PX + (line - 1) * LINE_PX }}>{line}</span>)}
        </div>
      </div>
      <div className="code">
        <div ref={layer} className="marks" aria-hidden="true">
          {marked.map(([line]) => <div key={line} className="line-mark" data-line={line} style={{ top: PAD_PX + (line - 1) * LINE_PX }} />)}
        </div>
        <textarea
          ref={area}
          id="rule-text"
          aria-label={t('rules.files')}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onScroll={follow}
          onSelect={caret}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 's') {
              e.preventDefault();
              onSave();
            }
          }}
        />
        <div ref={notes} className="line-notes">
          {marked.map(([line, list]) => (
            <div key={line} className="line-note" data-line={line} role="note" style={{ top: PAD_PX + (line - 1) * LINE_PX }}>
              {list.map((p) => `${p.column !== null ? t('rules.atColumn', { line, column: p.column }) : t('rules.at', { line })}：${problemText(p.problem, lang)}`).join('；')}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
