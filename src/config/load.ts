/**
 * Config text → frozen `AdapterConfig`, as strict as prometheus-adapter's yaml.v2
 * `UnmarshalStrict`: syntax errors, unknown keys, duplicate keys, wrong types and missing required
 * fields are all reported together, each with `file:line:col` and a config path.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { ConfigError, sortProblems, type ConfigProblem, type Position } from './config-error.ts';
import { decodeConfig } from './schema.ts';
import type { AdapterConfig } from './types.ts';
import type { DecodeContext } from './yaml-nodes.ts';

/** A loaded config plus a way to pin later (semantic) problems to where they were written. */
export interface LoadedConfig {
  readonly config: AdapterConfig;
  /**
   * Position of a config path such as `rules[3].name.as`. A path that was not written falls back
   * to its nearest written ancestor, and finally to 1:1.
   */
  readonly locate: (path: string) => Position;
  /** A problem for `path`, positioned with `locate`, for use in `new ConfigError([...])`. */
  readonly problemAt: (path: string, message: string) => ConfigProblem;
  /**
   * Where a decoded rule was written (`rules[3]`); undefined for objects not from the file. With
   * `lenient` loading, rules that failed to decode are missing from the config, so list indices
   * and config paths differ.
   */
  readonly pathOf: (item: object) => string | undefined;
  /** Schema problems (lenient loading only; a strict load throws them). */
  readonly problems: readonly ConfigProblem[];
}

export interface LoadOptions {
  /**
   * Return what decoded, with the schema problems in `problems`, instead of throwing, so the
   * semantic checks of the rules that did decode can report their problems in the same run.
   * YAML syntax errors still throw: nothing decodes then.
   */
  readonly lenient?: boolean;
}

/** Drops the last `.key`, `[n]` or `["key"]` segment of a config path. */
export const parentPath = (path: string): string => {
  const m = /(?:\.[^.[\]]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])$/.exec(path);
  if (m !== null) return path.slice(0, m.index);
  return '';
};

/** Freezes `value` and everything reachable from it; returns `value`. */
export const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

const syntaxProblems = (doc: Document.Parsed, lines: LineCounter, file: string) =>
  doc.errors.map((e): ConfigProblem => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { file, line, col, path: '', message: `invalid YAML: ${e.message}` };
  });

const makeLocate =
  (positions: ReadonlyMap<string, Position>) =>
  (path: string): Position => {
    for (let p = path; ; p = parentPath(p)) {
      const pos = positions.get(p);
      if (pos !== undefined) return pos;
      if (p === '') return { line: 1, col: 1 };
    }
  };

/**
 * Parses and validates config text. Only the first YAML document is read (as yaml.v2 does);
 * an empty document or `{}` is a valid config with no rules. Throws `ConfigError` listing every
 * problem; on success the config is deeply frozen.
 */
export const loadConfigWithPositions = (
  text: string,
  file: string,
  options: LoadOptions = {},
): LoadedConfig => {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  const positions = new Map<string, Position>();
  const locate = makeLocate(positions);
  const problemAt = (path: string, message: string): ConfigProblem => ({
    file,
    ...locate(path),
    path,
    message,
  });
  const itemPaths = new WeakMap<object, string>();
  const pathOf = (item: object) => itemPaths.get(item);
  if (doc === undefined) {
    const config = deepFreeze({ rules: [], externalRules: [] });
    return { config, locate, problemAt, pathOf, problems: [] };
  }
  if (doc.errors.length > 0) throw new ConfigError(syntaxProblems(doc, lines, file));
  positions.set('', { line: 1, col: 1 });
  const ctx: DecodeContext = { doc, lines, file, problems: [], positions, itemPaths };
  const config = decodeConfig(ctx, doc.contents);
  const problems = sortProblems(ctx.problems);
  if (problems.length > 0 && options.lenient !== true) throw new ConfigError(problems);
  return { config: deepFreeze(config), locate, problemAt, pathOf, problems };
};

/** `loadConfigWithPositions(text, file).config`. */
export const loadConfig = (text: string, file: string): AdapterConfig =>
  loadConfigWithPositions(text, file).config;
