import type { Calibration } from '../assist/confidence.ts';
import type { Scenario } from './schema.ts';

/** A department of the responsibility list (权责清单), `knowledge/departments.tsv`. */
export interface Department {
  readonly id: string;
  readonly name: string;
  readonly duty: string;
}

/** A scenario with where it came from. */
export interface KbScenario extends Scenario {
  readonly domain: string;
  /** The file it lives in, relative to the knowledge folder (e.g. `scenarios/gjj.yaml`). */
  readonly file: string;
  readonly sample: boolean;
}

/**
 * One immutable, validated version of the knowledge base. Reloads and edits build a new
 * one; code holding the old one keeps a consistent view until it asks again.
 */
export interface KnowledgeBase {
  readonly scenarios: readonly KbScenario[];
  /** Synonym groups, first word canonical. */
  readonly synonyms: readonly (readonly string[])[];
  readonly departments: ReadonlyMap<string, Department>;
  /** Words retrieval ignores: a caller's fillers and question frames. */
  readonly stopwords: ReadonlySet<string>;
  /** Sentences no scenario answers (`off-topic.txt`), for calibrating the score. */
  readonly offTopic: readonly string[];
  /** The score's fitted coefficients (`calibration.json`), when there are some. */
  readonly calibration?: Calibration;
}

/** Where exactly a problem is, when known: for an editor to put the message beside it. */
export interface ProblemPlace {
  /** 1-based column of the offending YAML node. */
  readonly column?: number;
  /** The field as a path into the document or request body (`['answer', 'conditions', 0]`). */
  readonly path?: readonly (string | number)[];
}

/** A problem in the knowledge base, named by file, line and field where they are known. */
export class KnowledgeError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    readonly problem: string,
    readonly place: ProblemPlace = {},
  ) {
    super(`${file}${line ? `:${line}` : ''}${field ? ` › ${field}` : ''}: ${problem}`);
    this.name = 'KnowledgeError';
  }
}

export function activeScenarios(kb: KnowledgeBase): KbScenario[] {
  return kb.scenarios.filter((s) => s.status === 'active');
}
