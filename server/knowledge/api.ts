import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Authenticator } from '../auth/authenticator.ts';
import { readCookie, SESSION_COOKIE } from '../auth/cookie.ts';
import { editsKnowledge, type Principal } from '../auth/roles.ts';
import { quoted, tagOf } from '../etag.ts';
import type { KnowledgeHistory } from './history.ts';
import { KnowledgeEditError, scenarioEtag, type KnowledgeLibrary } from './library.ts';

/**
 * The managers' REST API for the knowledge base, under `/api/knowledge`:
 *
 *   GET    /                          the version in force: number, load time, counts
 *   GET    /scenarios                 every scenario, short form (id, title, domain, department, status)
 *   GET    /scenarios/:id             one scenario, whole
 *   POST   /scenarios                 create   (body: a scenario; `?domain=` names a new domain file)
 *   PUT    /scenarios/:id             replace
 *   DELETE /scenarios/:id             retire (kept in its file and history, no longer suggested)
 *   GET    /scenarios/:id/history     its changes, oldest first
 *   POST   /search  {text}            what the assist engine suggests for a sentence
 *
 * Every change is validated like the files, written to the scenario's domain file, and in
 * force when the response arrives (hot reload: live calls keep running). Problems come back
 * as 400 with `problems: [{file, line, field, path?, problem}]`: a problem of the body has
 * `file: 'request'` and `path`, the field as an array (`['answer', 'conditions', 0]`), for
 * a form to show the message beside the field; a problem the files would have names its
 * file and line. 404 and 409 as their names say. GET of one scenario sends its version as
 * an ETag; a PUT with `If-Match` is refused with 409 when the scenario has changed since
 * (two managers editing the same scenario); without If-Match the last save wins, as before.
 * Access: a signed-in session (the console's cookie) or the service token as a Bearer
 * token (tools). Everyone signed in may read and search; changes need the role manager or
 * admin, or the service token (401 when not signed in, 403 with the reason otherwise).
 */
export interface KnowledgeApiDeps {
  readonly library: KnowledgeLibrary;
  readonly history: KnowledgeHistory;
  readonly auth: Authenticator;
  readonly logger: Logger;
}

/** Who made a change, as the history records it (the service token stays `console-token`). */
const authorOf = (who: Principal) => (who.kind === 'service' ? 'console-token' : who.username);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const searchBody = z.object({ text: z.string().min(1).max(2000), limit: z.number().int().min(1).max(20).default(5) });
const createQuery = z.object({ domain: z.string().trim().min(1).max(200).optional() });

export function createKnowledgeApi(deps: KnowledgeApiDeps): express.Router {
  const router = express.Router();
  router.use(async (req, res, next) => {
    const who = await deps.auth.fromHeaders(req.headers);
    if (!who) {
      const hadSession = readCookie(req.headers.cookie, SESSION_COOKIE) !== null;
      res.status(401).json({ error: hadSession ? 'the session has ended: sign in again' : 'a Bearer token is required' });
      return;
    }
    // Searching is reading, though it is a POST.
    const writes = WRITES.has(req.method) && req.path !== '/search';
    if (writes && who.kind === 'user' && !editsKnowledge(who.role)) {
      res.status(403).json({ error: `changing the knowledge base needs the role manager or admin; ${who.username} is ${who.role}` });
      return;
    }
    res.locals['who'] = who;
    next();
  });
  router.use(express.json({ limit: '1mb' }));

  router.get('/', (_req, res) => {
    const v = deps.library.current;
    res.json({ version: v.version, loadedAt: v.loadedAt, buildMs: v.buildMs, ...v.index.size });
  });

  router.get('/departments', (_req, res) => {
    res.json([...deps.library.current.kb.departments.values()].map((d) => ({ id: d.id, name: d.name })));
  });

  router.get('/scenarios', (_req, res) => {
    res.json(deps.library.current.kb.scenarios.map((s) => ({ id: s.id, title: s.title, domain: s.domain, department: s.department, status: s.status, subScenarios: s.subScenarios.length })));
  });

  router.get('/scenarios/:id', (req, res) => {
    const scenario = deps.library.scenario(req.params.id);
    if (!scenario) res.status(404).json({ error: `no scenario ${req.params.id}` });
    else res.set('etag', quoted(scenarioEtag(scenario))).json(scenario);
  });

  router.get('/scenarios/:id/history', (req, res) => {
    const changes = deps.history.list(req.params.id);
    if (!changes.length && !deps.library.scenario(req.params.id)) res.status(404).json({ error: `no scenario ${req.params.id}` });
    else res.json(changes);
  });

  router.post('/scenarios', async (req, res) => {
    const query = createQuery.safeParse(req.query);
    const saved = await deps.library.save(req.body, { mode: 'create', author: authorOf(res.locals['who'] as Principal), ...(query.success && query.data.domain ? { domain: query.data.domain } : {}) });
    res.status(201).json(saved);
  });

  router.put('/scenarios/:id', async (req, res) => {
    const ifMatch = tagOf(req.headers['if-match']);
    const saved = await deps.library.save(req.body, { mode: 'update', id: req.params.id, author: authorOf(res.locals['who'] as Principal), ...(ifMatch ? { ifMatch } : {}) });
    res.set('etag', quoted(scenarioEtag(saved))).json(saved);
  });

  router.delete('/scenarios/:id', async (req, res) => {
    res.json(await deps.library.retire(req.params.id, authorOf(res.locals['who'] as Principal)));
  });

  router.post('/search', (req, res) => {
    const body = searchBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'expected {text, limit?}', problems: body.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })) });
      return;
    }
    const result = deps.library.index.search(body.data.text, body.data.limit);
    res.json({ suggestions: result.suggestions, best: result.best });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof KnowledgeEditError) {
      res.status(error.status).json({ error: error.message, problems: error.problems.map((p) => ({ file: p.file, line: p.line, field: p.field, ...(p.file === 'request' && p.place.path ? { path: p.place.path } : {}), problem: p.problem })) });
      return;
    }
    if (error instanceof SyntaxError || (error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'the body is not valid JSON' });
      return;
    }
    if ((error as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: 'the body is larger than 1 MB' });
      return;
    }
    deps.logger.error({ err: error }, 'knowledge API failed');
    res.status(500).json({ error: 'internal error' });
  });
  return router;
}
