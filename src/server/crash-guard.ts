/**
 * @module server/crash-guard
 * The last line of defence: page code must not end the process. An unhandled
 * rejection or an uncaught exception (a timer callback that throws, a promise
 * nobody awaited) is logged, attributed to a page when it can be, and the
 * server keeps serving. Unawaited context calls are caught earlier, per
 * request, by pages/page-scope; this catches the rest.
 *
 * Installed by `startApp` and removed by `close()`; several apps in one
 * process share one pair of listeners.
 */
import { relative, sep } from 'node:path';

interface GuardedApp {
  pagesDir: string;
  dev: boolean;
  log(line: string): void;
}

const apps = new Set<GuardedApp>();

/**
 * The app and page the failure belongs to, from the page file named in the stack (EJS names
 * compiled templates by their file; middleware and loaders are files too).
 */
function attribute(error: unknown): { app: GuardedApp | undefined; page: string | undefined } {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  for (const app of apps) {
    const file = stackFile(stack, app.pagesDir);
    if (file) return { app, page: relative(app.pagesDir, file) };
  }
  return { app: apps.values().next().value, page: undefined };
}

/** The first `pagesDir/...` file in a stack. */
function stackFile(stack: string, pagesDir: string): string | undefined {
  const at = stack.indexOf(pagesDir + sep);
  if (at < 0) return undefined;
  return /^[^\s():"']+/.exec(stack.slice(at))?.[0];
}

function report(kind: string, error: unknown): void {
  const { app, page } = attribute(error);
  const where = page ? ` in pages/${page}` : '';
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const line = `pbpages: ${kind}${where} (the server keeps running): ${detail}`;
  const log = app?.log ?? ((text: string) => console.error(text));
  log(app?.dev ? `\n${'!'.repeat(72)}\n${line}\n${'!'.repeat(72)}` : line);
}

const onRejection = (reason: unknown) => report('unhandled promise rejection', reason);
const onException = (error: unknown) => report('uncaught exception', error);

/**
 * Keeps the process alive through mistakes in page code; returns the uninstaller.
 * @example
 * const uninstall = installCrashGuard({ pagesDir, dev: false, log: console.log });
 */
export function installCrashGuard(app: GuardedApp): () => void {
  if (apps.size === 0) {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  }
  apps.add(app);
  return () => {
    if (!apps.delete(app) || apps.size > 0) return;
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
