import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { buildEnv, expandRefs, fieldValue, type KeyLookup } from './env.ts';

const pod: Pod = {
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'u1',
    labels: { app: 'web' },
    annotations: { 'a/b': 'c' },
  },
  spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [] },
};
const facts = { podIp: '10.244.0.7', hostIp: '10.244.0.1', apiHost: '10.244.0.1', apiPort: 6443 };
const lookup: KeyLookup = (kind, name) => {
  if (kind === 'ConfigMap' && name === 'cfg') return Promise.resolve({ MODE: 'fast', LEVEL: '3' });
  if (kind === 'Secret' && name === 'creds') return Promise.resolve({ password: 'hunter2' });
  return Promise.reject(new Error(`${kind} ${name} not found`));
};

test('fieldValue resolves the downward API paths', () => {
  const table: [string, string][] = [
    ['metadata.name', 'web-1'],
    ['metadata.namespace', 'shop'],
    ['metadata.uid', 'u1'],
    ["metadata.labels['app']", 'web'],
    ["metadata.annotations['a/b']", 'c'],
    ['spec.nodeName', 'n1'],
    ['spec.serviceAccountName', 'sa'],
    ['status.podIP', '10.244.0.7'],
    ['status.hostIP', '10.244.0.1'],
  ];
  for (const [path, want] of table) assert.equal(fieldValue(pod, facts, path), want, path);
  assert.throws(() => fieldValue(pod, facts, 'spec.bogus'), /unsupported fieldPath/);
});

test('expandRefs follows the kubelet rules', () => {
  const env = { A: 'x', B: 'y' };
  const table: [string, string][] = [
    ['$(A)-$(B)', 'x-y'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['plain', 'plain'],
  ];
  for (const [input, want] of table) assert.equal(expandRefs(input, env), want, input);
});

test('buildEnv: service env, envFrom, env with refs and expansion', async () => {
  const env = await buildEnv(
    pod,
    {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
      env: [
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'URL', value: 'http://$(IP):8080' },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
      ],
    },
    facts,
    lookup,
  );
  assert.equal(env.KUBERNETES_SERVICE_HOST, '10.244.0.1');
  assert.equal(env.KUBERNETES_SERVICE_PORT, '6443');
  assert.equal(env.CFG_MODE, 'fast');
  assert.equal(env.POD, 'web-1');
  assert.equal(env.URL, 'http://10.244.0.7:8080');
  assert.equal(env.PASS, 'hunter2');
  assert.equal('OPT' in env, false);
  await assert.rejects(
    buildEnv(
      pod,
      {
        name: 'c',
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }],
      },
      facts,
      lookup,
    ),
    /not found/,
  );
});
