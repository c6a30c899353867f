/**
 * @module pbpages
 * The public API for apps: config helpers, the error type pages catch, and the
 * types of the page context for `+middleware.ts` / `+load.ts`.
 */
export { defineConfig, resolveConfig, defaultConfig } from './config.js';
export type { PbpagesConfig, UserConfig, AnonymousOptions, AuthOptions } from './config.js';
export { AuthError } from './auth/auth-error.js';
export type { AuthErrorCode, FieldErrors } from './auth/auth-error.js';
export type { PageContext, PageContextVariables, PageRequest, PageResponse, RequestUrl, LogFunction } from './pages/context.js';
export type { ParsedUrl } from './pages/request-url.js';
export type { PageExtension, ExtensionContext, CookieOptions } from './pages/extension.js';
export type { AuthContext } from './auth/extension.js';
