/**
 * The HPA request against the same PromQL sent straight to Prometheus, measured so that the
 * machine's background load cancels out: short slices of the two alternate (direct, adapter,
 * direct, …) and the ratio is taken per round, then its median reported (bench-stats.ts). Also the
 * latency of one request at a time over a warm keep-alive connection, with sub-millisecond
 * resolution (autocannon's histogram is in whole milliseconds).
 */
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { spreadOf, type Spread } from './bench-stats.ts';
import { load } from './hpa-load.ts';

export interface Target {
  readonly url: string;
  readonly tls: boolean;
}

/** Median over rounds of (adapter req/s ÷ direct req/s in the same round), and the raw rates. */
export const interleavedRatio = async (
  direct: Target,
  adapter: Target,
  rounds: number,
  sliceSeconds: number,
  connections: number,
): Promise<{ readonly ratio: Spread; readonly direct: Spread; readonly adapter: Spread }> => {
  const rates: { direct: number; adapter: number }[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first, so neither always follows the other's warm-up.
    const order = round % 2 === 0 ? [direct, adapter] : [adapter, direct];
    const got = new Map<Target, number>();
    for (const t of order) got.set(t, (await load(t.url, t.tls, connections, sliceSeconds)).rps);
    rates.push({ direct: got.get(direct) ?? NaN, adapter: got.get(adapter) ?? NaN });
  }
  return {
    ratio: spreadOf(rates.map((r) => r.adapter / r.direct)),
    direct: spreadOf(rates.map((r) => r.direct)),
    adapter: spreadOf(rates.map((r) => r.adapter)),
  };
};

/** One GET, resolving with the status once the whole body has been read. */
const getOnce = (t: Target, agent: HttpAgent): Promise<number> =>
  new Promise((resolve, reject) => {
    const send = t.tls ? httpsRequest : httpRequest;
    const req = send(t.url, { agent, rejectUnauthorized: false }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

/**
 * Milliseconds per request, one at a time over one keep-alive connection, after `warmup`
 * requests: the median and the 99th percentile of `requests` or of those sent in `maxSeconds`
 * (a client-rate-limited adapter answers a few per second). Non-200 answers throw.
 */
export const sequentialLatency = async (
  t: Target,
  requests: number,
  { warmup = 50, maxSeconds = 15 } = {},
): Promise<{ readonly p50: number; readonly p99: number; readonly count: number }> => {
  const agent = t.tls
    ? new HttpsAgent({ keepAlive: true, maxSockets: 1 })
    : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  try {
    for (let i = 0; i < warmup + requests && performance.now() < deadline; i += 1) {
      const began = performance.now();
      const status = await getOnce(t, agent);
      if (status !== 200) throw new Error(`${t.url}: HTTP ${String(status)}`);
      if (i >= warmup) ms.push(performance.now() - began);
    }
  } finally {
    agent.destroy();
  }
  ms.sort((a, b) => a - b);
  const at = (q: number): number => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), count: ms.length };
};
