/**
 * Test support for the chart suites: where scripts/helm/build-helm.sh caches `helm` (never built
 * here: a missing binary skips the suite), running it, and parsing what it renders.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/repo-root.ts';

export const HELM_VERSION = 'v4.3.2';
export const CHART_DIR = join(REPO_ROOT, 'charts', 'k8s-prometheus-adapter');
export const FIXTURES = join(REPO_ROOT, 'test', 'chart', 'fixtures');
/** The checked-in rendering of the chart with its defaults (for users without Helm). */
export const RENDERED_DEFAULTS = join(REPO_ROOT, 'deploy', 'chart', 'k8s-prometheus-adapter.yaml');
/** Release name and namespace of deploy/chart/: the full name is then just the chart name. */
export const RELEASE = 'k8s-prometheus-adapter';
export const NAMESPACE = 'monitoring';

/** The cached helm binary (scripts/helm/build-helm.sh). */
export const helmPath = (): string =>
  join(
    process.env.K8S_PA_CACHE ?? join(homedir(), '.cache', 'k8s-prometheus-adapter'),
    `helm-${HELM_VERSION}`,
    'bin',
    'helm',
  );

/** Why the chart suites cannot run, or undefined when they can. */
export const helmSkipReason = (): string | undefined =>
  existsSync(helmPath())
    ? undefined
    : `helm ${HELM_VERSION} is not built (${helmPath()}): run bash scripts/helm/build-helm.sh`;

/** Runs helm from the repository root; resolves with stdout, rejects with its stderr. */
export const helm = (
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      helmPath(),
      [...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(`helm ${args.join(' ')}: ${stderr.trim() || stdout.trim() || err.message}`, {
              cause: err,
            }),
          );
        else resolve(stdout);
      },
    );
  });

/** The arguments of `helm template` for the chart, a values file per entry of `values`. */
export const templateArgs = (
  values: readonly string[],
  extra: readonly string[] = [],
): string[] => [
  'template',
  RELEASE,
  CHART_DIR,
  '--namespace',
  NAMESPACE,
  ...values.flatMap((file) => ['--values', file]),
  ...extra,
];

/** A rendered Kubernetes object (only the fields the tests read are typed). */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** The objects of a multi-document YAML stream (empty documents dropped); throws on bad YAML. */
export const parseObjects = (text: string): K8sObject[] => {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`bad YAML from helm: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
};

/** Renders the chart with the given values files; resolves with the objects. */
export const render = async (
  values: readonly string[],
  extra: readonly string[] = [],
): Promise<K8sObject[]> => parseObjects(await helm(templateArgs(values, extra)));

/** `Kind/name` (and `@namespace` when namespaced) of each object, sorted. */
export const inventory = (objects: readonly K8sObject[]): string[] =>
  objects
    .map(
      (o) =>
        `${o.kind}/${o.metadata.name}${o.metadata.namespace === undefined ? '' : `@${o.metadata.namespace}`}`,
    )
    .sort();

/** The one object of a kind (and name, when given); throws when there is not exactly one. */
export const only = (objects: readonly K8sObject[], kind: string, name?: string): K8sObject => {
  const found = objects.filter(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0] as K8sObject;
};
