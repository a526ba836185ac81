/**
 * Where each compiled rule came from: its config rule (for per-filter diagnosis and `name.as`),
 * its index and a stable name, and the file:line:col of its definition.
 */
import type { LoadedConfig } from '../config/load.ts';
import type { DiscoveryRule } from '../config/types.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { RuleRef } from './types.ts';

/** How compiled rules map back to the config they were compiled from. */
export interface RuleSources {
  readonly file: string;
  /** The config rule a compiled rule came from (matched by config path). */
  sourceOf(rule: CompiledRule): DiscoveryRule | undefined;
  /** Index, name and position of `rule` among `rules`. */
  refOf(rule: CompiledRule, rules: readonly CompiledRule[]): RuleRef;
  /** The position of any config path (e.g. `resourceRules.cpu`). */
  refOfPath(path: string, name: string, index: number): RuleRef;
}

/** A rule's stable name: `name.as` when written, else its `seriesQuery`. */
export const ruleName = (rule: CompiledRule, source: DiscoveryRule | undefined): string =>
  source?.name?.as !== undefined && source.name.as !== '' ? source.name.as : rule.seriesQuery;

export const ruleSources = (loaded: LoadedConfig): RuleSources => {
  const byPath = new Map<string, DiscoveryRule>();
  const add = (list: readonly DiscoveryRule[], key: string) => {
    list.forEach((r, i) => byPath.set(loaded.pathOf(r) ?? `${key}[${i}]`, r));
  };
  add(loaded.config.rules, 'rules');
  add(loaded.config.externalRules, 'externalRules');
  const file = loaded.problemAt('', '').file;
  const refOfPath = (path: string, name: string, index: number): RuleRef => {
    const { line, col } = loaded.locate(path);
    return { index, path, name, file, line, col };
  };
  return {
    file,
    sourceOf: (rule) => byPath.get(rule.path),
    refOf: (rule, rules) =>
      refOfPath(rule.path, ruleName(rule, byPath.get(rule.path)), rules.indexOf(rule)),
    refOfPath,
  };
};

/** `file:line` of a rule, for logs and text. */
export const whereOf = (ref: RuleRef): string => `${ref.file}:${ref.line}`;

/** `ruleSources` of whatever config `loaded()` returns now, recomputed only when it changes. */
export const followSources = (loaded: () => LoadedConfig): (() => RuleSources) => {
  let cached: { loaded: LoadedConfig; sources: RuleSources } | undefined;
  return () => {
    const current = loaded();
    if (cached?.loaded !== current) cached = { loaded: current, sources: ruleSources(current) };
    return cached.sources;
  };
};
