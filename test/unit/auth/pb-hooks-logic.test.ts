import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Settings { collection: string; emailPrefix: string; emailDomain: string; retentionDays: number; pruneSchedule: string }
interface GuestLike { anonymous: unknown; email: string; created?: string }
const logic = createRequire(import.meta.url)('../../../pb_hooks/guests-logic.cjs') as {
  settingsFromEnv(getenv: (name: string) => string): Settings;
  isGuest(record: GuestLike, settings: Settings): boolean;
  cutoffDate(now: Date, days: number): string;
  pruneStaleGuests(options: {
    settings: Settings;
    now: Date;
    retentionDays: number;
    batchSize?: number;
    find(cutoff: string, limit: number): GuestLike[];
    remove(record: GuestLike): void;
  }): number;
};

const settings = logic.settingsFromEnv(() => '');

describe('pb_hooks guest logic', () => {
  it('defaults match pbpages defaults', () => {
    expect(settings).toEqual({ collection: 'users', emailPrefix: 'anonymous-', emailDomain: 'example.com', retentionDays: 90, pruneSchedule: '17 3 * * *' });
  });

  it('suppresses mail to guests and only to guests', () => {
    expect(logic.isGuest({ anonymous: true, email: 'anonymous-x@example.com' }, settings)).toBe(true);
    expect(logic.isGuest({ anonymous: false, email: 'anonymous-x@example.com' }, settings)).toBe(false);
    expect(logic.isGuest({ anonymous: null, email: 'anonymous-x@example.com' }, settings)).toBe(true);
    expect(logic.isGuest({ anonymous: null, email: 'bob@example.com' }, settings)).toBe(false);
  });

  it('computes the cutoff in PocketBase date format', () => {
    expect(logic.cutoffDate(new Date('2026-04-01T00:00:00.000Z'), 90)).toBe('2026-01-01 00:00:00.000Z');
  });

  it('prunes guests older than the cutoff in batches and keeps everyone else', () => {
    const now = new Date('2026-04-01T00:00:00.000Z');
    const records: GuestLike[] = [
      ...Array.from({ length: 5 }, (_, i) => ({ anonymous: true, email: `anonymous-${i}@example.com`, created: '2025-01-01 00:00:00.000Z' })),
      { anonymous: true, email: 'anonymous-new@example.com', created: '2026-03-30 00:00:00.000Z' },
      { anonymous: false, email: 'bob@example.com', created: '2025-01-01 00:00:00.000Z' },
    ];
    const deleted = logic.pruneStaleGuests({
      settings,
      now,
      retentionDays: 90,
      batchSize: 2,
      find: (cutoff, limit) =>
        records.filter((r) => r.anonymous === true && (r.created ?? '') < cutoff).slice(0, limit),
      remove: (record) => records.splice(records.indexOf(record), 1),
    });
    expect(deleted).toBe(5);
    expect(records.map((r) => r.email)).toEqual(['anonymous-new@example.com', 'bob@example.com']);
  });
});
