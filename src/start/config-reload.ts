/**
 * Hot reload of `--config`: what the watcher (config/config-watch.ts) read is validated in full —
 * schema, every rule against the current resource map, the option checks that need the config —
 * and only a config without a single problem replaces the served one (start/live-state.ts), after
 * which the relist runs at once. A rejected or unreadable config changes nothing: the problems
 * are logged, each with its position, kept for the status page and counted in the self-metrics.
 */
import { ConfigError, formatProblem, type ConfigProblem } from '../config/config-error.ts';
import { watchConfigFile, type FileRead } from '../config/config-watch.ts';
import { loadConfigWithPositions } from '../config/load.ts';
import type { AdapterConfig } from '../config/types.ts';
import type { ResourceMap } from '../kubernetes/types.ts';
import type { Logger } from '../log.ts';
import { checkState, type StateOptions } from '../rules/rules-state.ts';
import type { LiveInput, LiveState } from './live-state.ts';

/** The outcome of the last reload attempt. */
export interface ReloadResult {
  readonly at: number;
  readonly ok: boolean;
  readonly reason: string;
  readonly problems: readonly ConfigProblem[];
  /** Why the file could not be read. */
  readonly error?: string;
}

/** A config text checked in full: what to serve, or every problem found. */
export type ConfigCheck =
  | { readonly ok: true; readonly input: LiveInput }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface CheckDeps {
  readonly stateOptions: StateOptions;
  /** The option checks that need the config (see AdapterContext.checkConfig). */
  readonly checkConfig: (config: AdapterConfig) => readonly string[];
}

/** Checks config text as the start does: YAML, schema, rules, options — all problems at once. */
export const checkConfigText = (
  text: string,
  file: string,
  resources: ResourceMap,
  deps: CheckDeps,
): ConfigCheck => {
  let loaded;
  try {
    loaded = loadConfigWithPositions(text, file, { lenient: true });
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems };
    throw err;
  }
  const checked = checkState(loaded, resources, deps.stateOptions);
  const optionProblems = deps
    .checkConfig(loaded.config)
    .map((message) => loaded.problemAt('', message));
  if (checked.state === undefined || optionProblems.length > 0)
    return { ok: false, problems: [...checked.errors, ...optionProblems] };
  return { ok: true, input: { loaded, state: checked.state } };
};

export interface ReloaderDeps extends CheckDeps {
  readonly file: string;
  readonly live: LiveState;
  /** Called after a new config is in place (the relister's trigger). */
  readonly applied: () => void;
  /** Records each outcome (self-metrics). */
  readonly record: (ok: boolean, atMs: number) => void;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface ConfigReloader {
  /** Acts on what the watcher read (its `onChange`). */
  apply(read: FileRead, reason: string): void;
  /** The last attempt, undefined before the first. */
  last(): ReloadResult | undefined;
}

export const createConfigReloader = (deps: ReloaderDeps): ConfigReloader => {
  const { logger, file } = deps;
  let last: ReloadResult | undefined;
  const fail = (result: Omit<ReloadResult, 'ok' | 'at'>, at: number): void => {
    last = { ...result, ok: false, at };
    deps.record(false, at);
    logger.error('config reload failed; still serving the last good config', {
      file,
      reason: result.reason,
      ...(result.error === undefined ? {} : { err: result.error }),
      problems: result.problems.map(formatProblem),
    });
  };
  const apply = (read: FileRead, reason: string): void => {
    const at = deps.now();
    if (!read.ok) {
      fail({ reason, problems: [], error: `cannot read ${file}: ${read.error}` }, at);
      return;
    }
    let checked: ConfigCheck;
    try {
      checked = checkConfigText(read.text, file, deps.live.current().state.resources, deps);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      fail({ reason, problems: [], error: `cannot check ${file}: ${message}` }, at);
      return;
    }
    if (!checked.ok) {
      fail({ reason, problems: checked.problems }, at);
      return;
    }
    const next = deps.live.reload(checked.input);
    last = { ok: true, at, reason, problems: [] };
    deps.record(true, at);
    logger.info('config reloaded', {
      file,
      reason,
      generation: next.generation,
      rules: next.state.rules.length,
      apis: next.apis,
    });
    for (const w of next.state.warnings)
      logger.info('config warning', { problem: formatProblem(w) });
    deps.applied();
  };
  return { apply, last: () => last };
};

export interface ReloadWiring extends Omit<ReloaderDeps, 'file'> {
  /** The --config file; '' (the built-in rules) leaves nothing to watch. */
  readonly file: string;
  /** contentHash of the text the served config was loaded from. */
  readonly loadedHash: string;
  /** The fallback re-read period. */
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Subscribes to explicit reload requests (SIGHUP). */
  readonly onReloadRequest?: (listener: () => void) => void;
}

/** Watches --config until `signal` aborts and reloads it on every change and reload request. */
export const startConfigReload = (wiring: ReloadWiring): ConfigReloader => {
  const reloader = createConfigReloader(wiring);
  if (wiring.file === '') {
    wiring.onReloadRequest?.(() => {
      wiring.logger.info('reload requested, but there is no --config to reload (built-in rules)');
    });
    return reloader;
  }
  const watch = watchConfigFile(
    {
      file: wiring.file,
      initialHash: wiring.loadedHash,
      intervalMs: wiring.intervalMs,
      onChange: (read, reason) => {
        reloader.apply(read, reason);
      },
    },
    wiring.signal,
  );
  wiring.onReloadRequest?.(() => void watch.check('SIGHUP', true));
  return reloader;
};
