/**
 * Runs the server command: checks the options, makes the logger, starts the adapter and exits
 * with its outcome. SIGTERM/SIGINT drain and exit 0; a second signal exits at once (1). A config
 * that cannot be loaded or bad options exit 1; any other failure exits 255.
 */
import { ConfigError } from '../config/config-error.ts';
import { validateOptions, validateOptionsWithConfig, type Options } from '../cli/options.ts';
import { createLogger, type Logger } from '../log.ts';
import { startAdapter } from './adapter.ts';

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

/** An abort signal for the first SIGTERM/SIGINT; the second exits the process with 1. */
const shutdownSignal = (logger: Logger): AbortSignal => {
  const controller = new AbortController();
  const onSignal = (signal: string) => {
    if (controller.signal.aborted) process.exit(1);
    logger.info('shutting down', { signal });
    controller.abort();
  };
  process.on('SIGTERM', () => {
    onSignal('SIGTERM');
  });
  process.on('SIGINT', () => {
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
  const signal = shutdownSignal(logger);
  try {
    const adapter = await startAdapter(options, {
      logger,
      signal,
      checkConfig: (config) => validateOptionsWithConfig(options, config),
    });
    await adapter.done;
    process.exit(0);
  } catch (err) {
    failed(err, logger);
  }
};
