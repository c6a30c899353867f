/**
 * @module cli/commands/backend
 * `pbpages backend --http 127.0.0.1:8090 --dir ./pb_data` runs the embedded
 * backend alone (like `pocketbase serve`); `pbpages backend superuser upsert
 * EMAIL PASSWORD --dir DIR` creates or updates a superuser.
 */
import { resolve } from 'node:path';
import type { Command } from '../index.js';
import { startEmbeddedBackend, upsertSuperuser } from '../../embedded/index.js';

function option(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  const inline = args.find((a) => a.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
}

async function serve(args: string[]): Promise<number> {
  const [host = '127.0.0.1', portText = '8090'] = option(args, '--http', '127.0.0.1:8090').split(':');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`pbpages backend: invalid --http address "${option(args, '--http', '')}" (expected host:port).`);
    return 1;
  }
  const dir = resolve(option(args, '--dir', process.env.PB_DATA_DIR ?? './pb_data'));
  const email = process.env.PB_SUPERUSER_EMAIL;
  const password = process.env.PB_SUPERUSER_PASSWORD;
  const backend = await startEmbeddedBackend({ dir, host, port, ...(email && password ? { superuser: { email, password } } : {}) });
  console.log(`pbpages backend: ${backend.url} (data in ${dir})`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Started by `pbpages start` with an IPC channel: a parent that dies (even by SIGKILL) closes it.
    if (process.send) process.once('disconnect', stop);
  });
  await backend.close();
  // The IPC channel from `pbpages start` would keep this process alive until its parent's kill timeout.
  if (process.connected) process.disconnect();
  return 0;
}

export const command: Command = {
  summary: 'the embedded PocketBase-compatible backend alone (--http host:port --dir DIR; superuser upsert EMAIL PASSWORD)',
  async run(args) {
    if (args[0] === 'superuser') {
      const [, action, email, password] = args;
      if (action !== 'upsert' || !email || !password) {
        console.error('Usage: pbpages backend superuser upsert EMAIL PASSWORD --dir DIR');
        return 1;
      }
      await upsertSuperuser(resolve(option(args, '--dir', process.env.PB_DATA_DIR ?? './pb_data')), email, password);
      console.log(`pbpages backend: superuser ${email} saved.`);
      return 0;
    }
    return serve(args);
  },
};
