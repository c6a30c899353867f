/**
 * @module cli/cluster-metrics
 * One scrape for the whole cluster under `--workers`: the worker that receives
 * the scrape asks the primary, which collects every worker's metrics (and its
 * own: the prune runs there) as prom-client JSON over IPC, sums them with
 * prom-client's `AggregatorRegistry.aggregate` and sends the text back. A
 * worker that does not answer in time is left out of that scrape.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Metrics } from '../server/metrics.js';

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;
type Message =
  | { pbpages: 'metrics-gather'; id: string }
  | { pbpages: 'metrics-collect'; id: string }
  | { pbpages: 'metrics-part'; id: string; metrics: MetricsJson }
  | { pbpages: 'metrics-result'; id: string; body: string };

const answerWithinMs = 1_000;

function isMessage<K extends Message['pbpages']>(message: unknown, kind: K): message is Extract<Message, { pbpages: K }> {
  return typeof message === 'object' && message !== null && (message as { pbpages?: unknown }).pbpages === kind && typeof (message as { id?: unknown }).id === 'string';
}

/** In the primary: answers workers' scrapes with every process's metrics summed. */
export function aggregateClusterMetrics(own: Metrics): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isMessage(message, 'metrics-gather')) return;
    void gather(own).then((body) => {
      if (from.isConnected()) from.send({ pbpages: 'metrics-result', id: message.id, body } satisfies Message);
    });
  });
}

async function gather(own: Metrics): Promise<string> {
  const id = randomUUID();
  const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && worker.isConnected());
  const parts = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<MetricsJson | undefined>((resolve) => {
          const onMessage = (message: unknown) => {
            if (!isMessage(message, 'metrics-part') || message.id !== id) return;
            clearTimeout(timer);
            worker.off('message', onMessage);
            resolve(message.metrics);
          };
          const timer = setTimeout(() => {
            worker.off('message', onMessage);
            resolve(undefined);
          }, answerWithinMs);
          worker.on('message', onMessage);
          worker.send({ pbpages: 'metrics-collect', id } satisfies Message);
        }),
    ),
  );
  const all = [await own.json(), ...parts.filter((part): part is MetricsJson => part !== undefined)];
  return AggregatorRegistry.aggregate(all).metrics();
}

/**
 * In a worker: the `gather` for its metrics (ask the primary), and the answer
 * to the primary's collection. Falls back to this worker's own metrics when the
 * primary does not answer.
 */
export function workerMetrics(create: (gather: () => Promise<string>) => Metrics): Metrics {
  const waiting = new Map<string, (body: string) => void>();
  const metrics = create(
    () =>
      new Promise<string>((resolve) => {
        const id = randomUUID();
        const timer = setTimeout(() => {
          waiting.delete(id);
          void metrics.json().then((own) => AggregatorRegistry.aggregate([own]).metrics()).then(resolve);
        }, answerWithinMs * 2);
        waiting.set(id, (body) => {
          clearTimeout(timer);
          resolve(body);
        });
        process.send?.({ pbpages: 'metrics-gather', id } satisfies Message);
      }),
  );
  process.on('message', (message: unknown) => {
    if (isMessage(message, 'metrics-result')) {
      waiting.get(message.id)?.(message.body);
      waiting.delete(message.id);
    } else if (isMessage(message, 'metrics-collect')) {
      void metrics.json().then((json) => process.send?.({ pbpages: 'metrics-part', id: message.id, metrics: json } satisfies Message));
    }
  });
  return metrics;
}
