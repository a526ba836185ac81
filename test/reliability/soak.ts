/**
 * `npm run soak`: the saturation run of saturation.test.ts for 10 minutes (SOAK_SECONDS to
 * change it), printing the figures per 10 s window and a summary line; exits 1 when any outcome
 * other than 200 or 429 occurred.
 */
import { startAdapter, startHarness, waitListed } from '../integration/harness.ts';
import { recovery } from './fault-support.ts';
import { saturate, summary } from './saturation.ts';

const seconds = Number(process.env['SOAK_SECONDS'] ?? 600);
const h = await startHarness(3);
const adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.prometheus.url }, [
  '--rate-interval=30s',
]);
try {
  await waitListed(adapter, 'pods/http_requests');
  await recovery(adapter);
  const r = await saturate({
    port: adapter.port,
    pid: adapter.process.child.pid ?? 0,
    durationMs: seconds * 1000,
    concurrency: 64,
  });
  for (const w of r.windows) {
    console.log(
      `t=${w.startS}s n=${w.requests} p50=${w.p50Ms.toFixed(1)}ms p99=${w.p99Ms.toFixed(1)}ms max=${w.maxMs.toFixed(0)}ms`,
    );
  }
  console.log(`RSS MiB every 5 s: ${r.rssMiB.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`soak ${seconds} s: ${summary(r)}`);
  process.exitCode = Object.keys(r.outcomes).every((k) => k === '200' || k === '429') ? 0 : 1;
} finally {
  await adapter.stop();
  await h.stop();
}
