/**
 * @module auth/oauth2-callback
 * The built-in OAuth2 callback route (`auth.oauth2.callbackPath`): checks the
 * signed flow cookie and the `state`, exchanges the code through PocketBase
 * (`auth-with-oauth2`) and decides what the sign-in means:
 *
 * - no session: an ordinary OAuth2 sign-in (or sign-up);
 * - a guest, identity new: PocketBase links the identity to the guest itself
 *   (the exchange carries the guest's token: "fallback to the logged auth
 *   record"), then the guest becomes permanent in place — the provider's
 *   verified email when no other account has it, `verified` as PocketBase sets
 *   it (true when the record's email is the provider's), `anonymous: false`;
 * - a guest whose identity, or whose provider email, belongs to an account:
 *   the guest is merged into that account (guest-merge) and the account is
 *   signed in. A failed merge leaves the guest signed in and untouched.
 *
 * Every failure redirects to the flow's error path with `?auth_error=<code>`
 * and a one-time message; the session is left as it was.
 */
import type { RecordAuthResponse, RecordModel } from 'pocketbase';
import { AuthError } from './auth-error.js';
import type { AuthDeps } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';
import { isGuestRecord, newGuestPassword } from './guest-identity.js';
import { ensureBatch, mergeGuest } from './guest-merge.js';
import { decodeFlow, flowCookieName, type OAuth2Flow } from './oauth2-flow-cookie.js';
import { callbackUrl } from './oauth2-start.js';
import type { RequestSession } from './request-session.js';
import type { ExtensionContext } from '../pages/extension.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';
import { isResponseError } from '../pocketbase/response-error.js';

type Exchange = RecordAuthResponse<RecordModel>;

function callbackQuery(ctx: ExtensionContext): URLSearchParams {
  const start = ctx.request.url.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : ctx.request.url.slice(start + 1));
}

function readFlow(ctx: ExtensionContext, session: RequestSession): OAuth2Flow {
  const flow = decodeFlow(ctx.request.cookies()[flowCookieName]);
  if (flow === 'expired' || flow === undefined) {
    throw new AuthError('oauth2_flow_expired', 400, 'That sign-in took too long or was not started here; please try again.');
  }
  const query = callbackQuery(ctx);
  if (query.get('state') !== flow.state || flow.sessionRecord !== (session.record?.id ?? '')) throw new AuthError('oauth2_state_mismatch', 400, 'That sign-in could not be verified; please try again.');
  if (query.get('error')) throw new AuthError('oauth2_denied', 403, 'Sign-in was cancelled at the provider.');
  if (!query.get('code')) throw new AuthError('oauth2_failed', 502, 'The provider did not complete the sign-in; please try again.');
  return flow;
}

async function exchange(deps: AuthDeps, ctx: ExtensionContext, session: RequestSession, flow: OAuth2Flow): Promise<Exchange> {
  const code = callbackQuery(ctx).get('code')!;
  // Exchanging as the signed-in record of the same collection links a new identity to it.
  const sameCollection = session.record?.collectionName === flow.collection;
  const pb = createVisitorClient(deps.pocketbaseUrl, sameCollection ? session.token : undefined, sameCollection ? session.record : undefined);
  try {
    return await pb.collection(flow.collection).authWithOAuth2Code(flow.provider, code, flow.codeVerifier, callbackUrl(ctx, deps.auth.oauth2.callbackPath));
  } catch (error) {
    const mapped = toAuthError(error);
    if (mapped instanceof AuthError && mapped.code === 'backend_unavailable') throw mapped;
    if (isResponseError(error) && error.status === 403) throw new AuthError('collection_forbidden', 403, 'This account may not sign in with that provider.');
    throw new AuthError('oauth2_failed', 502, 'The provider did not complete the sign-in; please try again.', { cause: error });
  }
}

function needSuperuser(deps: AuthDeps) {
  if (!deps.superuser) throw new AuthError('superuser_required', 500, 'Upgrading guests needs superuser credentials: set PB_SUPERUSER_EMAIL and PB_SUPERUSER_PASSWORD.');
  return deps.superuser;
}

/**
 * A session for an account we hold no token of (merge by email): a superuser-issued token of the
 * collection's auth duration. PocketBase does not refresh such tokens, so that session ends when it
 * expires and the visitor signs in again (the identity is linked by then).
 */
async function impersonate(deps: AuthDeps, account: RecordModel): Promise<Exchange> {
  const client = await needSuperuser(deps).run((pb) => pb.collection(account.collectionName).impersonate(account.id, 0));
  return { token: client.authStore.token, record: client.authStore.record as RecordModel };
}

/** The guest now holds the identity: make it permanent, or merge it into the account owning the provider email. */
async function upgradeGuest(deps: AuthDeps, guest: RecordModel, linked: Exchange, provider: string): Promise<Exchange> {
  const superuser = needSuperuser(deps);
  const email = typeof linked.meta?.email === 'string' ? linked.meta.email : '';
  const owner = email
    ? await superuser.run((pb) => pb.collection(guest.collectionName).getFirstListItem(pb.filter('email = {:email} && id != {:id}', { email, id: guest.id })).catch((error: unknown) => {
        if (isResponseError(error) && error.status === 404) return undefined;
        throw error;
      }))
    : undefined;
  if (owner) {
    const links = await superuser.run((pb) => pb.collection('_externalAuths').getFullList({ filter: pb.filter('recordRef ?= {:guest} || recordRef ?= {:owner}', { guest: guest.id, owner: owner.id }) }));
    const guestLink = links.find((l) => l.recordRef === guest.id && l.provider === provider);
    const ownerHasProvider = links.some((l) => l.recordRef === owner.id && l.provider === provider);
    await mergeGuest(deps, {
      guest,
      account: owner,
      extra(batch) {
        // As PocketBase does on an OAuth2 sign-in to an unverified account: a squatter's password stops
        // working, and verifying unlinks its other identities — so this comes before the link moves.
        if (!owner.verified) {
          const password = `${crypto.randomUUID()}${crypto.randomUUID()}`.slice(0, 64);
          batch.collection(owner.collectionName).update(owner.id, { password, passwordConfirm: password, verified: true });
        }
        // The identity follows the data to the account (its verified email is the account's), unless the
        // account already has one of this provider: then it goes with the guest.
        if (guestLink && (!ownerHasProvider || !owner.verified)) batch.collection('_externalAuths').update(guestLink.id, { recordRef: owner.id });
      },
    });
    return impersonate(deps, owner);
  }
  if (!email) {
    // Only the flag changes: the token key stays, so the exchange's session is refreshed as is.
    try {
      await superuser.run((pb) => pb.collection(guest.collectionName).update(guest.id, { anonymous: false }));
      deps.verifier.cache.deleteRecord(guest.id);
      return await createVisitorClient(deps.pocketbaseUrl, linked.token, linked.record).collection(guest.collectionName).authRefresh();
    } catch (error) {
      throw toAuthError(error);
    }
  }
  // A new email (and verifying) renews the record's token key, so the exchange's token dies. A new
  // random password, as unknown as the guest's was, lets the record sign in again with a refreshable
  // token. Verifying also unlinks all identities (PocketBase's pre-hijacking rule, see
  // core/external_auth_model.go); this one was just proven, so it is linked again in the same batch.
  const password = newGuestPassword();
  try {
    await superuser.run(async (pb) => {
      const batch = pb.createBatch();
      batch.collection(guest.collectionName).update(guest.id, { anonymous: false, email, verified: true, password, passwordConfirm: password });
      batch.collection('_externalAuths').create({ collectionRef: guest.collectionId, recordRef: guest.id, provider, providerId: String(linked.meta?.id ?? '') });
      await ensureBatch(pb, 2, deps.log);
      await batch.send();
    });
  } catch (error) {
    throw toAuthError(error);
  }
  deps.verifier.cache.deleteRecord(guest.id);
  try {
    return await createVisitorClient(deps.pocketbaseUrl).collection(guest.collectionName).authWithPassword(email, password);
  } catch (error) {
    // Password sign-in switched off for the collection: a superuser-issued session instead.
    if (!isResponseError(error) || error.status === 0) throw toAuthError(error);
    return impersonate(deps, guest);
  }
}

/** Runs the callback; resolves with where to send the browser. */
export async function finishOAuth2(deps: AuthDeps, ctx: ExtensionContext, session: RequestSession): Promise<string> {
  const flow = readFlow(ctx, session);
  const before = session.record;
  const guest = isGuestRecord(before, deps.auth.anonymous) && before?.collectionName === flow.collection ? before : undefined;
  const result = await exchange(deps, ctx, session, flow);
  let signedIn: Exchange = result;
  if (guest && result.record.id !== guest.id) {
    await mergeGuest(deps, { guest, account: result.record });
  } else if (guest) {
    signedIn = await upgradeGuest(deps, guest, result, flow.provider);
  }
  if (session.token) deps.verifier.cache.delete(session.token);
  session.signIn(signedIn.token, signedIn.record);
  deps.log(`auth: ${signedIn.record.id} signed in to "${flow.collection}" with ${flow.provider}${guest ? ` (was guest ${guest.id})` : ''}`);
  return flow.redirect;
}

/** Where a failed callback goes: the flow's error path (or '/') with the code in the query. */
export function failedCallbackPath(ctx: ExtensionContext, code: string): string {
  const flow = decodeFlow(ctx.request.cookies()[flowCookieName]);
  const base = flow && flow !== 'expired' ? flow.errorRedirect : '/';
  return `${base}${base.includes('?') ? '&' : '?'}auth_error=${encodeURIComponent(code)}`;
}
