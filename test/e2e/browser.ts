/**
 * One Chromium per test file; a fresh context per test; a screenshot of every
 * page of a failed test goes to a temporary folder (never into the repo).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { chromiumArgs, chromiumPath } from './chromium.js';

const screenshots = join(tmpdir(), 'pbpages-e2e-screenshots');

export function useBrowser(): { browser(): Browser; newContext(): Promise<BrowserContext> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      mkdirSync(screenshots, { recursive: true });
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      for (const [i, context] of contexts.entries()) {
        for (const [j, page] of context.pages().entries()) {
          const path = join(screenshots, `${name}-${i}-${j}.png`);
          await page.screenshot({ path }).catch(() => undefined);
          console.log(`screenshot of the failed test: ${path}`);
        }
      }
    }
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    browser: () => browser!,
    async newContext() {
      const context = await browser!.newContext();
      contexts.push(context);
      return context;
    },
  };
}
