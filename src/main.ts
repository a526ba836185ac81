#!/usr/bin/env node
/**
 * The binary's entry: parses argv and dispatches to serve (`start/run.ts`, whose `start/` folder is
 * the composition root), `config-gen`, `lint`, `explain` or help. A bad command line prints the error and the
 * usage to stderr and exits 2.
 */
import { runConfigGen } from './cli/config-gen.ts';
import { runExplain } from './cli/explain.ts';
import { runLint } from './cli/lint.ts';
import { OptionsError } from './cli/options-error.ts';
import { parseArgs, usage, type ParsedArgs } from './cli/options.ts';
import { openExplainSession } from './start/explain-session.ts';
import { runServe } from './start/run.ts';

const parse = (argv: readonly string[]): ParsedArgs => {
  try {
    return parseArgs(argv);
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    process.stderr.write(
      `${err.message}\n${usage(argv[0] === 'config-gen' || argv[0] === 'explain' ? argv[0] : 'serve')}\n`,
    );
    return process.exit(err.exitCode);
  }
};

const main = async (argv: readonly string[]): Promise<void> => {
  const parsed = parse(argv);
  switch (parsed.command) {
    case 'help':
      process.stdout.write(parsed.usage);
      return;
    case 'config-gen':
      runConfigGen(parsed.options);
      return;
    case 'lint':
      await runLint(parsed.options);
      return;
    case 'explain':
      await runExplain(parsed.options, parsed.args, openExplainSession);
      return;
    case 'serve':
      await runServe(parsed.options);
  }
};

await main(process.argv.slice(2));
