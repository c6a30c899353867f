/**
 * Test harness for the auth extension over real HTTP: the suite's backend
 * (embedded or a real PocketBase) in a temporary directory, and a small `node:http` app that runs the extension on
 * every request the way the page engine does, then a route function with the
 * page context. A cookie-jar client talks to it with `fetch`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { parse, serialize } from 'cookie';
import { resolveConfig } from '../../../src/config.js';
import type { UserConfig } from '../../../src/config.js';
import { createAuthExtension } from '../../../src/auth/extension.js';
import type { AuthContext, AuthExtensionOptions } from '../../../src/auth/extension.js';
import type { ExtensionContext } from '../../../src/pages/extension.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

export const superuser = { email: 'root@pbpages.test', password: 'root-password-1234567890' };

export type Page = AuthContext & ExtensionContext;
export type Route = (page: Page) => Promise<unknown>;

export type Backend = TestServer;

/** The suite's backend (embedded or real PocketBase, see test/support/backend-kind.ts) with the harness's superuser. */
export function startBackend(): Promise<Backend> {
  return startTestServer({ superuser });
}

export interface App {
  url: string;
  logs: string[];
  close(): Promise<void>;
}

/** Routes answer `{ auth, anonymous, result }` as JSON, or `{ code, status }` with the error's status. */
export async function startApp(options: {
  backend: Backend;
  routes: Record<string, Route>;
  config?: UserConfig;
  withSuperuser?: boolean;
  extra?: Partial<AuthExtensionOptions>;
}): Promise<App> {
  const logs: string[] = [];
  const config = resolveConfig(options.config ?? {});
  const extension = createAuthExtension({
    config,
    pocketbaseUrl: options.backend.url,
    ...(options.withSuperuser === false ? {} : { superuser }),
    log: (line) => logs.push(line),
    ...options.extra,
  });
  const server: Server = createServer((req, res) => {
    const setCookies: string[] = [];
    const ctx: ExtensionContext = {
      request: {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        cookies: () => parse(req.headers.cookie ?? '') as Record<string, string>,
        remoteAddress: req.socket.remoteAddress ?? '',
        secure: false,
      },
      response: {
        cookie: (name, value, cookieOptions) => setCookies.push(serialize(name, value, cookieOptions)),
        header: (name, value) => res.setHeader(name, value),
      },
    };
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      if (setCookies.length) res.setHeader('set-cookie', setCookies);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const route = options.routes[new URL(req.url ?? '/', 'http://x').pathname];
    (async () => {
      await extension.extend(ctx);
      const page = ctx as Page;
      const result = route ? await route(page) : null;
      send(200, { auth: page.auth ?? null, anonymous: page.isAnonymous(), result: result ?? null });
    })().catch((error: { status?: number; code?: string; retryAfter?: number; fields?: unknown }) => {
      send(error.status ?? 500, { code: error.code ?? 'internal', retryAfter: error.retryAfter, fields: error.fields });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    async close() {
      extension.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export interface Reply {
  status: number;
  body: { auth: Record<string, unknown> | null; anonymous: boolean; result: any; code?: string; retryAfter?: number; fields?: any };
  setCookies: string[];
}

/** A browser-like client: keeps the cookies the app sets and sends them back. */
export class Browser {
  readonly jar = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
    });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: res.status, body: (await res.json()) as Reply['body'], setCookies };
  }

  post(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('POST', path, headers);
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', path, headers);
  }

  /** The token inside the `pb_auth` cookie. */
  token(): string {
    const raw = this.jar.get('pb_auth');
    if (!raw) return '';
    return (JSON.parse(decodeURIComponent(raw)) as { token: string }).token;
  }
}

/** Counts records of a collection matching a filter, as superuser. */
export async function count(backend: Backend, collection: string, filter = ''): Promise<number> {
  const admin = await backend.admin();
  const list = await admin.collection(collection).getList(1, 1, filter ? { filter } : {});
  return list.totalItems;
}
