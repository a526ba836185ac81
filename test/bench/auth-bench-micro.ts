/**
 * The in-process half of the auth benchmark: microseconds per warm authenticate + authorize of
 * one mode, without sockets, so the auth layer's own cost can be read apart from the serving
 * path's noise.
 */
import { X509Certificate } from 'node:crypto';
import { parseRequestInfo, toAttributes } from '../../src/api/request-info.ts';
import { authorizeWith } from '../../src/auth/serving-hooks.ts';
import type { Mode } from './auth-bench-modes.ts';

/** Microseconds per warm `identify` + `authorize` of `mode` for a GET of `path`. */
export const authMicroseconds = async (
  mode: Mode,
  path: string,
  iterations: number,
): Promise<number> => {
  const connection = {};
  const headers = mode.client.headers;
  const chain = mode.client.cert === undefined ? [] : [new X509Certificate(mode.client.cert)];
  const peer = { headers, peerChain: () => chain, connection };
  const authorize = mode.authorize === undefined ? undefined : authorizeWith(mode.authorize);
  const attrs = toAttributes(parseRequestInfo('GET', path, new URLSearchParams()));
  const once = async (): Promise<void> => {
    const { identity } = await mode.identify(peer);
    await authorize?.(attrs, identity);
  };
  for (let i = 0; i < 1000; i += 1) await once();
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) await once();
  return ((performance.now() - started) * 1000) / iterations;
};
