/**
 * `prometheus-adapter explain [flags] PATH`: one request explained (see src/explain/). The
 * session — clients, one relist, the explain engine — is built by the composition root and
 * passed in; this module checks the command line, prints text or JSON and sets the exit code:
 * 0 when the HPA would get a 200, 1 otherwise, 2 for a bad command line.
 */
import type { Explanation } from '../explain/types.ts';
import { renderText } from '../explain/render-text.ts';
import { validateOptions, type ExplainOptions } from './options.ts';

export interface ExplainSession {
  explain(path: string): Promise<Explanation>;
  close(): Promise<void>;
}

export interface ExplainIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly setExitCode: (code: number) => void;
}

const PROCESS_IO: ExplainIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  setExitCode: (c) => {
    process.exitCode = c;
  },
};

/** Problems with the command line, before anything is contacted. */
export const explainArgProblems = (options: ExplainOptions, args: readonly string[]): string[] => [
  ...validateOptions(options),
  ...(args.length === 1 ? [] : [`explain takes exactly one request path, got ${args.length}`]),
  ...(['text', 'json'].includes(options.output)
    ? []
    : [`--output must be text or json, not ${JSON.stringify(options.output)}`]),
];

export const runExplain = async (
  options: ExplainOptions,
  args: readonly string[],
  open: (options: ExplainOptions) => Promise<ExplainSession>,
  io: ExplainIo = PROCESS_IO,
): Promise<void> => {
  const problems = explainArgProblems(options, args);
  if (problems.length > 0) {
    io.err(`${problems.join('\n')}\n`);
    io.setExitCode(2);
    return;
  }
  let session: ExplainSession | undefined;
  try {
    session = await open(options);
    const e = await session.explain(args[0] ?? '');
    io.out(options.output === 'json' ? `${JSON.stringify(e, null, 2)}\n` : renderText(e));
    io.setExitCode(e.answer.status === 200 ? 0 : 1);
  } catch (err) {
    io.err(`explain: ${err instanceof Error ? err.message : String(err)}\n`);
    io.setExitCode(1);
  } finally {
    await session?.close();
  }
};
