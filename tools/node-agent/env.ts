import type { Container, EnvVar, Pod } from 'kubernetes-types/core/v1.js';

/** Facts about the running pod that env and downward-API values refer to. */
export interface PodFacts {
  readonly podIp: string;
  readonly hostIp: string;
  readonly apiHost: string;
  readonly apiPort: number;
}

/** Looks up `key` of a ConfigMap or Secret in the pod's namespace (Secret values decoded). */
export type KeyLookup = (
  kind: 'ConfigMap' | 'Secret',
  name: string,
  key: string | undefined,
) => Promise<Record<string, string>>;

/** Value of a downward-API fieldPath (`metadata.name`, `metadata.labels['app']`, `status.podIP`, …). */
export const fieldValue = (pod: Pod, facts: PodFacts, fieldPath: string): string => {
  const meta = pod.metadata ?? {};
  const mapKey = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (mapKey)
    return (mapKey[1] === 'labels' ? meta.labels : meta.annotations)?.[mapKey[2] ?? ''] ?? '';
  const values: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': facts.podIp,
    'status.podIPs': facts.podIp,
    'status.hostIP': facts.hostIp,
    'status.hostIPs': facts.hostIp,
  };
  const v = values[fieldPath];
  if (v === undefined) throw new Error(`unsupported fieldPath ${fieldPath}`);
  return v;
};

/** Expands `$(NAME)` references from `env` the way the kubelet does; `$$(NAME)` stays literal `$(NAME)`. */
export const expandRefs = (text: string, env: Readonly<Record<string, string>>): string =>
  text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in env ? (env[name] ?? '') : match;
  });

const resolveVar = async (
  pod: Pod,
  facts: PodFacts,
  v: EnvVar,
  lookup: KeyLookup,
): Promise<string | undefined> => {
  const from = v.valueFrom;
  if (from === undefined) return v.value ?? '';
  if (from.fieldRef) return fieldValue(pod, facts, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) return '0';
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  if (ref === undefined) return undefined;
  const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
  const found = await lookup(kind, ref.name ?? '', ref.key).catch(
    (err: unknown): Record<string, string> => {
      if (ref.optional === true) return {};
      throw err;
    },
  );
  const value = found[ref.key];
  if (value === undefined && ref.optional !== true)
    throw new Error(`${kind} ${ref.name ?? ''} has no key ${ref.key}`);
  return value;
};

/**
 * The environment of one container: a minimal base (PATH, HOSTNAME, HOME), the service env of the
 * apiserver (KUBERNETES_SERVICE_HOST/PORT = the bridge address), then `envFrom` and `env` in order,
 * with `$(VAR)` expansion against what is defined before.
 */
export const buildEnv = async (
  pod: Pod,
  container: Container,
  facts: PodFacts,
  lookup: KeyLookup,
): Promise<Record<string, string>> => {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.metadata?.name ?? '',
    HOME: '/root',
    KUBERNETES_SERVICE_HOST: facts.apiHost,
    KUBERNETES_SERVICE_PORT: String(facts.apiPort),
    KUBERNETES_SERVICE_PORT_HTTPS: String(facts.apiPort),
    KUBERNETES_PORT: `tcp://${facts.apiHost}:${facts.apiPort}`,
  };
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const values = await lookup(kind, ref?.name ?? '', undefined).catch(
      (err: unknown): Record<string, string> => {
        if (ref?.optional === true) return {};
        throw err;
      },
    );
    for (const [k, v] of Object.entries(values)) env[`${source.prefix ?? ''}${k}`] = v;
  }
  for (const v of container.env ?? []) {
    const value = await resolveVar(pod, facts, v, lookup);
    if (value !== undefined)
      env[v.name] = v.valueFrom === undefined ? expandRefs(value, env) : value;
  }
  return env;
};
