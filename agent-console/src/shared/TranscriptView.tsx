import { memo, useLayoutEffect, useRef } from 'react';
import type { Speaker } from '../../../server/speech/recognizer.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { clock, lineKey, type FinalLine } from '../live/transcript.ts';

export interface TranscriptViewProps {
  /** Both speakers' final lines, by offset (a CallView's `finals`). */
  readonly finals: readonly FinalLine[];
  /** The words being recognised now, per speaker (a CallView's `partials`). */
  readonly partials: Readonly<Record<Speaker, string | null>>;
  /** Extra class names for the scrolling box (the desk makes it fill its column). */
  readonly className?: string;
}

const SPEAKERS: readonly Speaker[] = ['caller', 'operator'];

/**
 * A call's live transcript, caller and operator side by side; a partial (dashed) settles
 * into the final line that replaces it. Follows the newest line while the reader is at the
 * bottom, and stays put when they scrolled up to read. Callers' words go in as text, never HTML.
 *
 * @example <TranscriptView finals={view.finals} partials={view.partials} />
 */
export function TranscriptView({ finals, partials, className }: TranscriptViewProps) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const node = box.current;
    if (node && pinned.current) node.scrollTop = node.scrollHeight;
  }, [finals, partials]);
  return (
    <div
      ref={box}
      className={`transcript ${className ?? ''}`}
      onScroll={(e) => {
        const node = e.currentTarget;
        pinned.current = node.scrollHeight - node.scrollTop - node.clientHeight < 24;
      }}
    >
      {SPEAKERS.map((speaker) => (
        <div key={speaker} className="side" data-speaker={speaker}>
          <h3>{t(speaker)}</h3>
          <div className="lines">
            <Lines finals={finals} speaker={speaker} />
            {partials[speaker] && <p className="line partial">{partials[speaker]}</p>}
          </div>
        </div>
      ))}
    </div>
  );
}

/** One side's finals; re-rendered only when the finals change (not on every partial). */
const Lines = memo(function Lines({ finals, speaker }: { finals: readonly FinalLine[]; speaker: Speaker }) {
  return finals.filter((line) => line.speaker === speaker).map((line) => <Line key={lineKey(line)} line={line} />);
});

const Line = memo(function Line({ line }: { line: FinalLine }) {
  return (
    <p className="line final" data-offset-ms={line.offsetMs}>
      <span className="at">{clock(line.offsetMs)}</span>
      {line.text}
    </p>
  );
});
