/**
 * @module server/health
 * The probes an orchestrator polls: `GET /healthz` (this process answers) and
 * `GET /readyz` (the backend answers its `/api/health` within a short timeout;
 * 503 otherwise). They are answered before routing, so no page can shadow them,
 * and say nothing about the backend beyond up or down.
 */
import type { RenderResult } from '../pages/engine.js';

export const healthPaths = new Set(['/healthz', '/readyz']);

/** How long /readyz waits for the backend: under Kubernetes' default probe timeout (1 s), so a slow backend reads as "not ready", not as a hung probe. */
const readyTimeoutMs = 800;

function json(status: number, body: object): RenderResult {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    cookies: [],
    body: JSON.stringify(body),
  };
}

/**
 * The answer to a probe path.
 * @example
 * if (healthPaths.has(pathname)) write(res, await probe(pathname, 'http://127.0.0.1:8090'));
 */
export async function probe(pathname: string, pocketbaseUrl: string | undefined): Promise<RenderResult> {
  if (pathname === '/healthz' || !pocketbaseUrl) return json(200, { status: 'ok' });
  try {
    const answer = await fetch(`${pocketbaseUrl}/api/health`, { signal: AbortSignal.timeout(readyTimeoutMs) });
    await answer.body?.cancel();
    if (answer.ok) return json(200, { status: 'ready' });
  } catch {
    // Unreachable or timed out: not ready, below.
  }
  return json(503, { status: 'unavailable', reason: 'backend unreachable' });
}
