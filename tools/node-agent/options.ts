import { parseArgs } from 'node:util';
import { homedir } from 'node:os';

/** The node agent's settings, parsed once at startup. */
export interface AgentOptions {
  readonly kubeconfig: string;
  readonly nodeName: string;
  /** Pod directories, logs and the record of host directories created for mount points. */
  readonly stateDir: string;
  /** Linux bridge the pod veths attach to; also the prefix of pod network namespace names. */
  readonly bridge: string;
  /** The bridge's address: the node's InternalIP, pods' KUBERNETES_SERVICE_HOST; pods get the rest of its /24. */
  readonly bridgeIp: string;
  readonly apiPort: number;
  /** Kubelet-like HTTPS port (container logs) on the bridge IP. */
  readonly kubeletPort: number;
  /** Kubelet-like read-only HTTP port (/metrics/resource) on the bridge IP. */
  readonly readOnlyPort: number;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly clientCaFile: string;
  readonly kubeVersion: string;
  /** This repository: images map to its `dist/main.js` and `examples/*`. */
  readonly repoRoot: string;
  /** The program `prom/prometheus` images run (one built with Kubernetes service discovery). */
  readonly prometheusBinary: string;
  /** The program `victoriametrics/victoria-metrics` images run (scripts/backends/build-victoria-metrics.sh). */
  readonly victoriaMetricsBinary: string;
  /** The program `thanos/thanos` images run (scripts/backends/build-thanos.sh). */
  readonly thanosBinary: string;
  readonly verbosity: number;
}

const spec = {
  kubeconfig: { type: 'string' },
  'node-name': { type: 'string' },
  'state-dir': { type: 'string' },
  bridge: { type: 'string', default: 'k8spa0' },
  'bridge-ip': { type: 'string', default: '10.244.0.1' },
  'api-port': { type: 'string', default: '6443' },
  'kubelet-port': { type: 'string', default: '10250' },
  'read-only-port': { type: 'string', default: '10255' },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'client-ca-file': { type: 'string' },
  'kube-version': { type: 'string', default: 'v1.34.4' },
  'repo-root': { type: 'string' },
  'prometheus-binary': { type: 'string', default: '/usr/bin/prometheus' },
  'victoria-metrics-binary': {
    type: 'string',
    default: `${homedir()}/.cache/k8s-prometheus-adapter/victoria-metrics-v1.151.0/bin/victoria-metrics`,
  },
  'thanos-binary': {
    type: 'string',
    default: `${homedir()}/.cache/k8s-prometheus-adapter/thanos-v0.42.5/bin/thanos`,
  },
  v: { type: 'string', default: '2' },
} as const;

const required = (
  values: Record<string, string | undefined>,
  name: string,
  errors: string[],
): string => {
  const v = values[name];
  if (v === undefined || v === '') errors.push(`--${name} is required`);
  return v ?? '';
};

const port = (raw: string, name: string, errors: string[]): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    errors.push(`--${name}: invalid port ${JSON.stringify(raw)}`);
  return n;
};

/** Parses argv (without node and script); throws one Error listing every problem. */
export const parseOptions = (argv: readonly string[]): AgentOptions => {
  const { values } = parseArgs({
    args: [...argv],
    options: spec,
    strict: true,
    allowPositionals: false,
  });
  const errors: string[] = [];
  const opts: AgentOptions = {
    kubeconfig: required(values, 'kubeconfig', errors),
    nodeName: required(values, 'node-name', errors),
    stateDir: required(values, 'state-dir', errors),
    bridge: values.bridge,
    bridgeIp: values['bridge-ip'],
    apiPort: port(values['api-port'], 'api-port', errors),
    kubeletPort: port(values['kubelet-port'], 'kubelet-port', errors),
    readOnlyPort: port(values['read-only-port'], 'read-only-port', errors),
    tlsCertFile: required(values, 'tls-cert-file', errors),
    tlsKeyFile: required(values, 'tls-private-key-file', errors),
    clientCaFile: required(values, 'client-ca-file', errors),
    kubeVersion: values['kube-version'],
    repoRoot: required(values, 'repo-root', errors),
    prometheusBinary: values['prometheus-binary'],
    victoriaMetricsBinary: values['victoria-metrics-binary'],
    thanosBinary: values['thanos-binary'],
    verbosity: Number(values.v),
  };
  if (!/^\d+\.\d+\.\d+\.1$/.test(opts.bridgeIp))
    errors.push(`--bridge-ip must be the .1 of a /24, got ${opts.bridgeIp}`);
  if (opts.bridge.length > 9)
    errors.push(`--bridge name too long (max 9 characters): ${opts.bridge}`);
  if (errors.length > 0) throw new Error(`invalid options:\n  ${errors.join('\n  ')}`);
  return Object.freeze(opts);
};
