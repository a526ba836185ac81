#!/usr/bin/env node
// @ts-check
// Bounded load generator for the walkthrough: sends GET / to the ready endpoints of a Service at a fixed
// total rate, spread round-robin, re-reading the Service's EndpointSlices with kubectl every 2s (new
// replicas get their share as soon as they are ready). ClusterIPs are virtual on the local cluster, so
// it dials pod IPs. Stops after --duration seconds or on SIGINT/SIGTERM and prints a JSON summary.
//   node scripts/load.mjs --rate 1.75 --duration 120 [--service sample-app] [--namespace default]
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2' },
    duration: { type: 'string', default: '120' },
    service: { type: 'string', default: 'sample-app' },
    namespace: { type: 'string', default: 'default' },
    kubectl: { type: 'string', default: process.env.KUBECTL ?? 'kubectl' },
  },
});
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
if (!(rate > 0 && rate <= 1000) || !(durationMs > 0))
  throw new Error('--rate must be in (0, 1000] and --duration > 0');

/** @type {string[]} */
let endpoints = [];
const stats = { sent: 0, ok: 0, failed: 0, noEndpoint: 0 };

const refresh = () =>
  new Promise((resolve) => {
    const args = [
      'get',
      'endpointslices',
      '-n',
      values.namespace,
      '-l',
      `kubernetes.io/service-name=${values.service}`,
      '-o',
      'json',
    ];
    execFile(values.kubectl, args, { timeout: 10_000 }, (err, stdout) => {
      if (!err) {
        /** @type {{items: {ports?: {port?: number}[], endpoints?: {addresses: string[], conditions?: {ready?: boolean}}[]}[]}} */
        const list = JSON.parse(stdout);
        endpoints = list.items.flatMap((s) =>
          (s.endpoints ?? [])
            .filter((e) => e.conditions?.ready !== false)
            .flatMap((e) => e.addresses.map((a) => `${a}:${s.ports?.[0]?.port ?? 8080}`)),
        );
      }
      resolve(undefined);
    });
  });

const fire = (target) => {
  stats.sent++;
  const [host, port] = target.split(':');
  const req = request(
    { host, port: Number(port), path: '/', timeout: 5000, agent: false },
    (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? stats.ok++ : stats.failed++));
    },
  );
  req.on('timeout', () => req.destroy());
  req.on('error', () => stats.failed++);
  req.end();
};

const start = Date.now();
await refresh();
const refresher = setInterval(() => void refresh(), 2000);
const reporter = setInterval(() => {
  const s = (Date.now() - start) / 1000;
  process.stderr.write(
    `[load] ${s.toFixed(0)}s: ${stats.sent} sent (${(stats.sent / s).toFixed(2)}/s), ${stats.ok} ok, ${stats.failed} failed, ${endpoints.length} endpoints\n`,
  );
}, 10_000);

let i = 0;
let next = 0;
const finish = () => {
  clearInterval(refresher);
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
  // Fixed schedule (request k at k/rate seconds): no drift, no bursts after a slow tick beyond catch-up.
  while (next <= now) {
    if (endpoints.length === 0) stats.noEndpoint++;
    else fire(endpoints[i++ % endpoints.length]);
    next += 1000 / rate;
  }
  setTimeout(tick, Math.max(1, next - now));
};
tick();
