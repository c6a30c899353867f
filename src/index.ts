/**
 * @module pbpages
 * The public API for apps: config helpers and the error type pages catch.
 */
export { defineConfig, resolveConfig, defaultConfig } from './config.js';
export type { PbpagesConfig, UserConfig, AnonymousOptions, AuthOptions } from './config.js';
export { AuthError } from './auth/auth-error.js';
export type { AuthErrorCode, FieldErrors } from './auth/auth-error.js';
