/**
 * Test support: an HTTP proxy in front of Prometheus that records every instant query the adapter
 * sends (the exact PromQL, the exact `time`, and the answer), so a test can re-ask Prometheus the
 * very same question and compare.
 */
import { createServer, type IncomingMessage } from 'node:http';

export interface RecordedQuery {
  readonly query: string;
  readonly time: string;
  readonly response: string;
}

export interface RecordingProxy {
  readonly url: string;
  readonly queries: readonly RecordedQuery[];
  /** While down, every request is answered 503 with Prometheus's error envelope. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

const UNAVAILABLE = JSON.stringify({
  status: 'error',
  errorType: 'unavailable',
  error: 'test: Prometheus made unavailable',
});

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

export const startRecordingProxy = async (target: string): Promise<RecordingProxy> => {
  const queries: RecordedQuery[] = [];
  const state = { down: false };
  const server = createServer((req, res) => {
    if (state.down) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(UNAVAILABLE);
      return;
    }
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', target);
      const upstream = await fetch(new URL(url.pathname + url.search, target), {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
        ...(req.method === 'POST' ? { body } : {}),
      });
      const text = await upstream.text();
      if (url.pathname.endsWith('/api/v1/query')) {
        const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
        queries.push({
          query: params.get('query') ?? '',
          time: params.get('time') ?? '',
          response: text,
        });
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(text);
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    setDown: (down) => {
      state.down = down;
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
};
