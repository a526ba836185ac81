/**
 * The Thanos tenancy e2e's cluster side: Thanos Receive and Query (tenancy enforced) in namespace
 * `thanos` at fixed ClusterIPs (the local cluster has no DNS), two teams' namespaces each with the
 * walkthrough's sample app, its HPA and its own Prometheus (pod discovery limited to the namespace,
 * remote-writing as the team's tenant), and the walkthrough's adapter pointing at Query through a
 * backend whose THANOS-TENANT header is the request's namespace. Deployed with kubectl.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kubectl } from './metrics-apis-cluster.ts';
import { prepareWalkthrough, registerWalkthroughAdapter } from './security-cluster.ts';
import { TENANT_HEADER } from '../support/thanos-tenancy.ts';

export const TEAMS = ['team-a', 'team-b'] as const;
export type Team = (typeof TEAMS)[number];
const THANOS_IMAGE = 'quay.io/thanos/thanos:v0.42.5';

/** Where Receive and Query listen: fixed addresses in the low (static) band of the service range. */
export interface ThanosAddresses {
  readonly receive: string;
  readonly query: string;
}

export const thanosAddresses = (serviceNet: string): ThanosAddresses => ({
  receive: `${serviceNet}.10`,
  query: `${serviceNet}.11`,
});

const deployment = (ns: string, name: string, spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${spec}`;

/** A Service selecting app=`name`; `clusterIP` fixed unless empty. */
const service = (ns: string, name: string, clusterIP: string, ports: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
${clusterIP === '' ? '' : `  clusterIP: ${clusterIP}\n`}  selector: {app: ${name}}
  ports: ${ports}
`;

/** Receive (tenant from the writers' `tenant` label) and Query (tenancy enforced) with Services. */
export const thanosManifests = (ip: ThanosAddresses): string =>
  [
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: thanos}\n',
    deployment(
      'thanos',
      'thanos-receive',
      `      containers:
        - name: receive
          image: ${THANOS_IMAGE}
          args:
            - receive
            - --tsdb.path=/var/thanos/receive
            - --grpc-address=0.0.0.0:10901
            - --http-address=0.0.0.0:10902
            - --remote-write.address=0.0.0.0:19291
            - --label=receive_replica="0"
          readinessProbe: {httpGet: {path: /-/ready, port: 10902}, periodSeconds: 2}
          volumeMounts: [{name: data, mountPath: /var/thanos/receive}]
      volumes: [{name: data, emptyDir: {}}]
`,
    ),
    service(
      'thanos',
      'thanos-receive',
      ip.receive,
      '[{name: remote-write, port: 19291}, {name: grpc, port: 10901}]',
    ),
    deployment(
      'thanos',
      'thanos-query',
      `      containers:
        - name: query
          image: ${THANOS_IMAGE}
          args:
            - query
            - --http-address=0.0.0.0:9090
            - --grpc-address=0.0.0.0:10901
            - '--endpoint.sd-config={endpoints: [{address: "${ip.receive}:10901"}]}'
            - --query.enforce-tenancy
          readinessProbe: {httpGet: {path: /-/ready, port: 9090}, periodSeconds: 2}
`,
    ),
    service('thanos', 'thanos-query', ip.query, '[{name: http, port: 9090}]'),
  ].join('---\n');

/**
 * One team's Prometheus config: the walkthrough's pod scrape (annotations) limited to its own
 * namespace, every 5 s, remote-written to Receive with the team's `THANOS-TENANT` header (the
 * cluster's Prometheus is built from its Go module and sends `remote_write.headers`; Debian's 2.42,
 * which the process test uses, does not, so that test splits tenants by an external label instead).
 */
const prometheusConfig = (team: Team, ip: ThanosAddresses): string =>
  JSON.stringify({
    global: { scrape_interval: '5s' },
    scrape_configs: [
      {
        job_name: 'kubernetes-pods',
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [team] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          {
            source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
            action: 'keep',
            regex: 'true',
          },
          {
            source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
            regex: '([^:]+)(?::\\d+)?;(\\d+)',
            replacement: '$1:$2',
            target_label: '__address__',
          },
        ],
      },
    ],
    remote_write: [
      {
        url: `http://${ip.receive}:19291/api/v1/receive`,
        headers: { 'THANOS-TENANT': team },
        queue_config: { batch_send_deadline: '1s' },
      },
    ],
  });

/** A team's namespace: its Prometheus (RBAC to watch its own pods only), the sample app and HPA. */
export const teamManifests = (team: Team, ip: ThanosAddresses): string =>
  [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${team}}\n`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus, namespace: ${team}}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: ${team}}
rules: [{apiGroups: [''], resources: [pods], verbs: [get, list, watch]}]
`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prometheus-pod-reader, namespace: ${team}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: ${team}}]
`,
    `apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: ${team}}
data:
  prometheus.yml: '${prometheusConfig(team, ip)}'
`,
    deployment(
      team,
      'prometheus',
      `      serviceAccountName: prometheus
      containers:
        - name: prometheus
          image: prom/prometheus:v2.42.0
          args: [--config.file=/etc/prometheus/prometheus.yml, --storage.tsdb.path=/prometheus]
          volumeMounts:
            - {name: config, mountPath: /etc/prometheus}
            - {name: data, mountPath: /prometheus}
      volumes:
        - {name: config, configMap: {name: prometheus}}
        - {name: data, emptyDir: {}}
`,
    ),
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: sample-app, namespace: ${team}, labels: {app: sample-app}}
spec:
  replicas: 1
  selector: {matchLabels: {app: sample-app}}
  template:
    metadata:
      labels: {app: sample-app}
      annotations: {prometheus.io/scrape: 'true', prometheus.io/port: '8080'}
    spec:
      containers: [{name: metrics-provider, image: 'luxas/autoscale-demo:v0.1.2'}]
`,
    service(team, 'sample-app', '', '[{port: 80, targetPort: 8080}]'),
    `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: sample-app, namespace: ${team}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: sample-app}
  minReplicas: 1
  maxReplicas: 10
  metrics:
    - type: Pods
      pods: {metric: {name: http_requests}, target: {type: AverageValue, averageValue: 500m}}
`,
  ].join('---\n');

/** The adapter's --config: one rule on the Thanos backend, THANOS-TENANT = the namespace. */
export const adapterConfig = (ip: ThanosAddresses): string =>
  [
    'backends:',
    '- name: thanos',
    `  urls: ["http://${ip.query}:9090"]`,
    `  tenant: {header: ${TENANT_HEADER}, template: "<<.Namespace>>"}`,
    `  tenants: [${TEAMS.join(', ')}]`,
    'rules:',
    `- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'`,
    '  backend: thanos',
    '  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}',
    '  name: {matches: "^(.*)_total$", as: "${1}"}',
    "  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[30s])) by (<<.GroupBy>>)'",
    '',
  ].join('\n');

/** The walkthrough's adapter Deployment without its Prometheus: only the Thanos backend. */
const adapterDeployment = (ip: ThanosAddresses) =>
  deployment(
    'prom',
    'prometheus',
    `      serviceAccountName: prom-cm-adapter
      containers:
        - name: cm-adapter
          image: directxman12/k8s-prometheus-adapter
          args:
            - --secure-port=6443
            - --tls-cert-file=/var/run/serving-cert/serving.crt
            - --tls-private-key-file=/var/run/serving-cert/serving.key
            - --prometheus-url=http://${ip.query}:9090/
            - --config=/etc/adapter/config.yaml
            - --metrics-relist-interval=10s
            - --v=4
          volumeMounts:
            - {name: serving-certs, mountPath: /var/run/serving-cert, readOnly: true}
            - {name: adapter-config, mountPath: /etc/adapter, readOnly: true}
      volumes:
        - {name: serving-certs, secret: {secretName: cm-adapter-serving-certs}}
        - {name: adapter-config, configMap: {name: adapter-config}}
`,
  );

/** Applies everything and waits for every rollout. */
export const deployThanosTenancy = async (
  kubectl: Kubectl,
  p: { readonly repo: string; readonly dir: string; readonly ip: ThanosAddresses },
): Promise<void> => {
  const file = async (name: string, text: string) => {
    const path = join(p.dir, name);
    await writeFile(path, text);
    return path;
  };
  await kubectl('apply', '-f', await file('thanos.yaml', thanosManifests(p.ip)));
  for (const team of TEAMS)
    await kubectl('apply', '-f', await file(`${team}.yaml`, teamManifests(team, p.ip)));
  const ca = await prepareWalkthrough(kubectl, p.repo, p.dir);
  const config = await file('adapter-config.yaml', adapterConfig(p.ip));
  await kubectl(
    ...['-n', 'prom', 'create', 'configmap', 'adapter-config'],
    `--from-file=config.yaml=${config}`,
  );
  await kubectl('apply', '-f', await file('adapter.yaml', adapterDeployment(p.ip)));
  await registerWalkthroughAdapter(kubectl, p.repo, p.dir, ca);
  const rollouts: [string, string][] = [
    ['thanos', 'thanos-receive'],
    ['thanos', 'thanos-query'],
    ...TEAMS.flatMap((t): [string, string][] => [
      [t, 'prometheus'],
      [t, 'sample-app'],
    ]),
    ['prom', 'prometheus'],
  ];
  for (const [ns, name] of rollouts)
    await kubectl('-n', ns, 'rollout', 'status', `deploy/${name}`, '--timeout=120s');
};
