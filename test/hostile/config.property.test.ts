/**
 * Hostile config files (issue 14): random mutations of valid configs (the deployed one, the
 * chart's default rules, config-gen's output, the hostile pipeline's rules), both of the YAML
 * text (lines deleted, duplicated, swapped, re-indented, scalars swapped for maps or lists,
 * Unicode inserted, truncation) and of the parsed object (wrong types, missing and unknown
 * fields, bad regexes, bad templates). Loading and checking never throws anything but our typed
 * ConfigError; the config either loads or every error carries file, line ≥ 1, col ≥ 1 and a path.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ConfigError, type ConfigProblem } from '../../src/config/config-error.ts';
import { defaultConfig } from '../../src/config/default-config.ts';
import { loadConfigWithPositions } from '../../src/config/load.ts';
import { renderConfigYaml } from '../../src/config/render-config.ts';
import { checkState } from '../../src/rules/rules-state.ts';
import { HOSTILE_FRAGMENTS, hostileString, unicodeText } from '../support/arbitraries.ts';
import { fakeResourceMap } from '../support/fake-resource-map.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { fcParams } from '../support/hostile-params.ts';
import { config as pipelineConfig } from './pipeline.ts';

const FILE = 'hostile.yaml';

const SEEDS: readonly string[] = [
  readFileSync(join(REPO_ROOT, 'deploy/metrics-apis/adapter-config.yaml'), 'utf8'),
  readFileSync(join(REPO_ROOT, 'charts/k8s-prometheus-adapter/files/default-rules.yaml'), 'utf8'),
  renderConfigYaml(defaultConfig(60_000, 'kube_')),
  renderConfigYaml(pipelineConfig()),
];

// ── text mutations ────────────────────────────────────────────────────────────────────────────

type TextMutation = (lines: string[]) => string[];

const at = (lines: readonly string[], i: number) => i % Math.max(1, lines.length);

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.nat().map((i) => (ls: string[]) => ls.filter((_, j) => j !== at(ls, i))),
  fc.nat().map((i) => (ls: string[]) => ls.flatMap((l, j) => (j === at(ls, i) ? [l, l] : [l]))),
  fc.tuple(fc.nat(), fc.nat()).map(([i, k]) => (ls: string[]) => {
    const out = [...ls];
    const [a, b] = [at(ls, i), at(ls, k)];
    [out[a], out[b]] = [out[b] ?? '', out[a] ?? ''];
    return out;
  }),
  fc
    .tuple(fc.nat(), fc.constantFrom('', ' ', '  ', '\t', '    ', '      '), fc.nat(6))
    .map(([i, indent, cut]) => (ls: string[]) => {
      const j = at(ls, i);
      return ls.map((l, n) =>
        n === j ? indent + l.trimStart().slice(0, cut > 4 ? undefined : cut * 8) : l,
      );
    }),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        '{a: 1}',
        '[x, y]',
        '{}',
        '[]',
        '~',
        '!!binary aGk=',
        '&a x',
        '*a',
        '|',
        '>-',
      ),
    )
    .map(([i, value]) => (ls: string[]) => {
      const j = at(ls, i);
      return ls.map((l, n) => (n === j ? l.replace(/:\s.*$/, `: ${value}`) : l));
    }),
  fc
    .tuple(fc.nat(), fc.nat(), fc.oneof(unicodeText(3), fc.constantFrom(...HOSTILE_FRAGMENTS)))
    .map(([i, col, text]) => (ls: string[]) => {
      const j = at(ls, i);
      return ls.map((l, n) =>
        n === j ? l.slice(0, col % (l.length + 1)) + text + l.slice(col % (l.length + 1)) : l,
      );
    }),
  fc.nat().map((i) => (ls: string[]) => {
    const text = ls.join('\n');
    return text.slice(0, i % (text.length + 1)).split('\n');
  }),
  fc
    .constantFrom('---', '...', '%YAML 1.1', '- x', 'rules: 3', 'externalRules:', '? [a]', '\ufeff')
    .map((line) => (ls: string[]) => [
      ...ls.slice(0, ls.length >> 1),
      line,
      ...ls.slice(ls.length >> 1),
    ]),
);

const mutatedText = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(textMutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, ms]) => ms.reduce((ls, m) => m(ls), seed.split('\n')).join('\n'));

// ── object mutations ──────────────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const BAD_VALUES: readonly Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  '',
  [],
  {},
  ['x'],
  { a: 'b' },
  '(',
  '[',
  '(?<n',
  'a**',
  '\\',
  '(?P<1>x)',
  '\\p{Nope}',
  '<<',
  '<<.Nope>>',
  '<<end>>',
  '<<template "x">>',
  '<<index .LabelValuesByName>>',
  '<<.Series',
  '<<range .GroupBySlice>><<.>>',
  'sum(<<.Series>>{<<.LabelMatchers>>}',
  '$1$2${3',
  'kube_<<.Resource',
  '5x',
  '-1m',
];

/** Every path in the object, as lists of keys and indices. */
const pathsOf = (value: Json, prefix: (string | number)[] = []): (string | number)[][] => {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value)
    ? value.map((v, i) => pathsOf(v, [...prefix, i]))
    : Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k]));
  return [prefix, ...children.flat()];
};

const setAt = (
  root: Json,
  path: readonly (string | number)[],
  update: (v: Json) => Json | undefined,
): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return update(root) ?? null;
  if (Array.isArray(root) && typeof head === 'number') {
    const out = [...root];
    const next = setAt(out[head] ?? null, rest, update);
    if (rest.length === 0 && update(out[head] ?? null) === undefined) out.splice(head, 1);
    else out[head] = next;
    return out;
  }
  if (
    root !== null &&
    typeof root === 'object' &&
    !Array.isArray(root) &&
    typeof head === 'string'
  ) {
    if (rest.length === 0 && update(root[head] ?? null) === undefined) {
      return Object.fromEntries(Object.entries(root).filter(([k]) => k !== head));
    }
    return { ...root, [head]: setAt(root[head] ?? null, rest, update) };
  }
  return root;
};

type ObjectMutation = (root: Json) => Json;

const objectMutation: fc.Arbitrary<ObjectMutation> = fc
  .tuple(
    fc.nat(),
    fc.oneof(
      fc.constantFrom(...BAD_VALUES).map((v) => () => v),
      hostileString(3).map((s) => () => s),
      fc.constant(() => undefined), // delete
      fc.constant((v: Json) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v, unknownField: 1 } : v,
      ),
      fc.constant((v: Json) => (typeof v === 'string' ? { wrapped: v } : v)),
      fc.constant((v: Json) => (typeof v === 'string' ? [v] : v)),
    ),
  )
  .map(([i, update]) => (root: Json) => {
    const paths = pathsOf(root);
    const path = paths[i % paths.length] ?? [];
    return setAt(root, path, update);
  });

const mutatedObjectText = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(objectMutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, ms]) => {
    const start: Json = parse(seed) as Json;
    return stringify(ms.reduce((o, m) => m(o), start));
  });

// ── the property ──────────────────────────────────────────────────────────────────────────────

const checkProblems = (text: string, problems: readonly ConfigProblem[]) => {
  assert.ok(problems.length > 0, 'an error without problems');
  const lines = text.split('\n').length;
  for (const p of problems) {
    const where = JSON.stringify(p);
    assert.equal(p.file, FILE, where);
    assert.ok(Number.isInteger(p.line) && p.line >= 1 && p.line <= lines + 1, `line: ${where}`);
    assert.ok(Number.isInteger(p.col) && p.col >= 1, `col: ${where}`);
    assert.equal(typeof p.path, 'string', where);
    assert.ok(typeof p.message === 'string' && p.message !== '', `message: ${where}`);
  }
};

/** Loads strictly and leniently and checks the state: a config, or positioned problems. */
export const loadsOrReports = (text: string, strictPromql: boolean): 'loaded' | 'refused' => {
  try {
    loadConfigWithPositions(text, FILE);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checkProblems(text, err.problems);
  }
  let loaded;
  try {
    loaded = loadConfigWithPositions(text, FILE, { lenient: true });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checkProblems(text, err.problems);
    return 'refused';
  }
  const check = checkState(loaded, fakeResourceMap, { strictPromql });
  if (check.state !== undefined) {
    assert.deepEqual(check.errors, []);
    return 'loaded';
  }
  checkProblems(text, check.errors);
  return 'refused';
};

describe('hostile config files (issue 14)', () => {
  it('the seeds load as they are', () => {
    for (const seed of SEEDS) assert.equal(loadsOrReports(seed, true), 'loaded');
  });

  it('mutated YAML text: a config, or every problem positioned; never another exception', () => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(mutatedText, fc.boolean(), (text, strict) => {
        outcomes[loadsOrReports(text, strict)]++;
      }),
      fcParams(1_500),
    );
    assert.ok(outcomes.loaded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  it('mutated config objects: wrong types, missing fields, bad regexes and templates', () => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(mutatedObjectText, fc.boolean(), (text, strict) => {
        outcomes[loadsOrReports(text, strict)]++;
      }),
      fcParams(1_000),
    );
    assert.ok(outcomes.loaded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });
});
