/**
 * Hand-written OpenAPI documents for the installed groups: `/openapi/v2` (Swagger 2.0, every
 * group version), `/openapi/v3` (the index the kube-aggregator reads) and
 * `/openapi/v3/apis/<g>/<v>` (OpenAPI 3.0 per group version). Built once from the group list
 * and the definition table in openapi-schemas.ts; served with a strong ETag.
 */
import { createHash } from 'node:crypto';
import type { ApiGroup, RouteDoc, RouteParam } from './api-group.ts';
import { DEFINITIONS, STATUS_DEFINITION, type SchemaDef } from './openapi-schemas.ts';

const INFO = { title: 'prometheus-metrics-adapter', version: '1.0.0' };

export interface OpenApiDoc {
  readonly body: string;
  /** Uppercase hex SHA-512 of the body (kube-openapi's etag and v3 `hash`). */
  readonly hash: string;
}

export interface OpenApiDocs {
  readonly v2: OpenApiDoc;
  readonly v3Index: OpenApiDoc;
  /** Keyed by `apis/<g>/<v>`. */
  readonly v3: ReadonlyMap<string, OpenApiDoc>;
}

type RefStyle = (name: string) => string;
const V2_REF: RefStyle = (n) => `#/definitions/${n}`;
const V3_REF: RefStyle = (n) => `#/components/schemas/${n}`;

const typeSchema = (spec: string, ref: RefStyle): Record<string, unknown> => {
  if (spec.startsWith('[')) return { type: 'array', items: typeSchema(spec.slice(1, -1), ref) };
  if (spec.startsWith('{'))
    return { type: 'object', additionalProperties: typeSchema(spec.slice(1, -1), ref) };
  if (spec === 'int64') return { type: 'integer', format: 'int64' };
  if (spec === 'integer') return { type: 'integer', format: 'int32' };
  if (spec === 'string' || spec === 'boolean') return { type: spec };
  return { $ref: ref(spec) };
};

const definition = (def: SchemaDef, ref: RefStyle): Record<string, unknown> => {
  if (def.scalar !== undefined) {
    return {
      description: def.description,
      type: 'string',
      ...(def.scalar === 'date-time' ? { format: 'date-time' } : {}),
    };
  }
  const properties = Object.fromEntries(
    Object.entries(def.fields).map(([k, t]) => [k, typeSchema(t, ref)]),
  );
  return {
    description: def.description,
    type: 'object',
    ...(def.required === undefined ? {} : { required: def.required }),
    properties,
    ...(def.gvk === undefined
      ? {}
      : {
          'x-kubernetes-group-version-kind': [
            { group: def.gvk[0], kind: def.gvk[2], version: def.gvk[1] },
          ],
        }),
  };
};

/** The named definitions and everything they reference, sorted by name. */
const closure = (
  table: Readonly<Record<string, SchemaDef>>,
  roots: readonly string[],
  ref: RefStyle,
): Record<string, unknown> => {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const def = table[name];
    if (def === undefined || seen.has(name)) return;
    seen.add(name);
    for (const t of Object.values(def.fields)) visit(t.replace(/^[[{]|[\]}]$/g, ''));
  };
  roots.forEach(visit);
  return Object.fromEntries(
    [...seen].sort().map((n) => [n, definition(table[n] as SchemaDef, ref)]),
  );
};

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const groupWord = (group: string): string =>
  group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map(pascal)
    .join('');

const operation = (g: ApiGroup, version: string, r: RouteDoc, v3: boolean) => {
  const split = r.operation.search(/[A-Z]/);
  const ref = (v3 ? V3_REF : V2_REF)(`${g.definitionPrefix(version)}.${r.responseKind}`);
  const ok = v3
    ? { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } }
    : { description: 'OK', schema: { $ref: ref } };
  const param = (p: RouteParam) => {
    const base = {
      name: p.name,
      in: p.in,
      description: p.description,
      ...(p.in === 'path' ? { required: true } : {}),
    };
    return v3
      ? { ...base, schema: { type: 'string', uniqueItems: true } }
      : { ...base, type: 'string', uniqueItems: true };
  };
  return {
    get: {
      description: r.description,
      operationId: `${r.operation.slice(0, split)}${groupWord(g.name)}${pascal(version)}${r.operation.slice(split)}`,
      tags: [
        `${groupWord(g.name).charAt(0).toLowerCase()}${groupWord(g.name).slice(1)}_${version}`,
      ],
      responses: { '200': ok, '401': { description: 'Unauthorized' } },
    },
    parameters: r.params.map(param),
  };
};

const paths = (g: ApiGroup, version: string, v3: boolean) =>
  Object.fromEntries(
    g.routes.map((r) => [`/apis/${g.name}/${version}/${r.path}`, operation(g, version, r, v3)]),
  );

const roots = (g: ApiGroup, version: string): string[] => [
  STATUS_DEFINITION,
  ...g.routes.map((r) => `${g.definitionPrefix(version)}.${r.responseKind}`),
];

const doc = (value: unknown): OpenApiDoc => {
  const body = JSON.stringify(value);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
};

/** Builds every document for the installed groups. */
export const buildOpenApi = (groups: readonly ApiGroup[]): OpenApiDocs => {
  const table: Record<string, SchemaDef> = { ...DEFINITIONS };
  for (const g of groups) Object.assign(table, g.definitions);
  const gvs = groups.flatMap((g) => g.versions.map((v) => [g, v] as const));
  const v2 = doc({
    swagger: '2.0',
    info: INFO,
    paths: Object.assign({}, ...gvs.map(([g, v]) => paths(g, v, false))) as object,
    definitions: closure(
      table,
      gvs.flatMap(([g, v]) => roots(g, v)),
      V2_REF,
    ),
  });
  const v3 = new Map(
    gvs.map(([g, v]) => [
      `apis/${g.name}/${v}`,
      doc({
        openapi: '3.0.0',
        info: INFO,
        paths: paths(g, v, true),
        components: { schemas: closure(table, roots(g, v), V3_REF) },
      }),
    ]),
  );
  const index = Object.fromEntries(
    [...v3].map(([key, d]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` }]),
  );
  return { v2, v3Index: doc({ paths: index }), v3 };
};
