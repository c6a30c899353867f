/**
 * @module auth/client-ip
 * The key a client is rate-limited under. IPv6 clients usually own a whole /64,
 * so they are grouped by it; IPv4-mapped IPv6 addresses count as IPv4.
 *
 * Threat model: `X-Forwarded-For` is written by the client unless a proxy we run
 * overwrites it, so it is read only with `trustProxy`, and then the rightmost
 * entry is used: the one our own proxy appended, which the client cannot forge.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface ClientIpSource {
  remoteAddress: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The rate-limit key of a request, e.g. `1.2.3.4` or `2001:db8:0:1::/64`. */
export function clientKey(request: ClientIpSource, trustProxy: boolean): string {
  return ipKey(clientIp(request, trustProxy));
}

export function clientIp(request: ClientIpSource, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
    const entries = joined.split(',').map((part) => part.trim()).filter(Boolean);
    const last = entries.at(-1);
    if (last && (isIPv4(last) || isIPv6(last))) return last;
  }
  return request.remoteAddress;
}

/** Normalises an address into its rate-limit group. Unknown text is kept as is. */
export function ipKey(ip: string): string {
  const bare = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return ip;
  const groups = expandIpv6(bare);
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Eight lower-case hex groups of a valid IPv6 address (embedded IPv4 tails converted). */
function expandIpv6(ip: string): string[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right];
}
