/** One problem found in the config file, pinned to a 1-based line and column. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Config path such as `rules[3].name.as`; "" for problems of the document as a whole. */
  readonly path: string;
  readonly message: string;
}

/** 1-based position in the config text. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** `file:line:col: path: message` (the path part is left out when empty). */
export const formatProblem = (p: ConfigProblem): string =>
  `${p.file}:${p.line}:${p.col}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;

/**
 * The config is unusable. `problems` holds every problem found (never empty), in document order;
 * the message lists them one per line.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], options?: ErrorOptions) {
    super(problems.map(formatProblem).join('\n'), options);
    this.problems = Object.freeze([...problems]);
  }
}

/** Orders problems by position, keeping discovery order for ties. */
export const sortProblems = (problems: readonly ConfigProblem[]): ConfigProblem[] =>
  [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
