/**
 * Test support: the cached Thanos binary (scripts/backends/build-thanos.sh builds it; npm test
 * never does) and Thanos components as real processes on free loopback HTTP and gRPC ports.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { polled, pollUntil } from './poll.ts';
import { freePort, startProcess, type Running } from './processes.ts';

export const THANOS_VERSION = process.env['THANOS_VERSION'] ?? 'v0.42.5';
const CACHE = process.env['K8S_PA_CACHE'] ?? join(homedir(), '.cache/k8s-prometheus-adapter');
export const THANOS_BINARY = join(CACHE, `thanos-${THANOS_VERSION}`, 'bin/thanos');

/** Why a suite needing Thanos cannot run (for `{ skip }`), or false. */
export const thanosSkip = (): string | false =>
  existsSync(THANOS_BINARY)
    ? false
    : `Thanos not built (${THANOS_BINARY}); run npm run test:backends`;

/** A Thanos component (`sidecar`, `query`, …) running on loopback. */
export interface TestThanos {
  /** `http://127.0.0.1:<http port>` */
  readonly url: string;
  /** `127.0.0.1:<grpc port>`, what Query's `--endpoint` takes. */
  readonly grpc: string;
  readonly process: Running;
  /** SIGKILLs the process and waits for it to exit (a crash, not a shutdown). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `thanos <component> …args` and waits until its /-/ready answers 200; `$DIR` in an argument
 * is the component's own temporary directory (removed by `stop`).
 */
export const startThanos = async (
  component: string,
  args: readonly string[],
): Promise<TestThanos> => {
  const dir = await mkdtemp(join(tmpdir(), `k8spa-thanos-${component}-`));
  const [http, grpc] = [await freePort(), await freePort()];
  const proc = startProcess(THANOS_BINARY, [
    component,
    `--http-address=127.0.0.1:${http}`,
    `--grpc-address=127.0.0.1:${grpc}`,
    '--log.level=warn',
    ...args.map((a) => a.replaceAll('$DIR', dir)),
  ]);
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    polled(
      await pollUntil(
        async () => (await fetch(`${url}/-/ready`)).ok,
        (ok) => ok,
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
      `thanos ${component} ready`,
    );
  } catch (err) {
    await stop();
    throw new Error(`thanos ${component} did not start:\n${proc.output()}`, { cause: err });
  }
  return { url, grpc: `127.0.0.1:${grpc}`, process: proc, kill: () => proc.kill(), stop };
};
