/**
 * @module embedded/auth/tokens
 * Issues PocketBase's tokens (key = record.tokenKey + the collection's secret
 * for that token kind) and resolves the `Authorization` header. Any failure
 * resolves to "guest", never an error (§3): rules then answer 403/404/empty.
 */
import type { Backend, RequestAuth, Row } from '../context.js';
import type { CollectionJson } from '../filter/index.js';
import { decodeJwt, signJwt, verifyJwt, type Claims } from './jwt.js';

export type TokenKind = 'authToken' | 'verificationToken' | 'passwordResetToken' | 'emailChangeToken';
const claimType: Record<TokenKind, string> = {
  authToken: 'auth',
  verificationToken: 'verification',
  passwordResetToken: 'passwordReset',
  emailChangeToken: 'emailChange',
};

function duration(collection: CollectionJson, kind: TokenKind): number {
  return Number((collection[kind] as { duration?: number } | undefined)?.duration ?? 0) || 432000;
}

export function issueToken(backend: Backend, collection: CollectionJson, record: Row, kind: TokenKind, extra: Claims = {}, seconds?: number): string {
  const exp = Math.floor(Date.now() / 1000) + (seconds || duration(collection, kind));
  const claims = { id: record.id, type: claimType[kind], collectionId: collection.id, ...extra, exp };
  return signJwt(claims, String(record.tokenKey) + backend.collections.secret(collection.id, kind));
}

/** Verifies a token of one kind: the record it names and its claims, or undefined. */
export function verifyToken(backend: Backend, token: string, kind: TokenKind): { collection: CollectionJson; record: Row; claims: Claims } | undefined {
  const claims = decodeJwt(token);
  if (!claims || claims.type !== claimType[kind] || typeof claims.id !== 'string' || typeof claims.collectionId !== 'string' || !claims.id) return undefined;
  const collection = backend.collections.get(claims.collectionId);
  if (!collection || collection.type !== 'auth') return undefined;
  const record = backend.rows.get(collection.name, claims.id);
  if (!record) return undefined;
  const verified = verifyJwt(token, String(record.tokenKey) + backend.collections.secret(collection.id, kind));
  return verified ? { collection, record, claims: verified } : undefined;
}

/** The request's auth from `Authorization: <token>` or `Bearer <token>`; null for guests. */
export function authFromHeader(backend: Backend, header: string | undefined): RequestAuth | null {
  if (!header) return null;
  const token = header.replace(/^bearer\s+/i, '').trim();
  return verifyToken(backend, token, 'authToken') ?? null;
}
