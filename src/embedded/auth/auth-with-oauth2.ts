/**
 * @module embedded/auth/auth-with-oauth2
 * `POST /api/collections/{c}/auth-with-oauth2` (apis/record_auth_with_oauth2.go).
 * The auth record is, in this order: the one already linked to the provider
 * identity (`_externalAuths`); else the record the request is authenticated as,
 * when it is of this collection ("fallback to the logged auth record": how a
 * signed-in account links a new identity); else the record with the provider's
 * verified email; else a new record.
 *
 * Threat model (pre-hijacking): someone may have created an unverified account
 * with a victim's email before the victim signs in with OAuth2. Unless the
 * request is authenticated as that record, an unverified record found this way
 * gets a new random password (the squatter's password stops working) and loses
 * every other linked identity, before the new identity is linked.
 */
import { ApiError, ValidationError, fieldError } from '../api-error.js';
import type { RequestContext, Row } from '../context.js';
import { inExclusiveTransaction } from '../exclusive.js';
import type { CollectionJson } from '../filter/index.js';
import { newRecordId, newTokenKey, now, randomString } from '../ids.js';
import { createRecord } from '../records/handlers.js';
import { serializeRecord } from '../records/serialize.js';
import { authRuleAllows } from './handlers.js';
import { exchangeCode, type OAuth2User } from './oauth2-exchange.js';
import { oauth2Options, providerConfig } from './oauth2-providers.js';
import { hashPassword } from './passwords.js';
import { issueToken } from './tokens.js';

const loadFailed = 'An error occurred while loading the submitted data.';

function readForm(ctx: RequestContext, collection: CollectionJson) {
  const body = ctx.body;
  const provider = typeof body.provider === 'string' ? body.provider : '';
  const code = typeof body.code === 'string' ? body.code : '';
  const errors: Record<string, ReturnType<typeof fieldError>> = {};
  if (!provider) errors.provider = fieldError('validation_required', 'Cannot be blank.');
  else if (!providerConfig(collection, provider)) errors.provider = fieldError('validation_invalid_provider', `Provider with name ${provider.slice(0, 100)} is missing or is not enabled.`, { name: provider.slice(0, 100) });
  if (!code) errors.code = fieldError('validation_required', 'Cannot be blank.');
  if (Object.keys(errors).length > 0) throw new ValidationError(loadFailed, errors);
  const createData = body.createData && typeof body.createData === 'object' && !Array.isArray(body.createData) ? (body.createData as Record<string, unknown>) : {};
  const redirectURL = typeof body.redirectURL === 'string' ? body.redirectURL : typeof body.redirectUrl === 'string' ? body.redirectUrl : '';
  return { provider, code, codeVerifier: typeof body.codeVerifier === 'string' ? body.codeVerifier : '', redirectURL, createData };
}

function findLink(ctx: RequestContext, collection: CollectionJson, provider: string, providerId: string): Row | undefined {
  return ctx.backend.db
    .prepare('SELECT * FROM "_externalAuths" WHERE collectionRef = ? AND provider = ? AND providerId = ? LIMIT 1')
    .get(collection.id, provider, providerId) as Row | undefined;
}

async function createFromProvider(ctx: RequestContext, collection: CollectionJson, user: OAuth2User, createData: Record<string, unknown>): Promise<Row> {
  if (collection.name === '_superusers') throw new ApiError(400, 'Failed to authenticate.');
  const payload: Record<string, unknown> = { ...createData };
  if (typeof payload.email !== 'string' || payload.email === '') payload.email = user.email;
  const mapped = oauth2Options(collection).mappedFields;
  const has = (name: string | undefined) => !!name && collection.fields.some((f) => f.name === name);
  if (has(mapped.id) && !(mapped.id! in payload)) payload[mapped.id!] = user.id;
  if (has(mapped.name) && !(mapped.name! in payload)) payload[mapped.name!] = user.name;
  if (has(mapped.username) && !(mapped.username! in payload) && user.username && !ctx.backend.rows.findBy(collection.name, mapped.username!, user.username)) {
    payload[mapped.username!] = user.username;
  }
  const avatar = collection.fields.find((f) => f.name === mapped.avatarURL);
  // Files are not stored by the embedded backend: only a text field receives the URL.
  if (avatar && avatar.type !== 'file' && !(avatar.name in payload) && user.avatarURL) payload[avatar.name] = user.avatarURL;
  const password = randomString(30);
  const created = (await createRecord({ ...ctx, auth: null, isSuperuser: false, body: { ...payload, password, passwordConfirm: password } }, collection)) as { id: string };
  const record = ctx.backend.rows.get(collection.name, created.id)!;
  if (record.email === user.email && record.verified !== 1) {
    ctx.backend.rows.update(collection.name, record.id, { verified: 1 });
    record.verified = 1;
  }
  return record;
}

async function protectExisting(ctx: RequestContext, collection: CollectionJson, record: Row, user: OAuth2User): Promise<{ record: Row; linksCleared: boolean }> {
  const changes: Record<string, string | number> = {};
  const isLogged = ctx.auth?.collection.id === collection.id && ctx.auth.record.id === record.id;
  const verified = record.verified === 1;
  if (!isLogged && !verified) {
    changes.password = await hashPassword(randomString(30));
    changes.tokenKey = newTokenKey();
  }
  if (!verified) ctx.backend.db.prepare('DELETE FROM "_externalAuths" WHERE collectionRef = ? AND recordRef = ?').run(collection.id, record.id);
  let email = String(record.email ?? '');
  if (email === '' && user.email !== '') email = changes.email = user.email;
  if (!verified && (email === '' || email === user.email)) changes.verified = 1;
  if (Object.keys(changes).length > 0) {
    changes.updated = now();
    ctx.backend.rows.update(collection.name, record.id, changes);
  }
  return { record: { ...record, ...changes }, linksCleared: !verified };
}

export async function authWithOAuth2(ctx: RequestContext, collection: CollectionJson): Promise<unknown> {
  if (!oauth2Options(collection).enabled) throw new ApiError(403, 'The collection is not configured to allow OAuth2 authentication.');
  const form = readForm(ctx, collection);
  const user = await exchangeCode(providerConfig(collection, form.provider)!, form);
  const fallback = ctx.auth?.collection.id === collection.id ? ctx.auth.record : undefined;
  const { record, isNew } = await inExclusiveTransaction(ctx.backend, async () => {
    let link = findLink(ctx, collection, form.provider, user.id);
    let found = link ? ctx.backend.rows.get(collection.name, String(link.recordRef)) : fallback;
    if (!link && !found && user.email) found = ctx.backend.rows.findBy(collection.name, 'email', user.email);
    let record: Row;
    if (found) {
      const protectedRecord = await protectExisting(ctx, collection, found, user);
      record = protectedRecord.record;
      if (protectedRecord.linksCleared) link = undefined;
    } else {
      record = await createFromProvider(ctx, collection, user, form.createData);
    }
    if (!link) {
      const stamp = now();
      ctx.backend.rows.insert('_externalAuths', { id: newRecordId(), collectionRef: collection.id, recordRef: record.id, provider: form.provider, providerId: user.id, created: stamp, updated: stamp });
    }
    return { record, isNew: !found };
  });
  if (!authRuleAllows(ctx, collection, record)) throw new ApiError(403, "The request doesn't satisfy the collection requirements to authenticate.");
  const token = issueToken(ctx.backend, collection, record, 'authToken', { refreshable: true });
  return {
    token,
    record: serializeRecord(collection, record, ctx, { authResponse: true }),
    meta: { ...user, avatarUrl: user.avatarURL, isNew }, // avatarUrl: the old spelling PocketBase still sends
  };
}
