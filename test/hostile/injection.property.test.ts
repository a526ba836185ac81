/**
 * Hostile input → PromQL (issue 14). Object names, namespaces, metric label selectors and metric
 * names built from quotes, backslashes, newlines, Unicode, regex metacharacters and PromQL
 * fragments go through the real providers, rules and query builders; every query sent to
 * Prometheus must parse with Prometheus's own grammar, and its matchers, unquoted by Go's rules
 * and regexes compiled as RE2 (anchored), must mean exactly what the request meant.
 *
 * Seeded (HOSTILE_SEED, default below) and scaled (HOSTILE_SCALE, default 1 → ~100k cases);
 * `npm run test:hostile-long` runs it ×20 with a seed from the environment. A failure prints
 * fast-check's seed, path and shrunk counterexample.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiError } from '../../src/api/errors.ts';
import type { Requirement } from '../../src/kubernetes/label-selector-types.ts';
import { parseLabelSelector, SelectorError } from '../../src/kubernetes/label-selector.ts';
import {
  hostileName,
  hostileSelector,
  hostileString,
  labelSelectorText,
  unbuildableSelector,
} from '../support/arbitraries.ts';
import {
  assertMatchersMean,
  intendedOf,
  is,
  isNot,
  type Intended,
} from '../support/matcher-oracle.ts';
import { vectorSelectorMatchers, vectorSelectors } from '../support/promql-matchers.ts';
import { createPipeline, sampleOf, type Pipeline } from './pipeline.ts';
import { fcParams } from '../support/hostile-params.ts';

const signal = new AbortController().signal;

/** The one query of the case, parsed; every vector selector's matchers. */
const onlyQuery = (p: Pipeline): ReturnType<typeof vectorSelectorMatchers> => {
  assert.equal(p.prometheus.queries.length, 1, `queries: ${JSON.stringify(p.prometheus.queries)}`);
  return vectorSelectorMatchers(p.prometheus.queries[0]!);
};

const reset = (p: Pipeline, label: string, names: readonly string[]) => {
  p.prometheus.queries.length = 0;
  p.state.listedWith.length = 0;
  p.state.objects = names;
  p.prometheus.answer = () => ({
    type: 'vector',
    samples: names.map((n) => sampleOf({ [label]: n })),
  });
};

const strings = (...xs: (string | readonly string[] | readonly Requirement[])[]): string[] =>
  xs.flatMap((x) =>
    typeof x === 'string'
      ? [x]
      : x.flatMap((y: string | Requirement) => (typeof y === 'string' ? [y] : y.values)),
  );

/** The custom metrics each case may ask for, with the matchers their templates add. */
const CUSTOM = [
  { resource: 'pods', metric: 'http_requests', label: 'pod', namespaced: true, byValues: false },
  { resource: 'pods', metric: 'by_values_gauge', label: 'pod', namespaced: true, byValues: true },
  {
    resource: 'nodes',
    metric: 'node_temperature',
    label: 'node',
    namespaced: false,
    byValues: false,
  },
  {
    resource: 'namespaces',
    metric: 'http_requests',
    label: 'namespace',
    namespaced: false,
    byValues: false,
  },
] as const;

/** Checks the recorded query of a custom request for `names` in `namespace`. */
const checkCustomQuery = (
  p: Pipeline,
  target: (typeof CUSTOM)[number],
  c: { namespace: string; names: readonly string[]; selector: readonly Requirement[] },
) => {
  const selectors = onlyQuery(p);
  const ns: Intended[] = target.namespaced ? [is('namespace', c.namespace)] : [];
  const want = [...c.selector.map(intendedOf), ...ns, is(target.label, ...c.names)];
  const probes = strings(c.namespace, c.names, c.selector);
  assert.equal(selectors.length, target.byValues ? 2 : 1);
  assertMatchersMean(selectors[0]!, want, probes);
  if (target.byValues) {
    // `.LabelValuesByName` pasted into `namespace=~"…"` and `pod=~"…"` by the template.
    assertMatchersMean(
      selectors[1]!,
      [is('namespace', c.namespace), is('pod', ...c.names)],
      probes,
    );
  }
};

describe('hostile input → PromQL through the real providers (issue 14)', () => {
  const p = createPipeline();

  it('custom metrics for one object by name: namespaced and root-scoped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CUSTOM),
        hostileName(),
        hostileName(),
        hostileSelector(),
        async (target, namespace, name, selector) => {
          reset(p, target.label, [name]);
          const got = await p.custom.getByName(
            {
              resource: target.resource,
              metric: target.metric,
              namespace: target.namespaced ? namespace : '',
              name,
              metricSelector: selector,
            },
            signal,
          );
          assert.equal(got.describedObject.name, name);
          checkCustomQuery(p, target, { namespace, names: [name], selector });
        },
      ),
      fcParams(20_000),
    );
  });

  it('custom metrics for `*`: the labelSelector reaches the lister intact, names are escaped', async () => {
    const parsedSelector = labelSelectorText().chain((text) => {
      try {
        return fc.constant(parseLabelSelector(text));
      } catch (err) {
        if (err instanceof SelectorError) return fc.constant(parseLabelSelector(''));
        throw err;
      }
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CUSTOM),
        hostileName(),
        fc.uniqueArray(hostileName(), { minLength: 1, maxLength: 5 }),
        parsedSelector,
        hostileSelector(),
        async (target, namespace, names, selector, metricSelector) => {
          reset(p, target.label, names);
          const got = await p.custom.getBySelector(
            {
              resource: target.resource,
              metric: target.metric,
              namespace: target.namespaced ? namespace : '',
              selector,
              metricSelector,
            },
            signal,
          );
          assert.deepEqual(
            got.map((v) => v.describedObject.name),
            names,
          );
          assert.equal(p.state.listedWith.length, 1);
          assert.deepEqual(parseLabelSelector(p.state.listedWith[0]!), selector);
          checkCustomQuery(p, target, { namespace, names, selector: metricSelector });
        },
      ),
      fcParams(10_000),
    );
  });

  it('external metrics with a hostile metricLabelSelector, namespaced or not', async () => {
    const EXTERNAL = [
      { metric: 'queue_depth', namespaced: true },
      { metric: 'cluster_load', namespaced: false },
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EXTERNAL),
        fc.oneof(hostileName(), fc.constant('')),
        hostileSelector(4),
        async (target, namespace, selector) => {
          reset(p, 'queue', ['q']);
          await p.external.get({ namespace, metric: target.metric, selector }, signal);
          const selectors = onlyQuery(p);
          const ns = target.namespaced && namespace !== '' ? [is('namespace', namespace)] : [];
          assert.equal(selectors.length, 1);
          assertMatchersMean(
            selectors[0]!,
            [...selector.map(intendedOf), ...ns],
            strings(namespace, selector),
          );
        },
      ),
      fcParams(15_000),
    );
  });

  it('selector text through the real parser: a parse error, or exactly its requirements', async () => {
    await fc.assert(
      fc.asyncProperty(labelSelectorText(), async (text) => {
        let selector: readonly Requirement[];
        try {
          selector = parseLabelSelector(text);
        } catch (err) {
          assert.ok(err instanceof SelectorError, String(err));
          return;
        }
        reset(p, 'queue', ['q']);
        try {
          await p.external.get({ namespace: 'n', metric: 'queue_depth', selector }, signal);
        } catch (err) {
          // Keys that are not Prometheus label names and `>`/`<` cannot become matchers.
          assert.ok(err instanceof ApiError && err.code === 500, String(err));
          assert.ok(
            selector.some((r) => !/^[a-zA-Z_]\w*$/.test(r.key) || /[gl]t/.test(r.operator)),
          );
          assert.equal(p.prometheus.queries.length, 0);
          return;
        }
        const [matchers] = onlyQuery(p);
        assertMatchersMean(
          matchers!,
          [...selector.map(intendedOf), is('namespace', 'n')],
          strings(selector),
        );
      }),
      fcParams(10_000),
    );
  });

  it('selectors that cannot become PromQL are refused before Prometheus: 404 custom, 500 external', async () => {
    await fc.assert(
      fc.asyncProperty(
        unbuildableSelector(),
        hostileName(),
        fc.boolean(),
        async (selector, name, external) => {
          reset(p, 'pod', [name]);
          const request = external
            ? p.external.get({ namespace: name, metric: 'queue_depth', selector }, signal)
            : p.custom.getByName(
                {
                  resource: 'pods',
                  metric: 'http_requests',
                  namespace: 'n',
                  name,
                  metricSelector: selector,
                },
                signal,
              );
          await assert.rejects(request, (err: unknown) => {
            assert.ok(err instanceof ApiError);
            assert.equal(err.code, external ? 500 : 404);
            // The client's text is not echoed into a 500; a 404 names the metric and resource.
            if (external)
              assert.equal(err.message, 'Internal error occurred: unable to fetch metrics');
            return true;
          });
          assert.deepEqual(p.prometheus.queries, []);
        },
      ),
      fcParams(5_000),
    );
  });

  it('hostile metric names find no metric and send nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString(), fc.boolean(), async (metric, external) => {
        fc.pre(
          ![
            'http_requests',
            'by_values_gauge',
            'node_temperature',
            'queue_depth',
            'cluster_load',
          ].includes(metric),
        );
        reset(p, 'pod', ['a']);
        const request = external
          ? p.external.get({ namespace: 'n', metric, selector: [] }, signal)
          : p.custom.getByName(
              { resource: 'pods', metric, namespace: 'n', name: 'a', metricSelector: [] },
              signal,
            );
        await assert.rejects(
          request,
          (err: unknown) => err instanceof ApiError && err.code === 404,
        );
        assert.deepEqual(p.prometheus.queries, []);
      }),
      fcParams(5_000),
    );
  });

  it('hostile series names from Prometheus (UTF-8 names of Prometheus 3) never reach PromQL raw', async () => {
    const seriesName = fc.oneof(
      hostileName(),
      hostileName().map((n) => `${n}_total`),
      fc.constantFrom('a.b', 'x{a="b"} or vector(1) #', 'ok_name', 'ok:name_total', 'é', '0abc'),
    );
    let indexed = 0;
    try {
      await fc.assert(
        fc.asyncProperty(seriesName, hostileName(), async (name, pod) => {
          p.reindex([{ name, labels: { namespace: 'n', pod: 'p' } }]);
          const entries = p
            .index()
            .listCustom()
            .filter((e) => e.seriesName === name && e.groupResource.resource === 'pods');
          for (const entry of entries) {
            indexed++;
            reset(p, 'pod', [pod]);
            const request = {
              resource: 'pods',
              metric: entry.metric,
              namespace: 'n',
              name: pod,
              metricSelector: [],
            };
            await p.custom.getByName(request, signal);
            const [selector, ...more] = vectorSelectors(p.prometheus.queries[0] ?? '');
            assert.equal(more.length, 0);
            assert.equal(selector?.metric, name);
            assertMatchersMean(selector.matchers, [is('namespace', 'n'), is('pod', pod)], [pod]);
          }
        }),
        fcParams(5_000),
      );
    } finally {
      p.reindex([]);
    }
    assert.ok(indexed > 0, 'some generated series were indexed and queried');
  });

  it('resource metrics (metrics.k8s.io): hostile pod, namespace and node names', async () => {
    const pods = fc.uniqueArray(fc.record({ namespace: hostileName(), name: hostileName() }), {
      minLength: 1,
      maxLength: 4,
      selector: (x) => `${x.namespace}/${x.name}`,
    });
    await fc.assert(
      fc.asyncProperty(
        pods,
        fc.uniqueArray(hostileName(), { minLength: 1, maxLength: 4 }),
        async (podList, nodeNames) => {
          p.state.pods = podList.map((x) => ({ ...x, labels: {}, creationTimestamp: '' }));
          p.state.nodes = nodeNames.map((name) => ({ name, labels: {} }));
          p.prometheus.queries.length = 0;
          p.prometheus.answer = () => ({ type: 'vector', samples: [] });
          await p.resource.listPods('', [], [], signal);
          await p.resource.listNodes([], [], signal);
          const namespaces = [...new Set(podList.map((x) => x.namespace))];
          // One cpu and one memory query per namespace, then the pair for all nodes.
          assert.equal(p.prometheus.queries.length, namespaces.length * 2 + 2);
          const probes = strings(
            nodeNames,
            podList.map((x) => x.name),
            namespaces,
          );
          for (const q of p.prometheus.queries) {
            const [matchers, ...more] = vectorSelectorMatchers(q);
            assert.equal(more.length, 0);
            // The default resourceRules: nodes are in `instance`, node queries add `id='/'`.
            if (matchers!.some((m) => m.name === 'id')) {
              assertMatchersMean(matchers!, [is('instance', ...nodeNames), is('id', '/')], probes);
              continue;
            }
            const ns = matchers![0]!.value;
            assert.ok(namespaces.includes(ns), `namespace ${JSON.stringify(ns)} of ${q}`);
            const names = podList.filter((x) => x.namespace === ns).map((x) => x.name);
            assertMatchersMean(matchers!, [is('namespace', ns), is('pod', ...names)], probes);
          }
        },
      ),
      fcParams(5_000),
    );
  });

  it('the oracle itself catches injected and unescaped values (so the properties can fail)', () => {
    const means = (query: string, want: Intended[]) => () => {
      const [matchers = []] = vectorSelectorMatchers(query);
      assertMatchersMean(matchers, want, []);
    };
    assert.throws(means('x{pod="a"}) or vector(1) #"}', [is('pod', 'a"}) or vector(1) #')]));
    assert.throws(means('x{pod=~"a.b"}', [is('pod', 'a.b')]));
    assert.throws(means('x{pod!="a"}', [isNot('pod', 'b')]));
    assert.throws(means('x{pod="a\\q"}', [is('pod', 'a\\q')]));
    assert.throws(means('x{pod="\ufeffa"}', [is('pod', 'a')]));
    assert.doesNotThrow(means('x{pod=~"a\\\\.b|c"}', [is('pod', 'a.b', 'c')]));
    assert.doesNotThrow(means("x{pod='\\'\\x41'}", [is('pod', "'A")]));
  });
});
