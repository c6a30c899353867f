import { describe, expect, it } from 'vitest';
import { clientKey, ipKey } from '../../../src/auth/client-ip.js';

describe('client IP keying', () => {
  it('keeps IPv4 addresses as they are', () => {
    expect(ipKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(ipKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses of one /64 under one key', () => {
    const a = ipKey('2001:db8:0:1:aaaa::1');
    const b = ipKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff');
    expect(a).toBe(b);
    expect(a).toBe('2001:db8:0:1::/64');
    expect(ipKey('2001:db8:0:2::1')).not.toBe(a);
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    const request = { remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.9' } };
    expect(clientKey(request, false)).toBe('10.0.0.1');
    expect(clientKey(request, true)).toBe('198.51.100.9');
  });

  it('takes the entry our proxy appended, not one the client wrote', () => {
    const request = { remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '1.1.1.1, 198.51.100.9' } };
    expect(clientKey(request, true)).toBe('198.51.100.9');
  });

  it('falls back to the peer address when the header is garbage', () => {
    const request = { remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': 'not-an-ip' } };
    expect(clientKey(request, true)).toBe('10.0.0.1');
  });
});
