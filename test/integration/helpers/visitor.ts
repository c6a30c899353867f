/**
 * A browser-like HTTP client over `fetch`: keeps the app's cookies (per path,
 * as a browser would send them), follows redirects itself — across origins, so
 * an OAuth2 provider's redirect comes back to the app — and reads the bits of
 * the starter app's pages the tests look at.
 */
interface Cookie {
  value: string;
  path: string;
}

export class Visitor {
  readonly cookies = new Map<string, Cookie>();
  constructor(readonly appUrl: string) {}

  #cookieHeader(url: URL): string {
    if (url.origin !== new URL(this.appUrl).origin) return '';
    return [...this.cookies]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  #store(url: URL, response: Response): void {
    if (url.origin !== new URL(this.appUrl).origin) return;
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const gone = pair.slice(index + 1) === '' || attributes.some((a) => /^max-age=0$/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, { value: pair.slice(index + 1), path });
    }
  }

  /** One request, no redirect followed. */
  async send(method: string, target: string, form?: Record<string, string>): Promise<Response> {
    const url = new URL(target, this.appUrl);
    const cookie = this.#cookieHeader(url);
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(this.appUrl).origin } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    this.#store(url, response);
    return response;
  }

  /** A request whose redirects are followed (GET after each) until a page answers; returns it and its final URL. */
  async go(method: string, target: string, form?: Record<string, string>): Promise<{ response: Response; url: URL; html: string }> {
    let url = new URL(target, this.appUrl);
    let response = await this.send(method, url.href, form);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 10; hops++) {
      url = new URL(response.headers.get('location')!, url);
      response = await this.send('GET', url.href);
    }
    return { response, url, html: await response.text() };
  }

  /** The account id, status line and flash of the starter app's account page. */
  async account(): Promise<{ id: string; status: string; html: string }> {
    const { html } = await this.go('GET', '/account');
    return { id: testId(html, 'account-id'), status: testId(html, 'auth-status'), html };
  }
}

/** The text of the element with that data-testid (tags stripped). */
export function testId(html: string, id: string): string {
  const match = new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return (match?.[1] ?? '').replace(/<[^>]+>/g, '').trim();
}

/** The one-time message the layout shows. */
export function flash(html: string): string {
  return (/class="flash"[^>]*>([\s\S]*?)</.exec(html)?.[1] ?? '').trim();
}
