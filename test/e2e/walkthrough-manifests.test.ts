// The walkthrough's deploy manifests grant the adapter what every aggregated API server needs
// (upstream's system:auth-delegator and extension-apiserver-authentication-reader bindings) and
// nothing more: no authz exceptions, no wildcard grants, no flags weakening delegated authn/authz.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ClusterRole, ClusterRoleBinding, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/repo-root.ts';

const WALK = join(REPO_ROOT, 'deploy/walkthrough');
const ADAPTER_SA = { kind: 'ServiceAccount', name: 'prom-cm-adapter', namespace: 'prom' };

type Doc = ClusterRole | ClusterRoleBinding | RoleBinding | Deployment | { kind?: string };
const docs = async (file: string): Promise<Doc[]> =>
  parseAllDocuments(await readFile(join(WALK, file), 'utf8')).map((d) => d.toJS() as Doc);

const bindsAdapter = (d: Doc, kind: string, role: string, namespace?: string): boolean => {
  if (d.kind !== kind || !('roleRef' in d)) return false;
  return (
    d.metadata?.namespace === namespace &&
    d.roleRef.name === role &&
    JSON.stringify(d.subjects) === JSON.stringify([ADAPTER_SA])
  );
};

test('the adapter SA is bound to system:auth-delegator and the authentication reader', async () => {
  const rbac = await docs('prom-adapter.rbac.yaml');
  assert.ok(rbac.some((d) => bindsAdapter(d, 'ClusterRoleBinding', 'system:auth-delegator')));
  const reader = 'extension-apiserver-authentication-reader';
  assert.ok(rbac.some((d) => bindsAdapter(d, 'RoleBinding', reader, 'kube-system')));
});

test('no rule grants non-resource URLs, every API group or every verb', async () => {
  const rules = (await docs('prom-adapter.rbac.yaml')).flatMap((d) =>
    'rules' in d ? (d.rules ?? []) : [],
  );
  assert.ok(rules.length > 0);
  for (const rule of rules) {
    const shown = JSON.stringify(rule);
    assert.equal(rule.nonResourceURLs, undefined, `non-resource grant: ${shown}`);
    assert.ok(!(rule.apiGroups ?? []).includes('*'), `grant on every API group: ${shown}`);
    assert.ok(!rule.verbs.includes('*'), `wildcard verb: ${shown}`);
  }
});

test('the adapter keeps the default delegated authn/authz (no overrides, no always-allow paths)', async () => {
  const deployment = (await docs('prom-adapter.deployment.yaml')).find(
    (d): d is Deployment => d.kind === 'Deployment',
  );
  const containers = deployment?.spec?.template.spec?.containers ?? [];
  const args = containers.find((c) => c.name === 'cm-adapter')?.args ?? [];
  assert.ok(args.length > 0, 'the cm-adapter container has args');
  const weakening = /^--(authentication-|authorization-|requestheader-|client-ca-file)/;
  assert.deepEqual(
    args.filter((a) => weakening.test(a)),
    [],
  );
});
