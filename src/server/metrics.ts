/**
 * @module server/metrics
 * Opt-in Prometheus metrics (`metrics: { enabled: true, path: '/metrics' }`)
 * with prom-client, in a registry of their own: request durations by route
 * pattern (never the raw URL, which would make one series per guest id) and
 * status, the auth layer's events (guests created, upgraded, pruned,
 * rate-limited; backend errors) and the process defaults. Under `--workers`
 * a scrape gathers every process's metrics (`gather`, wired by the CLI).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { authEventNames, type AuthEventMessage } from '../auth/auth-events.js';

export interface Metrics {
  /** Where the scrape is answered. */
  path: string;
  observe(labels: { method: string; route: string; status: number }, seconds: number): void;
  scrape(): Promise<{ contentType: string; body: string }>;
  /** This process's metrics as prom-client JSON, for aggregation across processes. */
  json(): Promise<Array<MetricObjectWithValues<MetricValue<string>>>>;
  close(): void;
}

/**
 * @example
 * const metrics = createMetrics({ path: '/metrics' });
 * metrics.observe({ method: 'GET', route: '/notes/[id]', status: 200 }, 0.004);
 */
export function createMetrics(options: { path: string; gather?: () => Promise<string> }): Metrics {
  if (!options.path.startsWith('/')) throw new TypeError(`pbpages config: "metrics.path" must start with "/", got "${options.path}".`);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pbpages_' });
  const duration = new Histogram({
    name: 'pbpages_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const counters: Array<[string, string, string]> = [
    [authEventNames.guestCreated, 'pbpages_guests_created_total', 'Guest accounts created.'],
    [authEventNames.guestUpgraded, 'pbpages_guests_upgraded_total', 'Guest accounts turned into permanent accounts.'],
    [authEventNames.guestsPruned, 'pbpages_guests_pruned_total', 'Stale guest accounts deleted by the prune.'],
    [authEventNames.guestRateLimited, 'pbpages_guests_rate_limited_total', 'Guest creations refused by the rate limit.'],
    [authEventNames.backendError, 'pbpages_backend_errors_total', 'Requests to the backend that found it unreachable or failing.'],
  ];
  const subscriptions = counters.map(([channel, name, help]) => {
    const counter = new Counter({ name, help, registers: [registry] });
    const onMessage = (message: unknown) => counter.inc((message as AuthEventMessage).count);
    subscribe(channel, onMessage);
    return () => unsubscribe(channel, onMessage);
  });
  return {
    path: options.path,
    observe({ method, route, status }, seconds) {
      duration.observe({ method, route, status: String(status) }, seconds);
    },
    async scrape() {
      return { contentType: registry.contentType, body: options.gather ? await options.gather() : await registry.metrics() };
    },
    json: () => registry.getMetricsAsJSON(),
    close() {
      for (const stop of subscriptions) stop();
    },
  };
}
