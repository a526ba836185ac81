/**
 * Test support: one HTTP/1.1 request written as raw bytes on a TLS socket (so malformed request
 * lines and targets reach the server exactly as sent), `Connection: close`, and the response
 * parsed by hand (status, lowercase headers, body, chunked or not).
 */
import { connect } from 'node:tls';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One HTTP/1.1 request over TLS, bytes as given; resolves with the parsed response. */
export const rawRequest = (port: number, head: Buffer): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const chunks: Buffer[] = [];
    socket.on('secureConnect', () => socket.end(head));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(parseResponse(Buffer.concat(chunks)));
    });
  });

const parseResponse = (raw: Buffer): RawAnswer => {
  const split = raw.indexOf('\r\n\r\n');
  const top = raw.subarray(0, split < 0 ? raw.length : split).toString('latin1');
  const [statusLine = '', ...lines] = top.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 'NaN');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status, headers, body: body.toString('utf8') };
};

const unchunk = (body: Buffer): Buffer => {
  const parts: Buffer[] = [];
  for (let at = 0; ;) {
    const eol = body.indexOf('\r\n', at);
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (eol < 0 || !(size > 0)) return Buffer.concat(parts);
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
};
