/**
 * Test support: an HTTP proxy in front of Prometheus that records every instant query the adapter
 * sends (the exact PromQL, the exact `time`, its headers, and the answer), so a test can re-ask Prometheus the
 * very same question and compare; and that injects faults on demand (`setFault`): stall, delay,
 * a status code, a body override, a truncated answer, a huge answer.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

export interface RecordedQuery {
  readonly query: string;
  readonly time: string;
  readonly response: string;
  /** The request's headers (a tenant header, say), as Node gives them: names lowercase. */
  readonly headers: IncomingHttpHeaders;
}

/**
 * What the proxy does with a request: `pass` forwards it; `stall` accepts and never answers;
 * `delay` forwards after `ms`; `status` answers `code` with `body`; `body` answers 200 with `body`;
 * `truncate` forwards, then sends the first half of Prometheus's answer and cuts the connection;
 * `huge` answers 200 with a well-formed vector of about `bytes` bytes, streamed.
 */
export type Fault =
  | { readonly mode: 'pass' }
  | { readonly mode: 'stall' }
  | { readonly mode: 'delay'; readonly ms: number }
  | { readonly mode: 'status'; readonly code: number; readonly body: string }
  | { readonly mode: 'body'; readonly body: string }
  | { readonly mode: 'truncate' }
  | { readonly mode: 'huge'; readonly bytes: number };

/** Which requests a fault applies to: instant queries only (relists go on), or all. */
export type FaultScope = 'query' | 'all';

export interface RecordingProxy {
  readonly url: string;
  readonly queries: readonly RecordedQuery[];
  /** While down, every request is answered 503 with Prometheus's error envelope. */
  setDown(down: boolean): void;
  /** From now on, requests in `scope` get `fault`; `{ mode: 'pass' }` ends it. */
  setFault(fault: Fault, scope?: FaultScope): void;
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

const SAMPLE = '{"metric":{"__name__":"x","pod":"p","namespace":"default"},"value":[1,"1"]},';

/** Streams a syntactically valid vector answer of about `bytes` bytes. */
const sendHuge = (res: ServerResponse, bytes: number): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"status":"success","data":{"resultType":"vector","result":[');
  const chunk = SAMPLE.repeat(Math.ceil(65_536 / SAMPLE.length));
  let left = Math.ceil(bytes / chunk.length);
  const more = (): void => {
    while (left > 0) {
      left -= 1;
      if (!res.write(chunk)) {
        res.once('drain', more);
        return;
      }
    }
    res.end(`${SAMPLE.slice(0, -1)}]}}`);
  };
  res.on('error', () => undefined);
  more();
};

/** `host`: where it listens (default loopback; an e2e gives the cluster bridge's address). */
export const startRecordingProxy = async (
  target: string,
  host = '127.0.0.1',
): Promise<RecordingProxy> => {
  const queries: RecordedQuery[] = [];
  const state: { fault: Fault; scope: FaultScope } = { fault: { mode: 'pass' }, scope: 'all' };
  const sockets = new Set<Socket>();

  const forward = async (req: IncomingMessage, res: ServerResponse, truncate: boolean) => {
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
        headers: req.headers,
      });
    }
    if (truncate) {
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
      return;
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(text);
  };

  const faulted = (req: IncomingMessage): Fault => {
    const isQuery = (req.url ?? '').split('?')[0]?.endsWith('/api/v1/query') === true;
    return state.scope === 'all' || isQuery ? state.fault : { mode: 'pass' };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const fault = faulted(req);
    switch (fault.mode) {
      case 'stall':
        return;
      case 'status':
        res.writeHead(fault.code, { 'content-type': 'application/json' }).end(fault.body);
        return;
      case 'body':
        res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
        return;
      case 'huge':
        sendHuge(res, fault.bytes);
        return;
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms));
        return forward(req, res, false);
      case 'pass':
      case 'truncate':
        return forward(req, res, fault.mode === 'truncate');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(502).end());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    queries,
    setDown: (down) => {
      state.fault = down ? { mode: 'status', code: 503, body: UNAVAILABLE } : { mode: 'pass' };
      state.scope = 'all';
    },
    setFault: (fault, scope = 'all') => {
      state.fault = fault;
      state.scope = scope;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
};
