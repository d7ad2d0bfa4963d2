import { useMemo } from 'react';
import type { Translate } from '../i18n/i18n.ts';
import { diffLines, withContext } from './line-diff.ts';

/** Two versions' lines side by side in one column: removed in red, added in green, a few unchanged lines around. */
export function DiffView({ before, after, t, context = 3 }: { before: string; after: string; t: Translate; context?: number }) {
  const shown = useMemo(() => withContext(diffLines(before, after), context), [before, after, context]);
  if (!shown.some((l) => l && l.kind !== 'same')) return <p className="empty">{t('rules.noDiff')}</p>;
  return (
    <pre className="diff">
      {shown.map((l, i) =>
        l === null ? <span key={i} className="gap">⋯{'\n'}</span> : (
          <span key={i} className={`diff-${l.kind}`} data-kind={l.kind}>
            <span className="ln">{l.oldLine ?? ''}</span><span className="ln">{l.newLine ?? ''}</span>
            {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}{l.text}{'\n'}
          </span>
        ),
      )}
    </pre>
  );
}
