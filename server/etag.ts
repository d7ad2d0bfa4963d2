import { createHash } from 'node:crypto';

/**
 * Versions for optimistic concurrency on the managers' APIs: GET sends a resource's
 * version as its ETag, and a write carrying `If-Match` with an older one is refused, so
 * one manager's save never silently undoes another's.
 *
 * @example
 *   res.set('etag', quoted(contentEtag(text)));
 *   if (tagOf(req.headers['if-match']) !== contentEtag(current)) … // 409
 */
export function contentEtag(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 20);
}

export const quoted = (tag: string) => `"${tag}"`;

/** The tag of an `If-Match` header (`"abc"`, `W/"abc"` or `*`) without its quotes; null when absent. */
export function tagOf(header: string | undefined): string | null {
  const tag = header?.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return tag ? tag : null;
}
