import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedSuperuser, superuserFileName } from '../../../src/cli/runtime.js';
import { configFromEnv } from '../../../src/cli/load-config.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('embedded backend superuser', () => {
  it('is created once with a random password in a 0600 file and reused next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pbpages-su-'));
    dirs.push(dir);
    const first = await generatedSuperuser(join(dir, 'pb_data'));
    expect(first.email).toMatch(/^superuser-[a-z0-9]+@pbpages\.local$/);
    expect(first.password.length).toBeGreaterThanOrEqual(22);
    const mode = (await stat(join(dir, 'pb_data', superuserFileName))).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(await generatedSuperuser(join(dir, 'pb_data'))).toEqual(first);
  });
});

describe('environment configuration', () => {
  it('reads PB_URL, PB_PORT, PB_DATA_DIR and the superuser pair', () => {
    expect(
      configFromEnv({ PB_URL: 'http://pb:8090', PB_PORT: '9000', PB_DATA_DIR: 'data', PB_SUPERUSER_EMAIL: 'a@b.co', PB_SUPERUSER_PASSWORD: 'pw' }),
    ).toEqual({ pocketbaseUrl: 'http://pb:8090', backendPort: 9000, dataDir: 'data', superuser: { email: 'a@b.co', password: 'pw' } });
    expect(configFromEnv({ PB_SUPERUSER_EMAIL: 'a@b.co' })).toEqual({});
  });
});
