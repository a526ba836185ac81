/**
 * What node:http does not hand to the request listener, answered as Go's net/http does for
 * upstream.
 *
 * Requests Node's HTTP/1.1 parser refuses (a malformed request line or header, a header
 * block over the limit) the way Go's net/http does for upstream: `400 Bad Request` (`431 Request
 * Header Fields Too Large` for oversized headers) as text/plain, then close. Node's default
 * answer has no body and no content type. Request timeouts keep Node's 408; reset or unwritable
 * sockets are just destroyed.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const errorHeaders = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';

const goStyle = (status: string): string => `HTTP/1.1 ${status}${errorHeaders}${status}`;

const answerFor = (code: string | undefined): string => {
  if (code === 'HPE_HEADER_OVERFLOW') return goStyle('431 Request Header Fields Too Large');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
  }
  return goStyle('400 Bad Request');
};

/** The `clientError` listener of the HTTP/1.1 server. */
export const answerClientError = (err: Error & { code?: string }, socket: Duplex): void => {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(answerFor(err.code));
};

/**
 * `CONNECT` requests: node:http emits them as `connect` and, with no listener, drops the
 * connection without an answer; Go serves them like any other method. Here they go to the
 * request listener with a response written on the socket, which is closed afterwards.
 */
export const serveConnect =
  (listener: (req: IncomingMessage, res: ServerResponse) => void) =>
  (req: IncomingMessage, socket: Duplex): void => {
    if (!(socket instanceof Socket)) {
      socket.destroy();
      return;
    }
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => {
      res.detachSocket(socket);
      socket.end();
    });
    listener(req, res);
  };
