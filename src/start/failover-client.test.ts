import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../log.ts';
import { createPrometheusClient } from '../prometheus/client.ts';
import { createFailoverClient, isFailoverError } from './failover-client.ts';
import { PrometheusError } from '../prometheus/errors.ts';

const VECTOR = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1, '7'] }] },
});
const BAD_DATA = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' });

/** A real HTTP server answering every request with the current `status`/`body`; counts hits. */
const stubPrometheus = () => {
  const state = { status: 200, body: VECTOR, hits: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits++;
    res.writeHead(state.status, { 'content-type': 'application/json' }).end(state.body);
  });
  return { state, server, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('createFailoverClient', () => {
  const a = stubPrometheus();
  const b = stubPrometheus();
  before(async () => {
    await Promise.all(
      [a, b].map((s) => new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r))),
    );
  });
  after(() => {
    a.server.close();
    b.server.close();
  });

  const setup = () => {
    a.state.hits = b.state.hits = 0;
    a.state.status = b.state.status = 200;
    a.state.body = b.state.body = VECTOR;
    const clock = { t: 1_000_000 };
    const lines: string[] = [];
    const health: string[] = [];
    const client = createFailoverClient({
      backend: 'main',
      urls: [a.url(), b.url()],
      clientFor: (baseUrl) => createPrometheusClient({ baseUrl }),
      now: () => clock.t,
      logger: createLogger({ verbosity: 0, write: (l) => lines.push(l) }),
      onHealth: (backend, url, up) =>
        health.push(`${backend} ${url === a.url() ? 'a' : 'b'} ${up}`),
    });
    return { client, clock, lines, health };
  };

  it('fails over on 5xx, skips the down URL for a while, logs the switch once', async () => {
    const { client, clock, lines, health } = setup();
    await client.query('x', 0);
    a.state.status = 502;
    for (let i = 0; i < 5; i++) {
      const r = await client.query('x', 0);
      assert.equal(r.type, 'vector');
    }
    assert.equal(a.state.hits, 2, 'the down URL is skipped after its first failure');
    assert.equal(lines.filter((l) => l.includes('backend switched URL')).length, 1);
    assert.deepEqual(health, ['main a true', 'main a false', 'main b true']);
    a.state.status = 200;
    clock.t += 30_001;
    await client.query('x', 0);
    assert.equal(a.state.hits, 3, 'retried after the health memory expires');
    assert.deepEqual(health.at(-1), 'main a true');
    assert.equal(lines.filter((l) => l.includes('backend switched URL')).length, 2);
    await client.close();
  });

  it('fails over on connection errors', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) =>
      dead.close(() => {
        r();
      }),
    );
    const client = createFailoverClient({
      backend: 'main',
      urls: [deadUrl, b.url()],
      clientFor: (baseUrl) => createPrometheusClient({ baseUrl }),
      now: Date.now,
      logger: createLogger({ verbosity: -1 }),
    });
    b.state.hits = 0;
    assert.equal((await client.query('x', 0)).type, 'vector');
    assert.equal(b.state.hits, 1);
    await client.close();
  });

  it('does not fail over on a Prometheus error (bad query), and throws the last error', async () => {
    const { client } = setup();
    a.state.status = 400;
    a.state.body = BAD_DATA;
    await assert.rejects(client.query('x(', 0), /bad_data: parse error/);
    assert.equal(b.state.hits, 0);
    a.state.status = b.state.status = 500;
    await assert.rejects(client.query('x', 0), /unknown response code 500/);
    assert.equal(b.state.hits, 1);
    await client.close();
  });

  it('tells the route which URL answered: after failover, an error answer, or none', async () => {
    const table: readonly {
      readonly name: string;
      readonly a: number;
      readonly b: number;
      readonly url: 'a' | 'b' | undefined;
      readonly ok: boolean;
    }[] = [
      { name: 'the first URL answers', a: 200, b: 200, url: 'a', ok: true },
      { name: 'the first fails over (502)', a: 502, b: 200, url: 'b', ok: true },
      { name: 'a query error is an answer', a: 400, b: 200, url: 'a', ok: false },
      { name: 'every URL fails', a: 500, b: 502, url: undefined, ok: false },
    ];
    for (const row of table) {
      const { client } = setup();
      a.state.status = row.a;
      b.state.status = row.b;
      a.state.body = row.a === 400 ? BAD_DATA : VECTOR;
      const told: unknown[] = [];
      const asked = client.query('x', 0, undefined, { onTarget: (t) => told.push(t) });
      await (row.ok ? asked : assert.rejects(asked));
      const url = row.url === undefined ? {} : { url: row.url === 'a' ? a.url() : b.url() };
      assert.deepEqual(told, [{ name: 'main', ...url }], row.name);
      await client.close();
    }
  });

  it('classifies errors', () => {
    const table: readonly (readonly [Error, boolean])[] = [
      [new PrometheusError('transport', 'ECONNREFUSED'), true],
      [new PrometheusError('bad_response', 'unknown response code 502'), true],
      [new PrometheusError('bad_response', 'unknown response code 404'), false],
      [new PrometheusError('unavailable', 'x'), true],
      [new PrometheusError('bad_data', 'x'), false],
      [new Error('transport'), false],
    ];
    for (const [err, want] of table) assert.equal(isFailoverError(err), want, err.message);
  });
});
