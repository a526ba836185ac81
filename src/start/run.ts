/**
 * Runs the server command: checks the options, makes the logger, starts the adapter and exits
 * with its outcome. The first SIGTERM/SIGINT fails /readyz at once (the `shutdown` check), keeps
 * serving for --shutdown-delay-duration, then stops accepting, drains and exits 0; a second
 * signal exits at once (1). A config that cannot be loaded or bad options exit 1; any other
 * failure exits 255.
 */
import { ConfigError } from '../config/config-error.ts';
import { validateOptions, validateOptionsWithConfig, type Options } from '../cli/options.ts';
import { createLogger, type Logger } from '../log.ts';
import { startAdapter } from './adapter.ts';
import { createShutdownNotice, type ShutdownNotice } from './health.ts';

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

/** What the shutdown sequence acts on (the process and its notice; fakes in tests). */
export interface ShutdownDeps {
  readonly logger: Logger;
  /** Time between the first signal and the abort (serving goes on, /readyz fails). */
  readonly delayMs: number;
  readonly notice: ShutdownNotice;
  readonly on: (signal: 'SIGTERM' | 'SIGINT', listener: () => void) => void;
  readonly exit: (code: number) => void;
}

/**
 * The shutdown sequence, as the generic apiserver's --shutdown-delay-duration: the first
 * SIGTERM/SIGINT begins the notice (/readyz fails, so endpoints drop the pod) and aborts the
 * returned signal `delayMs` later (the server then stops accepting and drains); meanwhile every
 * request, new or in flight, is served. A second signal exits with 1 at once.
 */
export const shutdownSequence = (deps: ShutdownDeps): AbortSignal => {
  const controller = new AbortController();
  const onSignal = (signal: string) => {
    if (deps.notice.began()) {
      deps.exit(1);
      return;
    }
    deps.notice.begin();
    deps.logger.info('shutting down', { signal, delayMs: deps.delayMs });
    if (deps.delayMs <= 0) {
      controller.abort();
      return;
    }
    setTimeout(() => {
      deps.logger.info('shutdown delay over: draining', { signal });
      controller.abort();
    }, deps.delayMs);
  };
  deps.on('SIGTERM', () => {
    onSignal('SIGTERM');
  });
  deps.on('SIGINT', () => {
    onSignal('SIGINT');
  });
  return controller.signal;
};

const failed = (err: unknown, logger: Logger): never => {
  if (err instanceof ConfigError)
    fail(`unable to load metrics discovery config:\n${err.message}`, 1);
  logger.error('fatal', { err });
  return fail(`fatal: ${err instanceof Error ? err.message : String(err)}`, 255);
};

/** Serves until stopped, then exits the process (see the file comment for the exit codes). */
export const runServe = async (options: Options): Promise<void> => {
  const logger = createLogger({ verbosity: options.verbosity });
  const problems = validateOptions(options);
  if (problems.length > 0) fail(problems.join('\n'), 1);
  // From the first signal on, /readyz fails its `shutdown` check so endpoints drop the pod while
  // it still serves for --shutdown-delay-duration.
  const notice = createShutdownNotice();
  const signal = shutdownSequence({
    logger,
    delayMs: options.shutdownDelayDurationMs,
    notice,
    on: (name, listener) => process.on(name, listener),
    exit: (code) => process.exit(code),
  });
  try {
    const adapter = await startAdapter(options, {
      logger,
      signal,
      shuttingDown: notice.began,
      checkConfig: (config) => validateOptionsWithConfig(options, config),
      onReloadRequest: (listener) => process.on('SIGHUP', listener),
    });
    await adapter.done;
    process.exit(0);
  } catch (err) {
    failed(err, logger);
  }
};
