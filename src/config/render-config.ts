/**
 * Prints an `AdapterConfig` exactly as prometheus-adapter's `config-gen` does (yaml.v2 marshal of
 * pkg/config structs): fields in struct order, `seriesFilters`, `resources`, `name.matches` and
 * `name.as` always present, omitempty fields (`metricsQuery`, `template`, `overrides`,
 * `namespaced`, `group`, `externalRules`) dropped when empty, override labels in Go map order,
 * and `window` re-printed as a canonical Prometheus duration.
 */
import { formatPromDuration, parsePromDuration } from '../lib/go-fmt/go-fmt.ts';
import type {
  AdapterConfig,
  DiscoveryRule,
  GroupResourceRef,
  RegexFilter,
  ResourceMapping,
  ResourceRule,
  ResourceRules,
} from './types.ts';
import { emitYamlV2, goMapKeyCompare, type YamlNode } from './yaml-v2-emit.ts';

type Fields = [string, YamlNode | undefined][];

/** An ordered mapping of the fields that are set. */
const struct = (fields: Fields): ReadonlyMap<string, YamlNode> =>
  new Map(fields.filter((f): f is [string, YamlNode] => f[1] !== undefined));

/** Go omitempty for strings. */
const omitEmpty = (s: string | undefined): string | undefined => (s === '' ? undefined : s);

const groupResource = (gr: GroupResourceRef) =>
  struct([
    ['group', omitEmpty(gr.group)],
    ['resource', gr.resource],
  ]);

const overrides = (o: ResourceMapping['overrides']) => {
  const keys = Object.keys(o ?? {}).sort(goMapKeyCompare);
  if (o === undefined || keys.length === 0) return undefined;
  return new Map(keys.flatMap((k) => (o[k] === undefined ? [] : [[k, groupResource(o[k])]])));
};

const resources = (r: ResourceMapping | undefined) =>
  struct([
    ['template', omitEmpty(r?.template)],
    ['overrides', overrides(r?.overrides)],
    ['namespaced', r?.namespaced],
  ]);

const filter = (f: RegexFilter) =>
  struct([
    ['is', omitEmpty(f.is)],
    ['isNot', omitEmpty(f.isNot)],
  ]);

const rule = (r: DiscoveryRule) =>
  struct([
    ['seriesQuery', r.seriesQuery],
    ['seriesFilters', (r.seriesFilters ?? []).map(filter)],
    ['resources', resources(r.resources)],
    [
      'name',
      struct([
        ['matches', r.name?.matches ?? ''],
        ['as', r.name?.as ?? ''],
      ]),
    ],
    ['metricsQuery', omitEmpty(r.metricsQuery)],
  ]);

const resourceRule = (r: ResourceRule) =>
  struct([
    ['containerQuery', r.containerQuery],
    ['nodeQuery', r.nodeQuery],
    ['resources', resources(r.resources)],
    ['containerLabel', r.containerLabel ?? ''],
  ]);

const resourceRules = (r: ResourceRules) =>
  struct([
    ['cpu', resourceRule(r.cpu)],
    ['memory', resourceRule(r.memory)],
    ['window', formatPromDuration(r.window === undefined ? 0 : parsePromDuration(r.window))],
  ]);

/** The config as `config-gen` prints it (yaml.v2, lines folded after column 80). */
export const renderConfigYaml = (config: AdapterConfig): string =>
  emitYamlV2(
    struct([
      ['rules', config.rules.map(rule)],
      ['resourceRules', config.resourceRules && resourceRules(config.resourceRules)],
      [
        'externalRules',
        config.externalRules.length === 0 ? undefined : config.externalRules.map(rule),
      ],
    ]),
  );
