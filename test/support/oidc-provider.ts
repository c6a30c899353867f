/**
 * A real OpenID Connect provider for tests (oauth2-mock-server) on a free port
 * of 127.0.0.1. `identity(...)` sets who the next flows sign in as; `fail(...)`
 * makes the next flow fail the way a provider can (consent denied, provider
 * down). `providerConfig()` is the collection's `oauth2.providers` entry.
 */
import { OAuth2Server } from 'oauth2-mock-server';

export interface Identity {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  url: string;
  /** The identity every following flow returns. */
  identity(identity: Identity): void;
  /** The next authorization redirects back with `error=access_denied`, or the next user-info call answers 503. */
  fail(how: 'denied' | 'down'): void;
  providerConfig(name?: string): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startOidcProvider(): Promise<TestOidcProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const url = server.issuer.url!.replace(/\/$/, '');
  let current: Identity = { sub: 'nobody' };
  let denyNext = false;
  let downNext = false;
  server.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
    if (!denyNext) return;
    denyNext = false;
    redirect.url.searchParams.delete('code');
    redirect.url.searchParams.set('error', 'access_denied');
  });
  server.service.on('beforeUserinfo', (response: { body: unknown; statusCode: number }) => {
    if (downNext) {
      downNext = false;
      response.statusCode = 503;
      response.body = { error: 'temporarily_unavailable' };
      return;
    }
    response.body = {
      sub: current.sub,
      ...(current.email ? { email: current.email, email_verified: current.emailVerified ?? true } : {}),
      ...(current.name ? { name: current.name } : {}),
    };
  });
  return {
    url,
    identity(identity) {
      current = identity;
    },
    fail(how) {
      if (how === 'denied') denyNext = true;
      else downNext = true;
    },
    providerConfig(name = 'oidc') {
      return {
        name,
        displayName: 'Test ID',
        clientId: 'pbpages-test',
        clientSecret: 'pbpages-test-secret',
        authURL: `${url}/authorize`,
        tokenURL: `${url}/token`,
        userInfoURL: `${url}/userinfo`,
        pkce: true,
      };
    },
    close: () => server.stop(),
  };
}
