import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { customMetricsGroup } from './custom-metrics.ts';
import { externalMetricsGroup } from './external-metrics.ts';
import { buildOpenApi } from './openapi.ts';
import { resourceMetricsGroup } from './resource-metrics.ts';
import type { ResourceMetricsProvider } from './resource-provider.ts';

const refsIn = (value: unknown, out: string[] = []): string[] => {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
};

describe('openapi documents', () => {
  const unused = () => Promise.reject(new Error('not called'));
  const groups = [
    customMetricsGroup({
      listMetrics: () => [],
      getByName: unused,
      getBySelector: unused,
    }),
    externalMetricsGroup({ listMetrics: () => [], get: unused }),
    resourceMetricsGroup({} as ResourceMetricsProvider, () => 0),
  ];
  const docs = buildOpenApi(groups);

  it('every $ref of v2 resolves to a definition', () => {
    const doc = JSON.parse(docs.v2.body) as {
      definitions: Record<string, unknown>;
      paths: unknown;
    };
    const missing = refsIn(doc).filter(
      (r) => !(r.replace('#/definitions/', '') in doc.definitions),
    );
    assert.deepEqual(missing, []);
    assert.ok('io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetricsList' in doc.definitions);
  });

  it('every $ref of each v3 group document resolves', () => {
    assert.equal(docs.v3.size, 4);
    for (const [key, d] of docs.v3) {
      const doc = JSON.parse(d.body) as { components: { schemas: Record<string, unknown> } };
      const missing = refsIn(doc).filter(
        (r) => !(r.replace('#/components/schemas/', '') in doc.components.schemas),
      );
      assert.deepEqual(missing, [], key);
    }
  });
});
