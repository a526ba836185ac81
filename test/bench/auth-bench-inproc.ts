/**
 * The socket-free half of the auth benchmark: the serving path's request handler
 * (api/serve-handler.ts: headers, identify, limits, deadline, app, authorize, render) driven with
 * stand-ins for Node's request, response and TLS socket, so that no TLS, kernel or load
 * generator time dilutes the difference between modes or adds noise to it. Whatever the wire
 * adds costs every mode the same, so the throughput ratio measured here is a lower bound of the
 * ratio over the wire.
 */
import { X509Certificate } from 'node:crypto';
import type { NodeRequest, NodeResponse } from '../../src/serve/node-bridge.ts';
import { createInFlightLimiter } from '../../src/serve/request-guards.ts';
import { createRequestHandler } from '../../src/serve/serve-handler.ts';
import { silentLogger } from '../../src/log.ts';
import { appFor, type Mode } from './auth-bench-modes.ts';
import { rotation, type Sample } from './bench-stats.ts';

/**
 * Runs `count` requests one after the other; resolves with the CPU microseconds (user + system)
 * they took: unlike wall time, not inflated when other processes take the CPU meanwhile.
 */
export type InProcessRun = (count: number) => Promise<number>;

/** What `getPeerCertificate(true)` returns for a one-certificate chain. */
const peerCertificateOf = (pem: string | undefined) => {
  if (pem === undefined) return {};
  const cert = new X509Certificate(pem);
  return { raw: cert.raw, fingerprint256: cert.fingerprint256 };
};

/** The header lines the load generator sends for `mode`, as Node's `rawHeaders`. */
const rawHeadersOf = (mode: Mode): string[] => {
  const raw = ['host', '127.0.0.1:443', 'connection', 'keep-alive'];
  for (const [name, value] of Object.entries(mode.client.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) raw.push(name, v);
  }
  return raw;
};

const fakeResponse = (done: () => void): NodeResponse =>
  ({
    headersSent: false,
    writableEnded: false,
    destroyed: false,
    once: () => undefined,
    off: () => undefined,
    writeHead: (status: number) => {
      if (status !== 200) throw new Error(`status ${status}`);
    },
    end: done,
  }) as unknown as NodeResponse;

/**
 * The request handler of the mode's app under `mode`, fed GETs of `path` over `connections` stand-in
 * TLS connections in turn (each verifies its client certificate once, as a real one would).
 */
export const inProcessRequests = (mode: Mode, path: string, connections: number): InProcessRun => {
  const handle = createRequestHandler({
    app: appFor(mode),
    identify: mode.identify,
    limiter: createInFlightLimiter(400, 200),
    requestTimeoutMs: 60_000,
    maxBodyBytes: 1 << 20,
    logger: silentLogger(),
    draining: () => false,
  });
  const peer = peerCertificateOf(mode.client.cert);
  const sockets = Array.from({ length: connections }, () => ({ getPeerCertificate: () => peer }));
  const rawHeaders = rawHeadersOf(mode);
  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const req = { method: 'GET', url: path, rawHeaders, headers: {} };
      const request = { ...req, socket: sockets[i % connections], on: () => request };
      handle(request as unknown as NodeRequest, fakeResponse(resolve));
    });
  return async (count) => {
    const started = process.cpuUsage();
    for (let i = 0; i < count; i += 1) await one(i);
    const used = process.cpuUsage(started);
    return used.user + used.system;
  };
};

/** How the socket-free path is measured. */
export interface InProcessSettings {
  readonly path: string;
  readonly connections: number;
  /** Requests per sample. */
  readonly batch: number;
  readonly rounds: number;
}

/**
 * Measures every mode in process: after a warm-up batch each, `rounds` rounds of one batch per
 * mode in a rotating order. A sample's `serverCpuUs` is the CPU time per request and `reqPerSec`
 * the rate one core would reach at that cost; `clientCpuUs` is 0.
 */
export const measureInProcess = async (
  all: readonly Mode[],
  s: InProcessSettings,
): Promise<Sample[]> => {
  const runs = all.map((mode) => ({ mode, run: inProcessRequests(mode, s.path, s.connections) }));
  for (const { run } of runs) await run(s.batch);
  const samples: Sample[] = [];
  for (let round = 0; round < s.rounds; round += 1) {
    for (const { mode, run } of rotation(runs, round)) {
      const us = (await run(s.batch)) / s.batch;
      samples.push({
        mode: mode.name,
        round,
        reqPerSec: 1e6 / us,
        serverCpuUs: us,
        clientCpuUs: 0,
      });
    }
  }
  return samples;
};
