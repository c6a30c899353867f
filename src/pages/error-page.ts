/**
 * @module pages/error-page
 * Error and 404 pages: the app's `+404.ejs` / `+error.ejs` when present, else
 * built-in ones. Everything echoed is escaped. In dev the page shows the
 * message and stack (with the template line EJS adds); in production only a
 * generic text for 500s, and the details go to the log; a 4xx shows its own
 * message without EJS's file and source excerpt, with project paths relative.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { statusOf } from './http-error.js';
import type { TemplateCache } from './templates.js';

const titles: Record<number, string> = {
  400: 'Bad request', 403: 'Forbidden', 404: 'Page not found', 405: 'Method not allowed', 409: 'Conflict',
  413: 'Request too large', 429: 'Too many requests', 500: 'Something went wrong', 503: 'Service unavailable',
};

export interface ErrorPageInput {
  status: number;
  message: string;
  stack?: string;
}

/**
 * The message as the code that threw it wrote it: EJS prefixes an error thrown in a template with
 * `/abs/path/page.ejs:LINE`, a source excerpt and a blank line (and sets `error.path`).
 */
function ownMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { message } = error;
  const blank = message.indexOf('\n\n');
  return typeof (error as { path?: unknown }).path === 'string' && blank >= 0 ? message.slice(blank + 2) : message;
}

/** Paths under the project folder (or the working directory) become relative ones. */
function withoutHostPaths(text: string, projectDir: string | undefined): string {
  let out = text;
  for (const dir of [projectDir, process.cwd()]) if (dir && dir !== '/') out = out.split(`${dir}/`).join('');
  return out;
}

/** What a visitor may see of an error: our own messages for 4xx/503 (no host paths), a generic one for 500s outside dev. */
export function describeError(error: unknown, dev: boolean, projectDir?: string): ErrorPageInput {
  const status = statusOf(error);
  if (dev) {
    const raw = error instanceof Error ? error.message : String(error);
    return { status, message: raw, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
  }
  const message = status === 500 ? 'The page could not be rendered. The error was logged.' : withoutHostPaths(ownMessage(error), projectDir);
  return { status, message };
}

export async function renderErrorPage(pagesDir: string, templates: TemplateCache, input: ErrorPageInput): Promise<string> {
  const custom = join(pagesDir, input.status === 404 ? '+404.ejs' : '+error.ejs');
  if (existsSync(custom)) {
    try {
      return await templates.get(custom, true)({ ...input, title: titles[input.status] ?? 'Error' });
    } catch {
      // A broken error page must not hide the original error: fall through to the built-in one.
    }
  }
  const title = titles[input.status] ?? 'Error';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${input.status} ${ejs.escapeXML(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem;border-radius:6px;font-size:13px}</style>
</head><body><h1>${input.status} · ${ejs.escapeXML(title)}</h1><p>${ejs.escapeXML(input.message)}</p>${
    input.stack ? `<pre>${ejs.escapeXML(input.stack)}</pre>` : ''
  }<p><a href="/">Home</a></p></body></html>`;
}
