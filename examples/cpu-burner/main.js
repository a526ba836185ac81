#!/usr/bin/env node
// @ts-check
// A CPU burner for the metrics.k8s.io e2e (image `k8spa/cpu-burner`): burns a set share of one
// core, counted in the process's own CPU time (so a busy machine delays it rather than making it
// burn less), in slices of 100ms. The share starts at $BURN_MILLICORES (default 0) and is set with
// `PUT /burn?millicores=N` (0 stops); `GET /` reports it. Listens on $PORT (default 8080).
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';
const SLICE_MS = 100;
const state = { millicores: Number(process.env.BURN_MILLICORES ?? 0) };

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Spins until this slice's CPU budget is spent, never longer than 90% of the slice in wall time. */
const burnSlice = () => {
  const budget = (state.millicores / 1000) * SLICE_MS;
  if (budget <= 0) return;
  const wallStart = performance.now();
  const cpuStart = cpuMs();
  let x = 0;
  while (cpuMs() - cpuStart < budget && performance.now() - wallStart < SLICE_MS * 0.9) {
    for (let i = 0; i < 20_000; i++) x += Math.sqrt(i);
  }
  return x;
};
const timer = setInterval(burnSlice, SLICE_MS);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/burn' && req.method === 'PUT') {
    const m = Number(url.searchParams.get('millicores'));
    if (!Number.isFinite(m) || m < 0 || m > 1000) {
      res.writeHead(400).end('millicores must be in [0, 1000]\n');
      return;
    }
    state.millicores = m;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify({ pod: process.env.HOSTNAME ?? 'cpu-burner', ...state })}\n`);
});

server.keepAliveTimeout = 5_000;
server.listen(port, host, () => {
  process.stdout.write(
    `${JSON.stringify({ msg: 'cpu-burner listening', host, port, ...state })}\n`,
  );
});
const stop = () => {
  clearInterval(timer);
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
