import {
  createReadStream,
  existsSync,
  readFileSync,
  statSync,
  watchFile,
  unwatchFile,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';

/** What the kubelet-like endpoints read from the agent. */
export interface KubeletSource {
  /** /metrics/resource text. */
  resourceMetrics(): Promise<string>;
  /** Log directory of a pod on this node, or undefined. */
  logDir(namespace: string, pod: string): string | undefined;
}

/** Where and with which certificates to listen. */
export interface KubeletServerOptions {
  readonly address: string;
  readonly httpsPort: number;
  readonly readOnlyPort: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string;
}

const send = (
  res: ServerResponse,
  code: number,
  body: string,
  type = 'text/plain; charset=utf-8',
) => {
  res.writeHead(code, { 'content-type': type });
  res.end(body);
};

const tail = (text: string, lines: number): string => {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all
    .slice(-lines)
    .map((l) => `${l}\n`)
    .join('');
};

/** GET /containerLogs/{ns}/{pod}/{container}?follow=&tailLines=: the file, optionally followed. */
const serveLogs = async (src: KubeletSource, url: URL, res: ServerResponse): Promise<void> => {
  const [, , ns = '', pod = '', container = ''] = url.pathname.split('/').map(decodeURIComponent);
  const dir = src.logDir(ns, pod);
  const file = dir === undefined ? undefined : join(dir, `${container}.log`);
  if (file === undefined || !existsSync(file)) {
    send(res, 404, `container "${container}" in pod "${pod}" has no logs on this node`);
    return;
  }
  const tailLines = url.searchParams.get('tailLines');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  let offset = statSync(file).size;
  res.write(
    tailLines === null
      ? await readFile(file, 'utf8')
      : tail(await readFile(file, 'utf8'), Number(tailLines)),
  );
  if (url.searchParams.get('follow') !== 'true') {
    res.end();
    return;
  }
  const onChange = () => {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size > offset)
      createReadStream(file, { start: offset, end: size - 1 }).pipe(res, { end: false });
    offset = size;
  };
  watchFile(file, { interval: 500 }, onChange);
  res.on('close', () => {
    unwatchFile(file, onChange);
  });
};

const handler =
  (src: KubeletSource, withLogs: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://node');
    const route = async () => {
      if (url.pathname === '/healthz') send(res, 200, 'ok');
      else if (url.pathname === '/metrics/resource')
        send(res, 200, await src.resourceMetrics(), 'text/plain; version=0.0.4; charset=utf-8');
      else if (withLogs && url.pathname.startsWith('/containerLogs/'))
        await serveLogs(src, url, res);
      else send(res, 404, 'not found');
    };
    route().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, String(err));
      else res.end();
    });
  };

/**
 * Starts the kubelet-like servers on the node address: HTTPS (client certificates of the cluster CA
 * only) with /containerLogs for `kubectl logs`, and the read-only HTTP port with /metrics/resource.
 */
export const startKubeletServers = async (
  src: KubeletSource,
  o: KubeletServerOptions,
): Promise<Server[]> => {
  const https = createHttpsServer(
    {
      cert: readFileSync(o.certFile),
      key: readFileSync(o.keyFile),
      ca: readFileSync(o.clientCaFile),
      requestCert: true,
      rejectUnauthorized: true,
    },
    handler(src, true),
  );
  const http = createHttpServer(handler(src, false));
  const listen = (s: Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, o.address, resolve);
    });
  await listen(https, o.httpsPort);
  await listen(http, o.readOnlyPort);
  return [https, http];
};
