#!/usr/bin/env node
/**
 * The composition root: flags → config → clients → discovery/relist → providers → app → serve.
 * Nothing else constructs concrete clients. SIGTERM/SIGINT drain and exit 0; a second signal
 * exits at once.
 */
import 'reflect-metadata';
import { ConfigError } from './config/config-error.ts';
import { defaultConfig } from './config/default-config.ts';
import { renderConfigYaml } from './config/render-config.ts';
import { createLogger } from './log.ts';
import { OptionsError } from './cli/options-error.ts';
import {
  parseArgs,
  usage,
  validateOptions,
  validateOptionsWithConfig,
  type LintOptions,
  type Options,
} from './cli/options.ts';
import { formatLintReport, lintLoaded } from './cli/lint.ts';
import { readConfig } from './rules/rules-state.ts';
import { startAdapter } from './start/adapter.ts';

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const serve = async (options: Options): Promise<void> => {
  const logger = createLogger({ verbosity: options.verbosity });
  const problems = validateOptions(options);
  if (problems.length > 0) fail(problems.join('\n'), 1);
  const controller = new AbortController();
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down', { signal });
    controller.abort();
  };
  process.on('SIGTERM', () => {
    onSignal('SIGTERM');
  });
  process.on('SIGINT', () => {
    onSignal('SIGINT');
  });
  try {
    const adapter = await startAdapter(options, {
      logger,
      signal: controller.signal,
      checkConfig: (config) => validateOptionsWithConfig(options, config),
    });
    await adapter.done;
    process.exit(0);
  } catch (err) {
    if (err instanceof ConfigError)
      fail(`unable to load metrics discovery config:\n${err.message}`, 1);
    logger.error('fatal', { err });
    fail(`fatal: ${err instanceof Error ? err.message : String(err)}`, 255);
  }
};

/** Exit 0 when the config has no errors (warnings allowed), 1 otherwise. */
const lint = async (options: LintOptions): Promise<void> => {
  try {
    const report = lintLoaded(await readConfig(options.configFile, options.rateIntervalMs));
    process.stdout.write(`${formatLintReport(report)}\n`);
    process.exitCode = report.errors.length > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stdout.write(`${formatLintReport({ errors: err.problems, warnings: [] })}\n`);
    process.exitCode = 1;
  }
};

const main = async (argv: readonly string[]): Promise<void> => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (err instanceof OptionsError) {
      fail(
        `${err.message}\n${usage(argv[0] === 'config-gen' ? 'config-gen' : 'serve')}`,
        err.exitCode,
      );
    }
    throw err;
  }
  switch (parsed.command) {
    case 'help':
      process.stdout.write(parsed.usage);
      return;
    case 'config-gen':
      process.stdout.write(
        renderConfigYaml(defaultConfig(parsed.options.rateIntervalMs, parsed.options.labelPrefix)),
      );
      return;
    case 'lint':
      await lint(parsed.options);
      return;
    case 'serve':
      await serve(parsed.options);
  }
};

await main(process.argv.slice(2));
