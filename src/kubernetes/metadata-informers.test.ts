import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeMetaFrom, podMetaFrom } from './metadata-informers.ts';

describe('metadata kept by the caches', () => {
  it('keeps only name, namespace, labels and creationTimestamp of a pod', () => {
    const pod = {
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'default',
        labels: { app: 'web', bad: 7 },
        annotations: { big: 'x'.repeat(1000) },
        creationTimestamp: '2024-01-01T00:00:00Z',
        resourceVersion: '5',
      },
      spec: { containers: [{ name: 'app' }] },
      status: { phase: 'Running' },
    };
    assert.deepEqual(podMetaFrom(pod), {
      name: 'web-1',
      namespace: 'default',
      labels: { app: 'web' },
      creationTimestamp: '2024-01-01T00:00:00Z',
    });
  });

  it('keeps only name and labels of a node', () => {
    assert.deepEqual(nodeMetaFrom({ metadata: { name: 'n1', uid: 'u' }, status: {} }), {
      name: 'n1',
      labels: {},
    });
  });

  it('skips objects without a name', () => {
    assert.equal(podMetaFrom({ metadata: {} }), undefined);
    assert.equal(nodeMetaFrom(null), undefined);
    assert.equal(nodeMetaFrom({ kind: 'Status' }), undefined);
  });
});
