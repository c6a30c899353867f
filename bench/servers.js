// What the benches share about the servers they start: a free port to give one, and waiting
// for its first 200. Run after `npm run build` (freePort is the CLI's own).
export { freePort } from '../dist/cli/backend-process.js';

/** Resolves at the first 200 from `url`, polling every `pollMs`; throws after `deadline` (epoch ms). */
export async function firstOk(url, deadline, pollMs = 20) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`no 200 from ${url} in time`);
}
