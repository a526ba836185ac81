/**
 * The config schema (prometheus-adapter pkg/config/config.go) as decoders from YAML nodes to
 * `AdapterConfig`. Fields holding Go's zero value ("" strings, empty lists and maps, empty
 * structs) are left out of the result, so `x === undefined` is the only "unset" test consumers
 * need; `namespaced: false` is kept because upstream stores it as a pointer.
 */
import type {
  AdapterConfig,
  DiscoveryRule,
  GroupResourceRef,
  NameMapping,
  RegexFilter,
  ResourceMapping,
  ResourceRule,
  ResourceRules,
} from './types.ts';
import { DurationError, parsePromDuration } from '../lib/go-fmt/go-fmt.ts';
import { boolValue, deref, fail, isNullNode, stringValue } from './yaml-nodes.ts';
import type { DecodeContext } from './yaml-nodes.ts';
import { mapChildren, structFields, type Child } from './yaml-shapes.ts';
import {
  decodeList,
  nonEmpty,
  opt,
  optString,
  reqString,
  requiredChild,
} from './schema-helpers.ts';
import { checkRuleBackends, decodeBackends } from './schema-backends.ts';

const decodeFilter = (ctx: DecodeContext, at: Child): RegexFilter | undefined => {
  const fields = structFields(ctx, at.node, at.path, 'config.RegexFilter', ['is', 'isNot']);
  if (fields === undefined) return undefined;
  const before = ctx.problems.length;
  const is = optString(ctx, fields, 'is');
  const isNot = optString(ctx, fields, 'isNot');
  if (ctx.problems.length !== before) return undefined;
  if (is !== undefined && isNot !== undefined) {
    const msg = `cannot have both an \`is\` (${JSON.stringify(is)}) and \`isNot\` (${JSON.stringify(isNot)}) expression in a single filter`;
    fail(ctx, at.node, at.path, msg);
  } else if (is === undefined && isNot === undefined) {
    fail(ctx, at.node, at.path, 'must have either an `is` or `isNot` expression in a filter');
  }
  return { ...opt('is', is), ...opt('isNot', isNot) };
};

const decodeGroupResource = (ctx: DecodeContext, at: Child): GroupResourceRef | undefined => {
  const fields = structFields(ctx, at.node, at.path, 'config.GroupResource', ['group', 'resource']);
  if (fields === undefined) return undefined;
  const group = optString(ctx, fields, 'group');
  const resource = reqString(ctx, fields, 'resource', at);
  return resource === undefined ? undefined : { ...opt('group', group), resource };
};

const decodeOverrides = (ctx: DecodeContext, at: Child | undefined) => {
  const children = at === undefined ? undefined : mapChildren(ctx, at.node, at.path);
  if (children === undefined || children.size === 0) return undefined;
  const out: Record<string, GroupResourceRef> = {};
  for (const [label, child] of children) {
    const ref = decodeGroupResource(ctx, child);
    if (ref !== undefined) out[label] = ref;
  }
  return nonEmpty(out);
};

const RESOURCE_MAPPING_KEYS = ['template', 'overrides', 'namespaced'];

const decodeResourceMapping = (
  ctx: DecodeContext,
  at: Child | undefined,
): ResourceMapping | undefined => {
  if (at === undefined) return undefined;
  const fields = structFields(
    ctx,
    at.node,
    at.path,
    'config.ResourceMapping',
    RESOURCE_MAPPING_KEYS,
  );
  if (fields === undefined) return undefined;
  const ns = fields.get('namespaced');
  return nonEmpty({
    ...opt('template', optString(ctx, fields, 'template')),
    ...opt('overrides', decodeOverrides(ctx, fields.get('overrides'))),
    ...opt('namespaced', ns === undefined ? undefined : boolValue(ctx, ns.node, ns.path)),
  });
};

const decodeName = (ctx: DecodeContext, at: Child | undefined): NameMapping | undefined => {
  if (at === undefined) return undefined;
  const fields = structFields(ctx, at.node, at.path, 'config.NameMapping', ['matches', 'as']);
  if (fields === undefined) return undefined;
  return nonEmpty({
    ...opt('matches', optString(ctx, fields, 'matches')),
    ...opt('as', optString(ctx, fields, 'as')),
  });
};

const RULE_KEYS = ['seriesQuery', 'seriesFilters', 'resources', 'name', 'metricsQuery', 'backend'];

const decodeRule = (ctx: DecodeContext, at: Child): DiscoveryRule | undefined => {
  const fields = structFields(ctx, at.node, at.path, 'config.DiscoveryRule', RULE_KEYS);
  if (fields === undefined) return undefined;
  const seriesQuery = reqString(ctx, fields, 'seriesQuery', at);
  const filters = decodeList(ctx, fields.get('seriesFilters'), decodeFilter);
  const rule = {
    ...opt('seriesFilters', filters.length === 0 ? undefined : filters),
    ...opt('resources', decodeResourceMapping(ctx, fields.get('resources'))),
    ...opt('name', decodeName(ctx, fields.get('name'))),
    ...opt('metricsQuery', optString(ctx, fields, 'metricsQuery')),
    ...opt('backend', optString(ctx, fields, 'backend')),
  };
  return seriesQuery === undefined ? undefined : { seriesQuery, ...rule };
};

const RESOURCE_RULE_KEYS = [
  'containerQuery',
  'nodeQuery',
  'resources',
  'containerLabel',
  'backend',
];

const decodeResourceRule = (ctx: DecodeContext, at: Child): ResourceRule | undefined => {
  const fields = structFields(ctx, at.node, at.path, 'config.ResourceRule', RESOURCE_RULE_KEYS);
  if (fields === undefined) return undefined;
  // Upstream's plain string fields: an absent query is "", which rules/ reports as a warning.
  const containerQuery = optString(ctx, fields, 'containerQuery') ?? '';
  const nodeQuery = optString(ctx, fields, 'nodeQuery') ?? '';
  return {
    containerQuery,
    nodeQuery,
    ...opt('resources', decodeResourceMapping(ctx, fields.get('resources'))),
    ...opt('containerLabel', optString(ctx, fields, 'containerLabel')),
    ...opt('backend', optString(ctx, fields, 'backend')),
  };
};

const decodeWindow = (ctx: DecodeContext, at: Child | undefined): string | undefined => {
  const text = at === undefined ? undefined : stringValue(ctx, at.node, at.path);
  if (at === undefined || text === undefined) return undefined;
  try {
    parsePromDuration(text);
    return text;
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    fail(ctx, at.node, at.path, `invalid Prometheus duration: ${err.message}`);
    return undefined;
  }
};

const decodeResourceRules = (
  ctx: DecodeContext,
  at: Child | undefined,
): ResourceRules | undefined => {
  if (at === undefined || isNullNode(deref(ctx, at.node))) return undefined;
  const fields = structFields(ctx, at.node, at.path, 'config.ResourceRules', [
    'cpu',
    'memory',
    'window',
  ]);
  if (fields === undefined) return undefined;
  const cpuAt = requiredChild(ctx, fields, 'cpu', at);
  const memoryAt = requiredChild(ctx, fields, 'memory', at);
  const cpu = cpuAt === undefined ? undefined : decodeResourceRule(ctx, cpuAt);
  const memory = memoryAt === undefined ? undefined : decodeResourceRule(ctx, memoryAt);
  // Where each was written, as for list items (their `backend` is checked like a rule's).
  if (cpu !== undefined && cpuAt !== undefined) ctx.itemPaths.set(cpu, cpuAt.path);
  if (memory !== undefined && memoryAt !== undefined) ctx.itemPaths.set(memory, memoryAt.path);
  const window = decodeWindow(ctx, fields.get('window'));
  if (cpu === undefined || memory === undefined) return undefined;
  return { cpu, memory, ...opt('window', window) };
};

const CONFIG_KEYS = ['backends', 'rules', 'externalRules', 'resourceRules'];

/** Decodes the document root; problems land in `ctx.problems`, the result is best-effort. */
export const decodeConfig = (ctx: DecodeContext, root: unknown): AdapterConfig => {
  const fields =
    structFields(ctx, root, '', 'config.MetricsDiscoveryConfig', CONFIG_KEYS) ??
    new Map<string, Child>();
  const resourceRules = decodeResourceRules(ctx, fields.get('resourceRules'));
  const backends = decodeBackends(ctx, fields.get('backends'));
  const rules = decodeList(ctx, fields.get('rules'), decodeRule);
  const externalRules = decodeList(ctx, fields.get('externalRules'), decodeRule);
  const resourceRuleList =
    resourceRules === undefined ? [] : [resourceRules.cpu, resourceRules.memory];
  checkRuleBackends(ctx, backends ?? [], [...rules, ...externalRules, ...resourceRuleList]);
  return {
    ...opt('backends', backends),
    rules,
    externalRules,
    ...opt('resourceRules', resourceRules),
  };
};
