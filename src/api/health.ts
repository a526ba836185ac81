/**
 * `/healthz`, `/livez`, `/readyz` and their per-check sub-paths, in the generic apiserver's
 * plain-text format (k8s.io/apiserver pkg/server/healthz): `ok`, or with `?verbose` one
 * `[+]<check> ok` line per check and `<endpoint> check passed`; failures are 500 with
 * `[-]<check> failed: reason withheld`, or with `?verbose` the reason itself (the generic apiserver
 * always withholds it; ours are our own words, never a secret). `?exclude=<check>` skips a check.
 */
import type { Logger } from '../log.ts';
import { plainError, type Reply } from './negotiate.ts';
import type { HealthSource } from './provider.ts';

export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

type Check = readonly [name: string, error: string | undefined];

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };

/** The checks of an endpoint: ping and log, the live checks, and for readyz the ready checks. */
export const healthChecks = (source: HealthSource, endpoint: HealthEndpoint): readonly Check[] => {
  const checks = new Map<string, string | undefined>([
    ['ping', undefined],
    ['log', undefined],
  ]);
  for (const [n, e] of Object.entries(source.liveChecks())) checks.set(n, e);
  if (endpoint === 'readyz')
    for (const [n, e] of Object.entries(source.readyChecks())) checks.set(n, e);
  return [...checks];
};

const quoteList = (names: readonly string[]): string =>
  names.map((n) => JSON.stringify(n)).join(', ');

/** The aggregate endpoint (`/healthz` …). */
export const healthReport = (
  endpoint: HealthEndpoint,
  checks: readonly Check[],
  query: URLSearchParams,
  logger: Logger,
): Reply => {
  const excluded = new Set(query.getAll('exclude'));
  const failed: string[] = [];
  const verbose = query.has('verbose');
  let out = '';
  for (const [name, error] of checks) {
    if (excluded.delete(name)) out += `[+]${name} excluded: ok\n`;
    else if (error === undefined) out += `[+]${name} ok\n`;
    else {
      out += `[-]${name} failed: ${verbose ? error : 'reason withheld'}\n`;
      failed.push(`[-]${name} failed: ${error}`);
    }
  }
  if (excluded.size > 0) {
    out += `warn: some health checks cannot be excluded: no matches for ${quoteList([...excluded].sort())}\n`;
  }
  if (failed.length > 0) {
    logger.info(`${endpoint} check failed`, { failed }, 2);
    return plainError(500, `${out}${endpoint} check failed`);
  }
  const body = verbose ? `${out}${endpoint} check passed\n` : 'ok';
  return { kind: 'raw', status: 200, headers: TEXT, body };
};

/** One check (`/healthz/<check>`); undefined for an unknown check (plain 404). */
export const singleCheck = (checks: readonly Check[], name: string): Reply | undefined => {
  const check = checks.find(([n]) => n === name);
  if (check === undefined) return undefined;
  const [, error] = check;
  if (error !== undefined) return plainError(500, `internal server error: ${error}`);
  return {
    kind: 'raw',
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'ok',
  };
};
