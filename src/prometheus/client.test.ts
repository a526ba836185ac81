import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createPrometheusClient, requestTarget, type PrometheusClientOptions } from './client.ts';
import { PrometheusConfigError, PrometheusError } from './errors.ts';
import { parseHeaderArgs } from './headers.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const VECTOR = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { pod: 'a' }, value: [1700000000, '2'] }] },
});
const SERIES = JSON.stringify({ status: 'success', data: [{ __name__: 'up', job: 'x' }] });

/** A fake Prometheus whose reply is chosen per test; records every request. */
const fake = {
  url: '',
  seen: [] as Seen[],
  reply: (seen: Seen): Reply => ({
    status: 200,
    body: seen.url.includes('series') ? SERIES : VECTOR,
  }),
};
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    fake.seen.push(seen);
    const reply = fake.reply(seen);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body);
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  fake.seen = [];
  fake.reply = (seen) => ({ status: 200, body: seen.url.includes('series') ? SERIES : VECTOR });
});

const withClient = async (
  extra: Partial<PrometheusClientOptions>,
  fn: (c: ReturnType<typeof createPrometheusClient>) => Promise<void>,
): Promise<void> => {
  const client = createPrometheusClient({ baseUrl: fake.url, ...extra });
  try {
    await fn(client);
  } finally {
    await client.close();
  }
};

const tempFile = (name: string, content: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'prom-client-')), name);
  writeFileSync(path, content);
  return path;
};

describe('requestTarget', () => {
  const cases: [string, 'GET' | 'POST', string, string | null][] = [
    ['http://thanos', 'GET', 'http://thanos/api/v1/query?q=1', null],
    ['http://thanos/prom/', 'GET', 'http://thanos/prom/api/v1/query?q=1', null],
    ['http://thanos/prom?x=y#frag', 'GET', 'http://thanos/prom/api/v1/query?q=1', null],
    ['http://u:p@thanos/a/../b', 'GET', 'http://thanos/b/api/v1/query?q=1', null],
    ['https://thanos:9091/prom?x=y', 'POST', 'https://thanos:9091/prom/api/v1/query?x=y', 'q=1'],
  ];
  for (const [base, verb, url, body] of cases) {
    it(`${verb} ${base}`, () => {
      assert.deepEqual(requestTarget(new URL(base), verb, '/api/v1/query', 'q=1'), { url, body });
    });
  }
});

describe('request encoding', () => {
  it('GET puts Go-encoded params in the URL and drops base query params', async () => {
    await withClient({ baseUrl: `${fake.url}/prom/?drop=me` }, async (c) => {
      await c.query('sum(rate(x[1m]))', 1700000000.123);
      await c.series('{__name__=~"a.*"}', 1699999400);
    });
    assert.deepEqual(
      fake.seen.map((s) => [s.method, s.url, s.body]),
      [
        ['GET', '/prom/api/v1/query?query=sum%28rate%28x%5B1m%5D%29%29&time=1700000000.123', ''],
        [
          'GET',
          '/prom/api/v1/series?match%5B%5D=%7B__name__%3D~%22a.%2A%22%7D&start=1699999400',
          '',
        ],
      ],
    );
  });

  it('POST sends a form body and keeps base query params', async () => {
    await withClient({ baseUrl: `${fake.url}/sub?tenant=a`, verb: 'POST' }, async (c) => {
      await c.query('up', 1700000000);
    });
    const [seen] = fake.seen;
    assert.equal(seen?.method, 'POST');
    assert.equal(seen.url, '/sub/api/v1/query?tenant=a');
    assert.equal(seen.body, 'query=up&time=1700000000');
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  it('sends configured headers with all their values', async () => {
    const headers = parseHeaderArgs(['x-scope-orgid=t1', 'X-Extra=a', 'x-extra=b']);
    await withClient({ headers }, async (c) => {
      await c.query('up', 1);
    });
    assert.equal(fake.seen[0]?.headers['x-scope-orgid'], 't1');
    assert.equal(fake.seen[0]?.headers['x-extra'], 'a, b');
  });
});

describe('authorization', () => {
  it('adds the trimmed bearer token and re-reads the file when it changes', async () => {
    const tokenFile = tempFile('token', 'first\n');
    await withClient({ tokenFile, fileOptions: { recheckMs: 0 } }, async (c) => {
      await c.query('up', 1);
      writeFileSync(tokenFile, 'second-token\n');
      await c.query('up', 1);
    });
    assert.deepEqual(
      fake.seen.map((s) => s.headers.authorization),
      ['Bearer first', 'Bearer second-token'],
    );
  });

  it('does not add the token when a header already sets Authorization', async () => {
    const tokenFile = tempFile('token', 'secret');
    const headers = parseHeaderArgs(['authorization=Custom xyz']);
    await withClient({ tokenFile, headers }, async (c) => {
      await c.query('up', 1);
    });
    assert.equal(fake.seen[0]?.headers.authorization, 'Custom xyz');
  });

  it('sends basic auth from a user:password file or a two-line file', async () => {
    for (const content of ['alice:s3cr:et\n', 'alice\ns3cr:et\n']) {
      const basicAuthFile = tempFile('basic', content);
      await withClient({ basicAuthFile }, async (c) => {
        await c.series('up', 0);
      });
    }
    const want = `Basic ${Buffer.from('alice:s3cr:et').toString('base64')}`;
    assert.deepEqual(
      fake.seen.map((s) => s.headers.authorization),
      [want, want],
    );
  });

  it('uses user info of the URL as basic auth', async () => {
    await withClient({ baseUrl: fake.url.replace('//', '//bob:pw@') }, async (c) => {
      await c.query('up', 1);
    });
    assert.equal(
      fake.seen[0]?.headers.authorization,
      `Basic ${Buffer.from('bob:pw').toString('base64')}`,
    );
  });
});

describe('responses', () => {
  const failing: { name: string; reply: Reply; message: string | RegExp; errorType: string }[] = [
    {
      name: 'unknown status code',
      reply: { status: 500, body: 'boom' },
      message: 'bad_response: unknown response code 500',
      errorType: 'bad_response',
    },
    {
      name: 'unknown status with JSON',
      reply: { status: 404, body: VECTOR },
      message: 'bad_response: unknown response code 404',
      errorType: 'bad_response',
    },
    {
      name: '400 with API error',
      reply: {
        status: 400,
        body: '{"status":"error","errorType":"bad_data","error":"1:5: parse error"}',
      },
      message: 'bad_data: 1:5: parse error',
      errorType: 'bad_data',
    },
    {
      name: '503 with API error',
      reply: {
        status: 503,
        body: '{"status":"error","errorType":"unavailable","error":"not ready"}',
      },
      message: 'unavailable: not ready',
      errorType: 'unavailable',
    },
    {
      name: '422 undecodable',
      reply: { status: 422, body: 'nope' },
      message: /^bad_response: /,
      errorType: 'bad_response',
    },
    {
      name: 'string result type',
      reply: {
        status: 200,
        body: '{"status":"success","data":{"resultType":"string","result":[1,"a"]}}',
      },
      message: 'bad_response: unexpected value type "string"',
      errorType: 'bad_response',
    },
  ];
  for (const c of failing) {
    it(`${c.name} → ${String(c.message)}`, async () => {
      fake.reply = () => c.reply;
      await withClient({}, async (client) => {
        await assert.rejects(client.query('up', 1), (err: unknown) => {
          assert.ok(err instanceof PrometheusError);
          assert.equal(err.errorType, c.errorType);
          if (typeof c.message === 'string') assert.equal(err.message, c.message);
          else assert.match(err.message, c.message);
          return true;
        });
      });
    });
  }

  it('stops reading a query answer past maxQueryResponseBytes; series answers are not bounded', async () => {
    fake.reply = (s) => ({ status: 200, body: s.url.includes('series') ? SERIES : VECTOR });
    await withClient({ maxQueryResponseBytes: 10 }, async (c) => {
      await assert.rejects(c.query('up', 1), {
        name: 'PrometheusError',
        errorType: 'bad_response',
        message: 'bad_response: response larger than 10 bytes',
      });
      assert.equal((await c.series('up', 0)).count, 1);
    });
    await withClient({ maxQueryResponseBytes: VECTOR.length }, async (c) => {
      assert.equal((await c.query('up', 1)).type, 'vector');
    });
  });

  it('treats a 503 with a success envelope as success (as upstream)', async () => {
    fake.reply = () => ({ status: 503, body: VECTOR });
    await withClient({}, async (c) => {
      const r = await c.query('up', 1);
      assert.equal(r.type, 'vector');
    });
  });

  it('parses series and follows redirects', async () => {
    fake.reply = (s) =>
      s.url.startsWith('/old')
        ? { status: 302, body: '', headers: { location: s.url.replace('/old', '/new') } }
        : { status: 200, body: SERIES };
    await withClient({ baseUrl: `${fake.url}/old` }, async (c) => {
      assert.deepEqual(await c.series('up', 0), {
        count: 1,
        shapes: [{ name: 'up', labelNames: ['job'] }],
      });
    });
    assert.deepEqual(
      fake.seen.map((s) => s.url),
      ['/old/api/v1/series?match%5B%5D=up', '/new/api/v1/series?match%5B%5D=up'],
    );
  });
});

describe('instrumentation', () => {
  it('observes successes and API errors with path and server, logs each response', async () => {
    const observed: [string, string][] = [];
    const logged: [string, string, number][] = [];
    const baseUrl = `${fake.url}/p`;
    await withClient(
      {
        baseUrl,
        observe: (path, srv, seconds) => {
          assert.ok(seconds >= 0);
          observed.push([path, srv]);
        },
        onRequest: (method, url, status) => logged.push([method, url, status]),
      },
      async (c) => {
        await c.series('up', 0);
        fake.reply = () => ({ status: 502, body: '' });
        await assert.rejects(c.query('up', 1));
      },
    );
    assert.deepEqual(observed, [
      ['/api/v1/series', baseUrl],
      ['/api/v1/query', baseUrl],
    ]);
    assert.deepEqual(logged, [
      ['GET', `${fake.url}/p/api/v1/series?match%5B%5D=up`, 200],
      ['GET', `${fake.url}/p/api/v1/query?query=up&time=1`, 502],
    ]);
  });

  it('does not observe transport errors; reports them as PrometheusError transport', async () => {
    const observed: string[] = [];
    const client = createPrometheusClient({
      baseUrl: 'http://127.0.0.1:1',
      observe: (p) => observed.push(p),
    });
    await assert.rejects(client.query('up', 1), (err: unknown) => {
      assert.ok(err instanceof PrometheusError);
      assert.equal(err.errorType, 'transport');
      assert.ok(err.cause !== undefined);
      return true;
    });
    await client.close();
    assert.deepEqual(observed, []);
  });

  it('honours an abort signal and the per-request timeout', async () => {
    fake.reply = () => ({ status: 200, body: VECTOR });
    const slow = createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const client = createPrometheusClient({ baseUrl, timeoutMs: 50 });
    const started = Date.now();
    await assert.rejects(client.query('up', 1), /^PrometheusError: transport/);
    assert.ok(Date.now() - started < 2000);
    const ac = new AbortController();
    const pending = client.query('up', 1, ac.signal);
    ac.abort();
    await assert.rejects(pending, (err: unknown) => err instanceof PrometheusError);
    slow.closeAllConnections();
    slow.close();
    await client.close();
  });

  it('series calls have their own timeout, separate from queries', async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const client = createPrometheusClient({ baseUrl, timeoutMs: 60_000, seriesTimeoutMs: 50 });
    const started = Date.now();
    await assert.rejects(client.series('up', 0), /^PrometheusError: transport/);
    assert.ok(Date.now() - started < 2000, 'the series timeout, not the 60 s query one');
    const query = client.query('up', 1);
    const early = await Promise.race([
      query.then(
        () => 'settled',
        () => 'settled',
      ),
      new Promise((resolve) => setTimeout(resolve, 300, 'pending')),
    ]);
    assert.equal(early, 'pending', 'a query is not cut by the series timeout');
    slow.closeAllConnections();
    slow.close();
    await assert.rejects(query);
    await client.close();
  });
});

describe('configuration errors', () => {
  const cases: { name: string; options: PrometheusClientOptions; message: RegExp }[] = [
    {
      name: 'verb',
      options: { baseUrl: 'http://x', verb: 'PUT' },
      message: /^unsupported Prometheus HTTP verb "PUT"; supported verbs: "GET" and "POST"$/,
    },
    { name: 'url', options: { baseUrl: '::nope' }, message: /^invalid Prometheus URL "::nope"/ },
    {
      name: 'header',
      options: { baseUrl: 'http://x', headers: parseHeaderArgs(['=v']) },
      message: /invalid header field name ""/,
    },
    {
      name: 'token file',
      options: { baseUrl: 'http://x', tokenFile: '/nonexistent/token' },
      message: /^failed to read prometheus-token-file: /,
    },
    {
      name: 'token and basic',
      options: { baseUrl: 'http://x', tokenFile: 'a', basicAuthFile: 'b' },
      message: /mutually exclusive/,
    },
    {
      name: 'in-cluster and kubeconfig',
      options: { baseUrl: 'http://x', inCluster: true, authConfig: 'k' },
      message: /^may not use both in-cluster auth and an explicit kubeconfig at the same time$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(
        () => createPrometheusClient(c.options),
        (err: unknown) => {
          assert.ok(err instanceof PrometheusConfigError);
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }
});
