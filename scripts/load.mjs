#!/usr/bin/env node
// @ts-check
// Fixed-rate load for the walkthrough: runs one command — the walkthrough's own
// `curl http://<ClusterIP>/metrics` — `--rate` times a second on a fixed schedule (run k starts at
// k/rate s, so slow answers neither lower the rate nor cause bursts), each run in its own process.
// Stops after --duration seconds or on SIGINT/SIGTERM and prints a JSON summary.
//   node scripts/load.mjs --rate 1.55 --duration 120 -- curl -s -o /dev/null http://10.244.1.7/metrics
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    rate: { type: 'string', default: '2' },
    duration: { type: 'string', default: '120' },
  },
  allowPositionals: true,
});
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const [command, ...args] = positionals;
if (!(rate > 0 && rate <= 1000) || !(durationMs > 0) || command === undefined)
  throw new Error('usage: load.mjs --rate R (0 < R <= 1000) --duration S -- COMMAND [ARGS…]');

const stats = { sent: 0, ok: 0, failed: 0 };
const fire = () => {
  stats.sent++;
  const child = spawn(command, args, { stdio: 'ignore' });
  child.on('error', () => stats.failed++);
  child.on('exit', (code) => (code === 0 ? stats.ok++ : stats.failed++));
};

const start = Date.now();
const reporter = setInterval(() => {
  const s = (Date.now() - start) / 1000;
  process.stderr.write(
    `[load] ${s.toFixed(0)}s: ${stats.sent} sent (${(stats.sent / s).toFixed(2)}/s), ${stats.ok} ok, ${stats.failed} failed\n`,
  );
}, 10_000);

let next = 0;
const finish = () => {
  clearInterval(reporter);
  const seconds = (Date.now() - start) / 1000;
  process.stdout.write(
    `${JSON.stringify({ ...stats, seconds, achievedRate: stats.sent / seconds })}\n`,
  );
  setTimeout(() => process.exit(0), 200);
};
process.on('SIGINT', finish);
process.on('SIGTERM', finish);
const tick = () => {
  const now = Date.now() - start;
  if (now >= durationMs) return finish();
  while (next <= now) {
    fire();
    next += 1000 / rate;
  }
  setTimeout(tick, Math.max(1, next - now));
};
tick();
