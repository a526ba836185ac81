/**
 * A load generator standing in for Prometheus' `/api/v1/series` (a mock: a real Prometheus with
 * millions of series cannot run on the benchmark machine). It writes the answer for
 * `names` metric names × `pods` pods on the fly, in chunks, honouring back-pressure, so the
 * generator itself holds no more than one chunk; every adapter reads the very same bytes.
 * Other paths answer an empty vector. Listens on 127.0.0.1.
 */
import { createServer, type ServerResponse } from 'node:http';
import { once } from 'node:events';

export interface SeriesServer {
  readonly url: string;
  /** `/api/v1/series` answers sent to the end. */
  completed(): number;
  stop(): Promise<void>;
}

/** The metric names the server lists: `bench_metric_<i>_total`. */
export const benchSeriesName = (i: number): string => `bench_metric_${i}_total`;

const seriesJson = (name: string, pod: number): string =>
  `{"__name__":"${name}","namespace":"bench","pod":"pod-${pod}","instance":"10.1.${pod % 250}.${pod % 199}:8080","job":"bench"}`;

const writeSeries = async (res: ServerResponse, names: number, pods: number): Promise<void> => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"status":"success","data":[');
  let first = true;
  for (let n = 0; n < names; n++) {
    const name = benchSeriesName(n);
    for (let from = 0; from < pods; from += 1000) {
      const parts: string[] = [];
      for (let p = from; p < Math.min(pods, from + 1000); p++) {
        parts.push(first ? seriesJson(name, p) : `,${seriesJson(name, p)}`);
        first = false;
      }
      if (!res.write(parts.join(''))) await once(res, 'drain');
      if (res.destroyed) return;
    }
  }
  res.end(']}');
};

export const startSeriesServer = async (names: number, pods: number): Promise<SeriesServer> => {
  let completed = 0;
  const server = createServer((req, res) => {
    if (!(req.url ?? '').startsWith('/api/v1/series')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success","data":{"resultType":"vector","result":[]}}');
      return;
    }
    writeSeries(res, names, pods).then(
      () => {
        if (res.writableFinished) completed++;
        else res.once('finish', () => completed++);
      },
      () => res.destroy(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    completed: () => completed,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
};
