/**
 * The `backends` extension of the config schema: named Prometheus-compatible backends (URLs tried
 * in order, auth, verb, dialect, tenant header) and the check that every rule's `backend` names
 * one of them or the flag-defined `default` (resourceRules' cpu and memory rules included).
 */
import type { BackendConfig, DiscoveryRule, ResourceRule, TenantConfig } from './types.ts';
import { fail, failAt, joinPath, stringValue } from './yaml-nodes.ts';
import type { DecodeContext } from './yaml-nodes.ts';
import { listItems, mapChildren, structFields, type Child } from './yaml-shapes.ts';
import { decodeList, nonEmpty, opt, optString, reqString } from './schema-helpers.ts';
import { compileTemplate, TemplateError } from '../lib/go-template/go-template.ts';

/** The backend the flags define (--prometheus-url and friends); rules without `backend` use it. */
export const DEFAULT_BACKEND = 'default';

const BACKEND_KEYS = [
  'name',
  'urls',
  'verb',
  'dialect',
  'tokenFile',
  'basicAuthFile',
  'caFile',
  'clientCertFile',
  'clientKeyFile',
  'headers',
  'tenant',
  'namespaceTenants',
  'defaultTenant',
  'tenants',
];

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const oneOf = <T extends string>(
  ctx: DecodeContext,
  at: Child | undefined,
  allowed: readonly T[],
): T | undefined => {
  if (at === undefined) return undefined;
  const value = stringValue(ctx, at.node, at.path);
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  fail(ctx, at.node, at.path, `must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return undefined;
};

const stringItem = (ctx: DecodeContext, at: Child): string | undefined => {
  const value = stringValue(ctx, at.node, at.path);
  if (value === '') fail(ctx, at.node, at.path, 'must not be empty');
  return value === '' ? undefined : value;
};

const decodeUrl = (ctx: DecodeContext, at: Child): string | undefined => {
  const value = stringItem(ctx, at);
  if (value === undefined) return undefined;
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    ok = false;
  }
  if (!ok) fail(ctx, at.node, at.path, `not an http(s) URL: ${JSON.stringify(value)}`);
  return ok ? value : undefined;
};

const decodeStringMap = (
  ctx: DecodeContext,
  at: Child | undefined,
): Record<string, string> | undefined => {
  const children = at === undefined ? undefined : mapChildren(ctx, at.node, at.path);
  const out: Record<string, string> = {};
  for (const [key, child] of children ?? []) {
    const value = stringItem(ctx, child);
    if (value !== undefined) out[key] = value;
  }
  return nonEmpty(out);
};

const decodeTenant = (ctx: DecodeContext, at: Child | undefined): TenantConfig | undefined => {
  if (at === undefined) return undefined;
  const fields = structFields(ctx, at.node, at.path, 'config.Tenant', ['header', 'template']);
  if (fields === undefined) return undefined;
  const header = reqString(ctx, fields, 'header', at);
  const template = optString(ctx, fields, 'template');
  const templateAt = fields.get('template');
  if (template !== undefined && templateAt !== undefined) {
    try {
      compileTemplate(template, { name: templateAt.path, fields: ['Namespace'] });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      fail(ctx, templateAt.node, templateAt.path, err.message);
    }
  }
  return header === undefined ? undefined : { header, ...opt('template', template) };
};

const decodeBackend = (ctx: DecodeContext, at: Child): BackendConfig | undefined => {
  const fields = structFields(ctx, at.node, at.path, 'config.Backend', BACKEND_KEYS);
  if (fields === undefined) return undefined;
  const name = reqString(ctx, fields, 'name', at);
  const nameAt = fields.get('name');
  if (name !== undefined && nameAt !== undefined && !NAME_RE.test(name)) {
    fail(ctx, nameAt.node, nameAt.path, 'must be a lowercase DNS label ([a-z0-9-])');
  }
  const urlsAt = fields.get('urls');
  const urls = decodeList(ctx, urlsAt, decodeUrl);
  if (urlsAt === undefined)
    failAt(
      ctx,
      ctx.positions.get(at.path) ?? { line: 1, col: 1 },
      joinPath(at.path, 'urls'),
      'required field is missing',
    );
  else if (urls.length === 0 && (listItems(ctx, urlsAt.node, urlsAt.path) ?? []).length === 0) {
    fail(ctx, urlsAt.node, urlsAt.path, 'needs at least one URL');
  }
  const tenant = decodeTenant(ctx, fields.get('tenant'));
  const tenants = decodeList(ctx, fields.get('tenants'), stringItem);
  const file = (key: string) => opt(key, optString(ctx, fields, key));
  const backend: BackendConfig | undefined =
    name === undefined
      ? undefined
      : {
          name,
          urls,
          ...opt('verb', oneOf(ctx, fields.get('verb'), ['GET', 'POST'] as const)),
          ...opt('dialect', oneOf(ctx, fields.get('dialect'), ['promql', 'metricsql'] as const)),
          ...file('tokenFile'),
          ...file('basicAuthFile'),
          ...file('caFile'),
          ...file('clientCertFile'),
          ...file('clientKeyFile'),
          ...opt('headers', decodeStringMap(ctx, fields.get('headers'))),
          ...opt('tenant', tenant),
          ...opt('namespaceTenants', decodeStringMap(ctx, fields.get('namespaceTenants'))),
          ...file('defaultTenant'),
          ...opt('tenants', tenants.length === 0 ? undefined : tenants),
        };
  const certAt = fields.get('clientCertFile') ?? fields.get('clientKeyFile');
  if (
    certAt !== undefined &&
    (backend?.clientCertFile === undefined) !== (backend?.clientKeyFile === undefined)
  ) {
    fail(ctx, certAt.node, certAt.path, 'clientCertFile and clientKeyFile go together');
  }
  return backend;
};

/** Decodes `backends`; duplicate names and the reserved `default` are reported at the name. */
export const decodeBackends = (
  ctx: DecodeContext,
  at: Child | undefined,
): readonly BackendConfig[] | undefined => {
  const backends = decodeList(ctx, at, decodeBackend);
  const seen = new Set<string>([DEFAULT_BACKEND]);
  for (const backend of backends) {
    const path = `${ctx.itemPaths.get(backend) ?? ''}.name`;
    const pos = ctx.positions.get(path) ?? { line: 1, col: 1 };
    if (backend.name === DEFAULT_BACKEND) {
      failAt(ctx, pos, path, `"${DEFAULT_BACKEND}" is the backend the --prometheus-* flags define`);
    } else if (seen.has(backend.name)) {
      failAt(ctx, pos, path, `duplicate backend name ${JSON.stringify(backend.name)}`);
    }
    seen.add(backend.name);
  }
  return backends.length === 0 ? undefined : backends;
};

/**
 * Reports every rule (`rules`, `externalRules`, `resourceRules.cpu`/`.memory`) whose `backend` is
 * neither `default` nor a configured backend.
 */
export const checkRuleBackends = (
  ctx: DecodeContext,
  backends: readonly BackendConfig[],
  rules: readonly (DiscoveryRule | ResourceRule)[],
): void => {
  const names = new Set([DEFAULT_BACKEND, ...backends.map((b) => b.name)]);
  for (const rule of rules) {
    if (rule.backend === undefined || names.has(rule.backend)) continue;
    const path = `${ctx.itemPaths.get(rule) ?? ''}.backend`;
    const known = [...names].map((n) => JSON.stringify(n)).join(', ');
    failAt(
      ctx,
      ctx.positions.get(path) ?? { line: 1, col: 1 },
      path,
      `unknown backend ${JSON.stringify(rule.backend)} (known: ${known})`,
    );
  }
};
