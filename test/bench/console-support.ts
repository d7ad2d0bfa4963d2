import type { Browser, CDPSession, Page } from 'playwright-core';
import buildConsole from '../support/build-console.ts';

/**
 * What the console benchmarks share (operator: console-operator.ts; wallboard:
 * console-wallboard.ts): the built app, a signed-in page in headless Chromium at
 * 1366×768, a watcher timing when elements appear in the DOM, heap figures over CDP.
 */
export { buildConsole };

export async function signedInPage(browser: Browser, url: string, username: string, password: string, hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${url}/console${hash}`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login button[type="submit"]');
  await page.locator('#connection[data-state="online"]').waitFor({ timeout: 15_000 });
  return page;
}

/**
 * Starts recording, in the page, the wall-clock time (ms since the epoch, sub-ms) at which
 * each element matching `selector` is added, keyed by its `attribute`; and the time of the
 * next animation frame after it (when it can be on screen).
 */
export async function watchDom(page: Page, selector: string, attribute: string): Promise<void> {
  // A string, not a function: tsx names functions with a helper the page does not have.
  await page.evaluate(`(() => {
    const selector = ${JSON.stringify(selector)}, attribute = ${JSON.stringify(attribute)};
    window.__seen = {};
    const now = () => performance.timeOrigin + performance.now();
    new MutationObserver((records) => {
      const at = now();
      const keys = [];
      for (const record of records)
        for (const node of record.addedNodes) {
          if (!(node instanceof HTMLElement)) continue;
          const found = node.matches(selector) ? [node] : [...node.querySelectorAll(selector)];
          for (const el of found) {
            const key = el.getAttribute(attribute);
            if (key !== null && !(key in window.__seen)) {
              window.__seen[key] = [at, at];
              keys.push(key);
            }
          }
        }
      if (keys.length) requestAnimationFrame(() => { const frame = now(); for (const k of keys) window.__seen[k][1] = frame; });
    }).observe(document.body, { childList: true, subtree: true });
  })()`);
}

/** What watchDom saw: key → [added, next frame]. */
export function seenInDom(page: Page): Promise<Record<string, [number, number]>> {
  return page.evaluate('window.__seen') as Promise<Record<string, [number, number]>>;
}

export const epochMs = (): number => performance.timeOrigin + performance.now();

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface HeapFigures {
  readonly jsHeapUsedMb: number;
  readonly jsHeapTotalMb: number;
  readonly domNodes: number;
}

/** The page's JS heap after a garbage collection, and its DOM size, over CDP. */
export async function heap(cdp: CDPSession): Promise<HeapFigures> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { jsHeapUsedMb: metric('JSHeapUsedSize') / 2 ** 20, jsHeapTotalMb: metric('JSHeapTotalSize') / 2 ** 20, domNodes: metric('Nodes') };
}

export async function cdpFor(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}
