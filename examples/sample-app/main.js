#!/usr/bin/env node
// @ts-check
// The walkthrough's sample application (a stand-in for luxas/autoscale-demo): an HTTP server that
// counts every request it serves in the Prometheus counter `http_requests_total` and exposes it on
// /metrics. As in the original image, requests to /metrics count too: Prometheus's own scrapes (one
// per scrape interval, e.g. 1/15 req/s at 15s) make a small rate at rest, and the walkthrough's
// `curl http://<ClusterIP>/metrics` is load. A request is counted when it arrives, so the /metrics
// answer includes the request that asked for it. It also exposes a settable gauge `queue_depth`
// (PUT /queue?depth=N), used by the external-metrics scenario. Listens on $PORT (default 8080), on
// $HOST (default all addresses).
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';
const counts = { requests: 0, queueDepth: 0 };

const metricsText = () =>
  [
    '# HELP http_requests_total The number of HTTP requests served (every path, /metrics included).',
    '# TYPE http_requests_total counter',
    `http_requests_total ${counts.requests}`,
    '# HELP queue_depth Items waiting in the demo queue (set with PUT /queue?depth=N).',
    '# TYPE queue_depth gauge',
    `queue_depth ${counts.queueDepth}`,
    '',
  ].join('\n');

const server = createServer((req, res) => {
  counts.requests += 1;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(metricsText());
    return;
  }
  if (url.pathname === '/queue' && req.method === 'PUT') {
    const depth = Number(url.searchParams.get('depth'));
    if (!Number.isFinite(depth) || depth < 0) {
      res.writeHead(400).end('depth must be a non-negative number\n');
      return;
    }
    counts.queueDepth = depth;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(
    `Hello! My name is ${process.env.HOSTNAME ?? 'sample-app'}. I have served ${counts.requests} requests so far.\n`,
  );
});

server.keepAliveTimeout = 5_000;
server.listen(port, host, () => {
  process.stdout.write(`${JSON.stringify({ msg: 'sample-app listening', host, port })}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
