/**
 * @module embedded/ids
 * Random identifiers and PocketBase's date format. Everything random comes from
 * `crypto` (ids, token keys and secrets must be unguessable).
 */
import { randomInt } from 'node:crypto';

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(length: number, alphabet = alnum): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A record id: 15 characters of [a-z0-9], as PocketBase's default id field. */
export const newRecordId = (): string => randomString(15, lowerAlnum);

/** A per-record token key: 50 characters of [A-Za-z0-9]. */
export const newTokenKey = (): string => randomString(50);

/** PocketBase's date format: UTC, space separator, milliseconds ("2006-01-02 15:04:05.000Z"). */
export function formatDate(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

export const now = (): string => formatDate(new Date());

/** Parses a date in PocketBase's or ISO format; undefined when it is not one. */
export function parseDate(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value.trim())) return undefined;
  const date = new Date(value.trim().replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** crc32, used like PocketBase for default collection and field ids. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
