/**
 * The security e2e's cluster side: the walkthrough's adapter deployed with kubectl (no sample app,
 * no HPA), the test's own users and ServiceAccounts, and small kubectl wrappers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdapterTarget, DirectReply } from './direct-client.ts';
import { statusBody } from '../support/fake-kube-api.ts';
import { run } from './local-cluster.ts';

/** The kubectl of one cluster (binary and environment with its KUBECONFIG). */
export interface Kubectl {
  (...args: string[]): Promise<string>;
}

/** kubectl's outcome when a failure is expected: `ok` false carries stderr in `text`. */
export interface KubectlOutcome {
  readonly ok: boolean;
  readonly text: string;
}

/** Runs kubectl and reports success or the error text instead of rejecting. */
export const attempt = (kubectl: Kubectl, ...args: string[]): Promise<KubectlOutcome> =>
  kubectl(...args).then(
    (text) => ({ ok: true, text }),
    (err: unknown) => ({ ok: false, text: err instanceof Error ? err.message : String(err) }),
  );

export const GROUP = 'custom.metrics.k8s.io';
/** A metric no rule serves: an authorized request gets the adapter's own 404 (no Prometheus needed). */
export const METRIC = 'security_e2e_absent';
export const METRIC_PATH = `/apis/${GROUP}/v1beta1/namespaces/default/pods/*/${METRIC}`;
/** The adapter's 404 wording (upstream-behaviour: errors): proof that authn and authz passed. */
export const NOT_FOUND = `the server could not find the metric ${METRIC} for pods`;

/** The 403 message (upstream-behaviour: errors) for `user` asking METRIC_PATH. */
export const forbiddenMessage = (user: string): string =>
  `pods.${GROUP} "*" is forbidden: User "${user}" cannot get resource "pods/${METRIC}" ` +
  `in API group "${GROUP}" in the namespace "default"`;

/** The adapter's 401 body (upstream-behaviour: errors). */
export const UNAUTHORIZED = statusBody(401, 'Unauthorized', 'Unauthorized');
/** The adapter's 403 body for `user` asking METRIC_PATH (upstream-behaviour: errors). */
export const forbidden = (user: string) =>
  statusBody(403, 'Forbidden', forbiddenMessage(user), { name: '*', group: GROUP, kind: 'pods' });
/** The adapter's 404 for METRIC_PATH: authentication and authorization passed. */
export const isNotFound = (r: DirectReply) =>
  r.status === 404 && (r.json as { message?: string } | undefined)?.message === NOT_FOUND;

/**
 * The test's identities: ServiceAccounts `sec/{reader,nobody,grantee}` and a Role allowing `get`
 * on every custom metric in `default`, bound from the start to the user `alice` and `sec/reader`.
 */
const FIXTURES = `apiVersion: v1
kind: Namespace
metadata: {name: sec}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: sec}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nobody, namespace: sec}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: grantee, namespace: sec}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: metrics-getter, namespace: default}
rules:
  - apiGroups: [${GROUP}]
    resources: ['*']
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: metrics-getter-static, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: metrics-getter}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
  - {kind: ServiceAccount, name: reader, namespace: sec}
`;

/**
 * Applies the walkthrough's namespace, Prometheus config, RBAC, serving Secret, Deployment,
 * Service and APIServices exactly as docs/walkthrough.md does, plus the test's identities;
 * waits for the rollout. Returns the adapter's serving CA (PEM).
 */
/**
 * What the walkthrough creates before its adapter Deployment: serving certificates (in
 * `<dir>/walkthrough-certs`), namespace `prom`, the Prometheus ConfigMap, the RBAC and the serving
 * Secret. Returns the serving CA (PEM).
 */
export const prepareWalkthrough = async (
  kubectl: Kubectl,
  repo: string,
  dir: string,
): Promise<string> => {
  const walk = join(repo, 'deploy/walkthrough');
  const certs = join(dir, 'walkthrough-certs');
  await run('bash', [join(walk, 'gen-serving-cert.sh'), certs], {});
  await kubectl('create', 'namespace', 'prom');
  const promCfg = `--from-file=prometheus.yml=${join(walk, 'prom-cfg.yaml')}`;
  await kubectl('-n', 'prom', 'create', 'configmap', 'prometheus', promCfg);
  await kubectl('apply', '-f', join(walk, 'prom-adapter.rbac.yaml'));
  await kubectl(
    ...['-n', 'prom', 'create', 'secret', 'generic', 'cm-adapter-serving-certs'],
    `--from-file=serving.crt=${join(certs, 'serving.crt')}`,
    `--from-file=serving.key=${join(certs, 'serving.key')}`,
  );
  return readFile(join(certs, 'ca.crt'), 'utf8');
};

/** What the walkthrough creates after it: service `prom/prometheus` and the APIServices. */
export const registerWalkthroughAdapter = async (
  kubectl: Kubectl,
  repo: string,
  dir: string,
  ca: string,
): Promise<void> => {
  await kubectl('-n', 'prom', 'create', 'service', 'clusterip', 'prometheus', '--tcp=443:6443');
  const registration = join(dir, 'cm-registration.yaml');
  const template = await readFile(join(repo, 'deploy/walkthrough/cm-registration.yaml'), 'utf8');
  await writeFile(
    registration,
    template.replaceAll('CA_BUNDLE', Buffer.from(ca).toString('base64')),
  );
  await kubectl('apply', '-f', registration);
};

export const deployAdapter = async (
  kubectl: Kubectl,
  repo: string,
  dir: string,
): Promise<string> => {
  const ca = await prepareWalkthrough(kubectl, repo, dir);
  await kubectl('apply', '-f', join(repo, 'deploy/walkthrough/prom-adapter.deployment.yaml'));
  await registerWalkthroughAdapter(kubectl, repo, dir, ca);
  const fixtures = join(dir, 'security-fixtures.yaml');
  await writeFile(fixtures, FIXTURES);
  await kubectl('apply', '-f', fixtures);
  await kubectl('-n', 'prom', 'rollout', 'status', 'deploy/prometheus', '--timeout=120s');
  return ca;
};

/** The adapter pod as the restart check needs it. */
export interface AdapterPod {
  readonly uid: string;
  readonly ip: string;
  readonly adapterRestarts: number;
}

interface PodList {
  items: {
    metadata: { uid: string };
    status: { podIP?: string; containerStatuses?: { name: string; restartCount: number }[] };
  }[];
}

/** The (single) adapter pod; rejects unless exactly one exists. */
export const adapterPod = async (kubectl: Kubectl): Promise<AdapterPod> => {
  const list = JSON.parse(
    await kubectl('-n', 'prom', 'get', 'pods', '-l', 'app=prometheus', '-o', 'json'),
  ) as PodList;
  const pod = list.items[0];
  if (list.items.length !== 1 || pod === undefined) {
    throw new Error(`expected one adapter pod, found ${list.items.length}`);
  }
  const adapter = pod.status.containerStatuses?.find((c) => c.name === 'cm-adapter');
  return {
    uid: pod.metadata.uid,
    ip: pod.status.podIP ?? '',
    adapterRestarts: adapter?.restartCount ?? -1,
  };
};

/** How to reach the adapter pod directly, trusting the walkthrough's serving CA. */
export const targetOf = (pod: AdapterPod, ca: string): AdapterTarget => ({
  host: pod.ip,
  port: 6443,
  servername: 'prometheus.prom.svc',
  ca,
});

/** Asks the kube-apiserver (a real SubjectAccessReview) whether `user` may get METRIC_PATH. */
export const apiserverAllows = async (
  kubectl: Kubectl,
  dir: string,
  user: string,
): Promise<boolean> => {
  const file = join(dir, `sar-${user}.json`);
  const resourceAttributes = {
    ...{ namespace: 'default', verb: 'get', group: GROUP, resource: 'pods' },
    ...{ subresource: METRIC, name: '*' },
  };
  const spec = { user, groups: ['system:authenticated'], resourceAttributes };
  const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
  await writeFile(file, JSON.stringify(sar));
  return (await kubectl('create', '-f', file, '-o', 'jsonpath={.status.allowed}')) === 'true';
};
