/**
 * @module config
 * The shape of `pbpages.config.{ts,js,mjs}` and its defaults. Every key is
 * optional: `resolveConfig({})` is a complete, safe configuration. Environment
 * variables (PORT, HOST, PB_URL, ...) are applied by the CLI on top of this.
 */
import type { PageExtension } from './pages/extension.js';

export interface AnonymousOptions {
  /** Switches guest sign-in on or off (`anonymous_disabled` when off). */
  enabled: boolean;
  /** The auth collection guests are created in and signed in to. */
  collection: string;
  emailDomain: string;
  emailPrefix: string;
  /** Guest creations allowed per client IP (IPv6 by /64) per window. */
  rateLimit: { max: number; windowSeconds: number };
  /** A request that already carries a valid guest session gets that guest back. */
  reuseSession: boolean;
  /** Allow creating guests on GET/HEAD (off: crawlers and prefetches must not create users). */
  allowGet: boolean;
  /** Guests never upgraded are pruned this many days after creation. */
  retentionDays: number;
  /** Read the client IP from X-Forwarded-For (only behind a proxy you run); used by every rate limit. */
  trustProxy: boolean;
  /**
   * Guest-owned data moved to the account a guest merges into: collection →
   * relation field pointing at the auth record, e.g. `{ notes: 'owner' }`.
   */
  merge: Record<string, string>;
  /** A signed-in guest who signs in with a password to an existing account is merged into it. */
  mergeOnSignIn: boolean;
  /** Adds custom requests to the merge's batch (all or nothing with the rest). */
  onMerge: MergeHook | undefined;
}

/** What a merge hook gets: the guest, the account it merges into, and the batch to add requests to. */
export interface MergeHookInput {
  guest: import('pocketbase').RecordModel;
  account: import('pocketbase').RecordModel;
  batch: MergeBatch;
}

/** The merge's batch: requests added here succeed or fail together with the merge. */
export interface MergeBatch {
  collection(name: string): {
    create(body: Record<string, unknown>): void;
    update(id: string, body: Record<string, unknown>): void;
    upsert(body: Record<string, unknown>): void;
    delete(id: string): void;
  };
}

export type MergeHook = (input: MergeHookInput) => void | Promise<void>;

export interface OAuth2Options {
  /** The built-in route that finishes every provider's code flow. */
  callbackPath: string;
  /** How long a started flow may take before the callback refuses it. */
  flowSeconds: number;
  /** How long `oauth2Providers()` answers from its cache (0: ask the backend every time). */
  providersCacheSeconds: number;
}

/** A number of counted attempts per window. */
export interface AttemptLimit {
  max: number;
  windowSeconds: number;
}

/** Throttling of `signInWithPassword` and `registerWithPassword` (failed attempts count). */
export interface SignInRateLimitOptions {
  /** Per client IP (IPv6 by /64); registrations count here even when they succeed. */
  perIp: AttemptLimit;
  /** Per account (collection + lower-cased email), from any IP; a successful sign-in clears it. */
  perAccount: AttemptLimit;
}

export interface AuthOptions {
  anonymous: AnonymousOptions;
  oauth2: OAuth2Options;
  signInRateLimit: SignInRateLimitOptions;
  /** Name of the session cookie (the SDK's format). */
  cookieName: string;
  /** How long a token the backend accepted is trusted without asking again. */
  verifyCacheSeconds: number;
  /** Refresh the token (and re-issue the cookie) when it expires sooner than this. */
  refreshWithinSeconds: number;
}

export interface PbpagesConfig {
  /** Folder of pages, relative to the project root. */
  pagesDir: string;
  /** Folder of the embedded backend's data, relative to the project root. */
  dataDir: string;
  port: number;
  host: string;
  /** Port of the embedded backend (used when no PocketBase URL is given). */
  backendPort: number;
  /** A real PocketBase someone else runs, used instead of a backend started here. */
  pocketbaseUrl: string | undefined;
  /** A real PocketBase binary that pbpages starts and stops itself instead of the embedded backend. */
  pocketbaseBin: string | undefined;
  superuser: { email: string; password: string } | undefined;
  /** Largest request body accepted, in bytes (413 above). */
  bodyLimit: number;
  /** Origins, besides the app's own, allowed to post forms. */
  trustedOrigins: string[];
  /** Absolute origins (`https://accounts.example.com`) that `redirect()` may send visitors to; none by default. */
  redirectOrigins: string[];
  /**
   * Page-context extensions, run on every request after the built-in auth extension and before
   * middleware (what PocketPages plugins do with `onExtendContextApi`).
   * @example
   * extensions: [{ name: 'clock', extend(ctx) { ctx.now = () => new Date() } }]
   */
  extensions: PageExtension[];
  /** Prune stale guests once a day while `pbpages start` runs. */
  pruneGuestsDaily: boolean;
  /** Redis shared by several pbpages processes (limits, session invalidation); usually from REDIS_URL. */
  redisUrl: string | undefined;
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are cut. */
  shutdownTimeoutSeconds: number;
  /** Prometheus metrics (off by default): served on `path`, which pages cannot shadow. */
  metrics: { enabled: boolean; path: string };
  auth: AuthOptions;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

export type UserConfig = DeepPartial<PbpagesConfig>;

export const defaultConfig: PbpagesConfig = {
  pagesDir: 'pages',
  dataDir: 'pb_data',
  port: 3000,
  host: '127.0.0.1',
  backendPort: 8090,
  pocketbaseUrl: undefined,
  pocketbaseBin: undefined,
  superuser: undefined,
  bodyLimit: 1024 * 1024,
  trustedOrigins: [],
  redirectOrigins: [],
  extensions: [],
  pruneGuestsDaily: true,
  redisUrl: undefined,
  shutdownTimeoutSeconds: 10,
  metrics: { enabled: false, path: '/metrics' },
  auth: {
    anonymous: {
      enabled: true,
      collection: 'users',
      emailDomain: 'example.com',
      emailPrefix: 'anonymous-',
      rateLimit: { max: 30, windowSeconds: 3600 },
      reuseSession: true,
      allowGet: false,
      retentionDays: 90,
      trustProxy: false,
      merge: {},
      mergeOnSignIn: true,
      onMerge: undefined,
    },
    oauth2: { callbackPath: '/auth/oauth2/callback', flowSeconds: 600, providersCacheSeconds: 5 },
    signInRateLimit: {
      perIp: { max: 20, windowSeconds: 15 * 60 },
      perAccount: { max: 10, windowSeconds: 15 * 60 },
    },
    cookieName: 'pb_auth',
    verifyCacheSeconds: 30,
    refreshWithinSeconds: 24 * 3600,
  },
};

/**
 * Typed identity for `pbpages.config.ts`.
 * @example
 * export default defineConfig({ auth: { anonymous: { rateLimit: { max: 5, windowSeconds: 60 } } } });
 */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys whose value is a free-form map (collection names), not a fixed shape. */
const openMaps = new Set(['auth.anonymous.merge']);

function merge<T>(base: T, override: unknown, path: string): T {
  if (override === undefined) return base;
  if (openMaps.has(path)) {
    if (!isPlainObject(override) || Object.entries(override).some(([k, v]) => !/^\w+$/.test(k) || typeof v !== 'string' || !/^\w+$/.test(v))) {
      throw new TypeError(`pbpages config: "${path}" must map collection names to relation field names.`);
    }
    return { ...override } as T;
  }
  if (!isPlainObject(base)) return override as T;
  if (!isPlainObject(override)) {
    throw new TypeError(`pbpages config: "${path || 'config'}" must be an object.`);
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in base)) {
      throw new TypeError(`pbpages config: unknown key "${path ? `${path}.` : ''}${key}".`);
    }
    out[key] = merge((base as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key);
  }
  return out as T;
}

function checkExtensions(extensions: unknown): void {
  if (!Array.isArray(extensions)) throw new TypeError('pbpages config: "extensions" must be an array of { name, extend(ctx) } objects.');
  extensions.forEach((extension: unknown, i) => {
    const { name, extend } = (extension ?? {}) as { name?: unknown; extend?: unknown };
    if (typeof name !== 'string' || typeof extend !== 'function') {
      throw new TypeError(`pbpages config: extensions[${i}] must be an object with a string \`name\` and a function \`extend(ctx)\`.`);
    }
  });
}

function checkOrigins(origins: unknown): void {
  if (!Array.isArray(origins) || origins.some((origin) => typeof origin !== 'string' || !/^https?:\/\/[^/]+$/.test(origin))) {
    throw new TypeError('pbpages config: "redirectOrigins" must be an array of origins like "https://accounts.example.com" (no path).');
  }
}

/** Fills every missing key with its default; unknown keys are an error (a typo must not be silently ignored). */
export function resolveConfig(user: UserConfig = {}): PbpagesConfig {
  const config = merge(defaultConfig, user, '');
  checkExtensions(config.extensions);
  checkOrigins(config.redirectOrigins);
  return config;
}
