import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Authenticator } from '../../auth/authenticator.ts';
import { readCookie, SESSION_COOKIE } from '../../auth/cookie.ts';
import { editsKnowledge, type Principal } from '../../auth/roles.ts';
import { quoted, tagOf } from '../../etag.ts';
import type { Analysis } from '../engine.ts';
import { RuleEditError, type RuleEditor } from './editor.ts';

/**
 * The managers' REST API for the rule files (`rules/*.yaml`), under `/api/rules`:
 *
 *   GET  /                          {version, files: [{name, size, modified, etag, lines}]}
 *   GET  /:name                     the file as text (text/yaml), its version as ETag
 *   PUT  /:name                     replace it: body the YAML text (text/yaml or text/plain),
 *                                   If-Match the ETag it was edited from (or *); 200 {file,
 *                                   change, version} in force on arrival
 *   POST /:name/check               the same judgement without saving: 200 {ok, problems}
 *   GET  /:name/history             its changes, oldest first: [{change, at, author, before, after, bytes}]
 *   GET  /:name/versions/:etag      a version the history kept, as text
 *   POST /analyze  {text}           what the rules in force make of a sentence: {flags, intent,
 *                                   department, departmentReason, version}
 *
 * Errors are `{error, code, problems?, current?}`: 401 `unauthenticated`, 403 `forbidden`,
 * 404 `not_found`, 409 `stale` (someone saved since; `current` is the ETag on disk) or
 * `changed_meanwhile`, 413 `too_large`, 415 `unsupported_type`, 422 `invalid` or `not_text`
 * with `problems: [{file, line, column, field, problem}]` (1-based; the file may be another
 * one of the set the text does not load with), 428 `precondition_required` (no If-Match).
 * A refused text changes nothing on disk or in force.
 *
 * Access: supervisors, managers and admins (and the service token) read; only managers and
 * admins (and the service token) change. Operators get 403: they read the scripts with the
 * flags, and the patterns are no part of their work.
 */
export interface RulesApiDeps {
  readonly editor: RuleEditor;
  readonly version: () => number;
  readonly analyze: (text: string) => Analysis;
  readonly auth: Authenticator;
  readonly logger: Logger;
}

/** examples.yaml is about 0.25 MB; eight times that is not a rule file. */
export const MAX_RULE_FILE_BYTES = 2 * 1024 * 1024;
const TEXT_TYPES = ['text/yaml', 'text/x-yaml', 'application/yaml', 'application/x-yaml', 'text/plain'];
const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);
const authorOf = (who: Principal) => (who.kind === 'service' ? 'console-token' : who.username);
const analyzeBody = z.object({ text: z.string().trim().min(1).max(2000) });
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createRulesApi(deps: RulesApiDeps): express.Router {
  const router = express.Router();
  router.use(async (req, res, next) => {
    const who = await deps.auth.fromHeaders(req.headers);
    if (!who) {
      const hadSession = readCookie(req.headers.cookie, SESSION_COOKIE) !== null;
      res.status(401).json({ error: hadSession ? 'the session has ended: sign in again' : 'sign in, or send a Bearer token', code: 'unauthenticated' });
      return;
    }
    // Checking a text or a sentence is reading, though it is a POST.
    const writes = WRITES.has(req.method) && !req.path.endsWith('/check') && req.path !== '/analyze';
    if (who.kind === 'user' && who.role === 'operator') {
      res.status(403).json({ error: `the rule files are for supervisors, managers and admins; ${who.username} is operator`, code: 'forbidden' });
      return;
    }
    if (writes && who.kind === 'user' && !editsKnowledge(who.role)) {
      res.status(403).json({ error: `changing the rules needs the role manager or admin; ${who.username} is ${who.role}`, code: 'forbidden' });
      return;
    }
    res.locals['who'] = who;
    next();
  });
  const textBody = express.raw({ type: () => true, limit: MAX_RULE_FILE_BYTES });

  router.get('/', async (_req, res) => {
    res.json({ version: deps.version(), files: await deps.editor.list() });
  });

  router.post('/analyze', express.json({ limit: '16kb' }), (req, res) => {
    const body = analyzeBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'expected {text}', code: 'invalid', problems: body.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })) });
      return;
    }
    const analysis = deps.analyze(body.data.text);
    res.json({ flags: analysis.flags, intent: analysis.intent, department: analysis.department, departmentReason: analysis.departmentReason, version: deps.version() });
  });

  router.get('/:name', async (req, res) => {
    const { info, text } = await deps.editor.read(req.params.name);
    res.set('etag', quoted(info.etag)).set('last-modified', new Date(info.modified).toUTCString()).type('text/yaml; charset=utf-8').send(text);
  });

  router.put('/:name', textBody, async (req, res) => {
    const text = textOf(req);
    const saved = await deps.editor.replace(req.params.name as string, text, { ifMatch: tagOf(req.headers['if-match']), author: authorOf(res.locals['who'] as Principal) });
    res.set('etag', quoted(saved.info.etag)).json({ file: saved.info, change: saved.change, version: saved.rulesVersion });
  });

  router.post('/:name/check', textBody, async (req, res) => {
    const problems = await deps.editor.check(req.params.name as string, textOf(req));
    res.status(problems.length ? 422 : 200).json(problems.length ? { error: `${req.params.name} is not valid`, code: 'invalid', ok: false, problems } : { ok: true, problems });
  });

  router.get('/:name/history', (req, res) => {
    res.json(deps.editor.history(req.params.name));
  });

  router.get('/:name/versions/:etag', async (req, res) => {
    res.type('text/yaml; charset=utf-8').set('etag', quoted(req.params.etag)).send(await deps.editor.version(req.params.name, req.params.etag));
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof RuleEditError) {
      res.status(error.status).json({ error: error.message, code: error.code, ...(error.problems.length ? { problems: error.problems } : {}), ...(error.current ? { current: error.current } : {}) });
      return;
    }
    if (error instanceof BodyError) {
      res.status(error.status).json({ error: error.message, code: error.code });
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({ error: `the body is larger than ${MAX_RULE_FILE_BYTES / 1024 / 1024} MB; a rule file is text of a few hundred kilobytes`, code: 'too_large' });
      return;
    }
    if (error instanceof SyntaxError || type === 'entity.parse.failed') {
      res.status(400).json({ error: 'the body is not valid JSON', code: 'invalid' });
      return;
    }
    deps.logger.error({ err: error }, 'rules API failed');
    res.status(500).json({ error: 'internal error', code: 'internal' });
  });
  return router;
}

class BodyError extends Error {
  constructor(
    readonly status: 415 | 422,
    readonly code: 'unsupported_type' | 'not_text',
    message: string,
  ) {
    super(message);
  }
}

/** The body as text: a YAML or plain-text type, UTF-8 (a byte-order mark is dropped). */
function textOf(req: Request): string {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!TEXT_TYPES.includes(type)) throw new BodyError(415, 'unsupported_type', `send the file as text/yaml (or text/plain), not ${type || 'no content type'}`);
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new BodyError(422, 'not_text', 'the body is not UTF-8 text: a rule file is YAML text, not binary');
  }
}
