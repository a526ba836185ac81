/**
 * The Helm chart (charts/k8s-prometheus-adapter) rendered by a real `helm` (scripts/helm/build-helm.sh;
 * the suite is skipped when it is not built): it lints; the prometheus-community chart's default
 * values and a typical user's values render to the objects, flags and config the adapter needs;
 * the config it writes loads with the adapter's own loader and the flags parse with its own
 * parser; deploy/chart/ is the chart rendered with its defaults.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { ClusterRole, ClusterRoleBinding, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { loadConfigWithPositions } from '../../src/config/load.ts';
import { defaultConfig } from '../../src/config/default-config.ts';
import { renderConfigYaml } from '../../src/config/render-config.ts';
import { parseArgs, validateOptions } from '../../src/cli/options.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import {
  CHART_DIR,
  FIXTURES,
  NAMESPACE,
  RELEASE,
  RENDERED_DEFAULTS,
  helm,
  helmSkipReason,
  inventory,
  only,
  render,
  templateArgs,
  type K8sObject,
} from './helm.ts';

const skip = helmSkipReason() ?? false;

/** apiregistration.k8s.io/v1 APIService (kubernetes-types has no apiregistration group). */
interface APIService {
  readonly metadata?: { readonly name?: string };
  readonly spec?: {
    readonly group?: string;
    readonly version?: string;
    readonly caBundle?: string;
    readonly insecureSkipTLSVerify?: boolean;
    readonly service?: {
      readonly name?: string;
      readonly namespace?: string;
      readonly port?: number;
    };
  };
}
const UPSTREAM_DEFAULTS = join(FIXTURES, 'upstream-defaults.yaml');
const TYPICAL = join(FIXTURES, 'typical.yaml');
const NAME = RELEASE; // the release name contains the chart name: full name = release name

const deploymentOf = (objects: readonly K8sObject[]): Deployment =>
  only(objects, 'Deployment', NAME) as unknown as Deployment;
const adapterContainer = (objects: readonly K8sObject[]): Container => {
  const containers = deploymentOf(objects).spec?.template.spec?.containers ?? [];
  assert.equal(containers.length, 1);
  return containers[0] as Container;
};
const argsOf = (objects: readonly K8sObject[]): string[] => adapterContainer(objects).args ?? [];
const configText = (objects: readonly K8sObject[]): string => {
  const data = only(objects, 'ConfigMap', NAME).data as Record<string, string> | undefined;
  const text = data?.['config.yaml'];
  assert.equal(typeof text, 'string', 'the ConfigMap has config.yaml');
  return text as string;
};
/** The config as the adapter loads it (throws the adapter's ConfigError when it would not start). */
const loadRendered = (objects: readonly K8sObject[]) =>
  loadConfigWithPositions(configText(objects), 'config.yaml').config;
const apiServices = (objects: readonly K8sObject[]): APIService[] =>
  objects.filter((o) => o.kind === 'APIService');
/** The adapter's own command-line parser on the rendered args: they must be a valid command line. */
const parsedFlags = (args: readonly string[]) => {
  const parsed = parseArgs(args);
  assert.equal(parsed.command, 'serve');
  if (parsed.command !== 'serve') throw new Error('unreachable');
  assert.deepEqual(validateOptions(parsed.options), []);
  assert.deepEqual(parsed.args, [], 'no stray positional arguments');
  return parsed.options;
};
const chartDefaultRules = (): unknown =>
  (
    parse(readFileSync(join(CHART_DIR, 'files', 'default-rules.yaml'), 'utf8')) as {
      rules: unknown;
    }
  ).rules;

describe('the chart files', () => {
  it('Chart.yaml is apiVersion v2 with appVersion = package.json version', () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'k8s-prometheus-adapter');
    assert.equal(chart.appVersion, pkg.version);
  });

  it('rules.default is the set `config-gen` prints (its rules, at the default 5m rate interval)', () => {
    const generated = parse(renderConfigYaml(defaultConfig(5 * 60_000, ''))) as {
      rules: unknown;
    };
    assert.deepEqual(chartDefaultRules(), generated.rules);
  });
});

describe('helm lint', { skip }, () => {
  for (const [label, values] of [
    ['the chart defaults', []],
    ['the upstream chart defaults', [UPSTREAM_DEFAULTS]],
    ['a typical user', [TYPICAL]],
  ] as const) {
    it(`passes with ${label}`, async () => {
      const out = await helm([
        'lint',
        CHART_DIR,
        '--strict',
        ...values.flatMap((v) => ['--values', v]),
      ]);
      assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('helm template with the prometheus-community chart defaults', { skip }, () => {
  it('renders exactly the objects for custom.metrics.k8s.io', async () => {
    const objects = await render([UPSTREAM_DEFAULTS]);
    assert.deepEqual(
      inventory(objects),
      [
        `APIService/v1beta1.custom.metrics.k8s.io`,
        `APIService/v1beta2.custom.metrics.k8s.io`,
        `ClusterRole/${NAME}-resource-reader`,
        `ClusterRole/${NAME}-server-resources`,
        `ClusterRoleBinding/${NAME}-hpa-controller`,
        `ClusterRoleBinding/${NAME}-resource-reader`,
        `ClusterRoleBinding/${NAME}:system:auth-delegator`,
        `ConfigMap/${NAME}@${NAMESPACE}`,
        `Deployment/${NAME}@${NAMESPACE}`,
        `RoleBinding/${NAME}-auth-reader@kube-system`,
        `Service/${NAME}@${NAMESPACE}`,
        `ServiceAccount/${NAME}@${NAMESPACE}`,
      ].sort(),
    );
  });

  it('keeps their values: 1 replica, their probes, no spread, a self-signed certificate', async () => {
    const objects = await render([UPSTREAM_DEFAULTS]);
    const deployment = deploymentOf(objects);
    assert.equal(deployment.spec?.replicas, 1);
    assert.equal(deployment.spec?.template.spec?.topologySpreadConstraints, undefined);
    const container = adapterContainer(objects);
    assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(container.readinessProbe?.httpGet?.path, '/healthz');
    assert.equal(container.image, 'registry.k8s.io/prometheus-adapter/prometheus-adapter:0.1.0');
    const options = parsedFlags(argsOf(objects));
    assert.equal(options.prometheusUrl, 'http://prometheus.default.svc:9090');
    assert.ok(argsOf(objects).includes('--cert-dir=/tmp/cert'));
    for (const api of apiServices(objects)) {
      assert.equal(api.spec?.insecureSkipTLSVerify, true);
      assert.equal(api.spec?.caBundle, undefined);
    }
  });

  it('writes the upstream default rules, valid for the adapter', async () => {
    const config = loadRendered(await render([UPSTREAM_DEFAULTS]));
    assert.equal(config.rules.length, 6);
    assert.deepEqual(config.externalRules, []);
    assert.equal(config.resourceRules, undefined);
  });
});

describe('helm template with a typical user values file', { skip }, () => {
  it('passes the right flags to the adapter', async () => {
    const objects = await render([TYPICAL]);
    const args = argsOf(objects);
    assert.deepEqual(args, [
      '--secure-port=6443',
      '--tls-cert-file=/var/run/serving-cert/tls.crt',
      '--tls-private-key-file=/var/run/serving-cert/tls.key',
      '--prometheus-url=http://prometheus-operated.monitoring.svc:9090/prometheus',
      '--metrics-relist-interval=30s',
      '--v=2',
      '--config=/etc/adapter/config.yaml',
    ]);
    const options = parsedFlags(args);
    assert.equal(options.securePort, 6443);
    assert.equal(options.metricsRelistIntervalMs, 30_000);
    const deployment = deploymentOf(objects);
    assert.equal(deployment.spec?.replicas, 2);
    const volumes = deployment.spec?.template.spec?.volumes ?? [];
    assert.equal(
      volumes.find((v) => v.name === 'serving-cert')?.secret?.secretName,
      'adapter-serving-cert',
    );
    assert.equal(volumes.find((v) => v.name === 'config')?.configMap?.name, NAME);
    const mounts = adapterContainer(objects).volumeMounts ?? [];
    assert.ok(mounts.some((m) => m.mountPath === '/var/run/serving-cert' && m.readOnly === true));
    assert.ok(mounts.some((m) => m.mountPath === '/etc/adapter'));
    assert.deepEqual(adapterContainer(objects).resources, {
      requests: { cpu: '100m', memory: '128Mi' },
    });
    // The user's Secret is mounted; the chart makes none.
    assert.equal(
      objects.some((o) => o.kind === 'Secret'),
      false,
    );
  });

  it('writes their custom, external and resource rules, and the adapter loads them', async () => {
    const objects = await render([TYPICAL]);
    const values = parse(readFileSync(TYPICAL, 'utf8')) as {
      rules: { custom: unknown[]; external: unknown[]; resource: Record<string, unknown> };
    };
    const written = parse(configText(objects)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(written).sort(), ['externalRules', 'resourceRules', 'rules']);
    assert.deepEqual(written.rules, values.rules.custom, 'rules.default: false adds none');
    assert.deepEqual(written.externalRules, values.rules.external);
    assert.deepEqual(written.resourceRules, values.rules.resource);

    const config = loadRendered(objects);
    assert.equal(config.rules.length, 1);
    assert.equal(config.rules[0]?.name?.as, '${1}_per_second');
    assert.equal(config.externalRules.length, 1);
    assert.equal(config.externalRules[0]?.name?.as, 'queue_depth');
    assert.equal(config.resourceRules?.window, '3m');
    assert.match(config.resourceRules?.cpu.nodeQuery ?? '', /node_cpu_seconds_total/);
  });

  it('registers exactly the three metrics APIs, trusting the CA from tls.ca', async () => {
    const objects = await render([TYPICAL]);
    const services = apiServices(objects);
    assert.deepEqual(services.map((s) => s.metadata?.name).sort(), [
      'v1beta1.custom.metrics.k8s.io',
      'v1beta1.external.metrics.k8s.io',
      'v1beta1.metrics.k8s.io',
      'v1beta2.custom.metrics.k8s.io',
    ]);
    assert.deepEqual([...new Set(services.map((s) => s.spec?.group))].sort(), [
      'custom.metrics.k8s.io',
      'external.metrics.k8s.io',
      'metrics.k8s.io',
    ]);
    const ca = (parse(readFileSync(TYPICAL, 'utf8')) as { tls: { ca: string } }).tls.ca;
    for (const api of services) {
      assert.deepEqual(api.spec?.service, { name: NAME, namespace: NAMESPACE, port: 443 });
      assert.equal(api.spec?.insecureSkipTLSVerify, false);
      assert.equal(Buffer.from(api.spec?.caBundle ?? '', 'base64').toString(), ca);
    }
    const service = only(objects, 'Service', NAME) as { spec?: { ports?: { port: number }[] } };
    assert.equal(service.spec?.ports?.[0]?.port, 443);
  });

  it('has the PodDisruptionBudget they asked for', async () => {
    const objects = await render([TYPICAL]);
    const pdb = only(objects, 'PodDisruptionBudget', NAME) as unknown as PodDisruptionBudget;
    assert.equal(pdb.spec?.minAvailable, 1);
    assert.equal(pdb.spec?.maxUnavailable, undefined);
    assert.deepEqual(
      pdb.spec?.selector?.matchLabels,
      deploymentOf(objects).spec?.selector.matchLabels,
    );
  });

  it('has the RBAC of an aggregated API server, and HPA access to custom and external metrics', async () => {
    const objects = await render([TYPICAL]);
    const sa = { kind: 'ServiceAccount', name: NAME, namespace: NAMESPACE };
    const hpa = {
      kind: 'ServiceAccount',
      name: 'horizontal-pod-autoscaler',
      namespace: 'kube-system',
    };
    const binding = (name: string) =>
      only(objects, 'ClusterRoleBinding', name) as unknown as ClusterRoleBinding;
    const role = (name: string) => only(objects, 'ClusterRole', name) as unknown as ClusterRole;

    const delegator = binding(`${NAME}:system:auth-delegator`);
    assert.equal(delegator.roleRef.name, 'system:auth-delegator');
    assert.deepEqual(delegator.subjects, [sa]);

    const reader = only(objects, 'RoleBinding', `${NAME}-auth-reader`) as unknown as RoleBinding;
    assert.equal(reader.metadata?.namespace, 'kube-system');
    assert.deepEqual(reader.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'extension-apiserver-authentication-reader',
    });
    assert.deepEqual(reader.subjects, [sa]);

    const resources = role(`${NAME}-resource-reader`).rules?.[0]?.resources ?? [];
    for (const r of ['namespaces', 'pods', 'nodes', 'services'])
      assert.ok(resources.includes(r), r);
    assert.deepEqual(binding(`${NAME}-resource-reader`).subjects, [sa]);

    for (const [roleName, bindingName, group] of [
      [`${NAME}-server-resources`, `${NAME}-hpa-controller`, 'custom.metrics.k8s.io'],
      [
        `${NAME}-external-metrics`,
        `${NAME}-hpa-controller-external-metrics`,
        'external.metrics.k8s.io',
      ],
    ] as const) {
      assert.deepEqual(role(roleName).rules, [
        { apiGroups: [group], resources: ['*'], verbs: ['get', 'list', 'watch'] },
      ]);
      assert.equal(binding(bindingName).roleRef.name, roleName);
      assert.deepEqual(binding(bindingName).subjects, [hpa]);
    }
    assert.deepEqual(binding(`${NAME}-metrics`).subjects, [sa]);
    assert.equal(
      role(`${NAME}-aggregated-metrics-reader`).metadata?.labels?.[
        'rbac.authorization.k8s.io/aggregate-to-view'
      ],
      'true',
    );
  });
});

describe('helm template with the chart defaults', { skip }, () => {
  it('runs two replicas spread across nodes, under a PodDisruptionBudget', async () => {
    const objects = await render([]);
    const deployment = deploymentOf(objects);
    assert.equal(deployment.spec?.replicas, 2);
    const selector = deployment.spec?.selector.matchLabels;
    assert.deepEqual(deployment.spec?.template.spec?.topologySpreadConstraints, [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
      },
    ]);
    const pdb = only(objects, 'PodDisruptionBudget', NAME) as unknown as PodDisruptionBudget;
    assert.equal(pdb.spec?.maxUnavailable, 1);
    assert.equal(pdb.spec?.minAvailable, undefined);
  });

  it('probes /livez and /readyz over https', async () => {
    const container = adapterContainer(await render([]));
    assert.deepEqual(container.livenessProbe?.httpGet, {
      path: '/livez',
      port: 'https',
      scheme: 'HTTPS',
    });
    assert.deepEqual(container.readinessProbe?.httpGet, {
      path: '/readyz',
      port: 'https',
      scheme: 'HTTPS',
    });
    assert.equal(container.image, 'k8s-prometheus-adapter:0.1.0');
  });

  it('writes config-gen’s default rules, and the adapter loads them', async () => {
    const objects = await render([]);
    assert.deepEqual((parse(configText(objects)) as { rules: unknown }).rules, chartDefaultRules());
    assert.equal(loadRendered(objects).rules.length, 6);
  });

  it('rolls the pods when the config changes', async () => {
    const checksum = async (extra: string[]) =>
      deploymentOf(await render([], extra)).spec?.template.metadata?.annotations?.[
        'checksum/config'
      ];
    const before = await checksum([]);
    assert.match(before ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await checksum([]), before);
    assert.notEqual(
      await checksum(['--set', 'metricsRelistInterval=2m', '--set', 'rules.default=false']),
      before,
    );
  });

  it('uses an existing ConfigMap instead of its own (rules.existing)', async () => {
    const objects = await render([], ['--set', 'rules.existing=my-adapter-config']);
    assert.equal(
      objects.some((o) => o.kind === 'ConfigMap'),
      false,
    );
    const volumes = deploymentOf(objects).spec?.template.spec?.volumes ?? [];
    assert.equal(volumes.find((v) => v.name === 'config')?.configMap?.name, 'my-adapter-config');
  });
});

describe('helm template with the other upstream forms', { skip }, () => {
  const PEM = (what: string) => `-----BEGIN ${what}-----\nAAAA\n-----END ${what}-----`;

  it('tls.enable: the chart makes the Secret and trusts tls.ca', async () => {
    const objects = await render(
      [],
      [
        '--set',
        'tls.enable=true',
        '--set-string',
        `tls.ca=${PEM('CERTIFICATE')}`,
        '--set-string',
        `tls.certificate=${PEM('CERTIFICATE')}`,
        '--set-string',
        `tls.key=${PEM('PRIVATE KEY')}`,
      ],
    );
    const secret = only(objects, 'Secret', NAME) as {
      type?: string;
      data?: Record<string, string>;
    };
    assert.equal(secret.type, 'kubernetes.io/tls');
    assert.equal(
      Buffer.from(secret.data?.['tls.key'] ?? '', 'base64').toString(),
      PEM('PRIVATE KEY'),
    );
    const volumes = deploymentOf(objects).spec?.template.spec?.volumes ?? [];
    assert.equal(volumes.find((v) => v.name === 'serving-cert')?.secret?.secretName, NAME);
    assert.ok(argsOf(objects).includes('--tls-cert-file=/var/run/serving-cert/tls.crt'));
    assert.ok(!argsOf(objects).some((a) => a.startsWith('--cert-dir')));
    for (const api of apiServices(objects)) {
      assert.equal(Buffer.from(api.spec?.caBundle ?? '', 'base64').toString(), PEM('CERTIFICATE'));
      assert.equal(api.spec?.insecureSkipTLSVerify, false);
    }
  });

  it('tls.enable without a certificate fails with a clear message', async () => {
    await assert.rejects(
      render([UPSTREAM_DEFAULTS], ['--set', 'tls.enable=true']),
      /tls\.enable needs tls\.certificate and tls\.key/,
    );
  });

  it('certManager.enabled: issuers, certificates, CA injection', async () => {
    const objects = await render([], ['--set', 'certManager.enabled=true']);
    assert.deepEqual(
      inventory(objects).filter((k) => /^(Issuer|Certificate)\//.test(k)),
      [
        `Certificate/${NAME}-cert@${NAMESPACE}`,
        `Certificate/${NAME}-root-cert@${NAMESPACE}`,
        `Issuer/${NAME}-root-issuer@${NAMESPACE}`,
        `Issuer/${NAME}-self-signed-issuer@${NAMESPACE}`,
      ],
    );
    const cert = only(objects, 'Certificate', `${NAME}-cert`) as {
      spec?: { secretName?: string; dnsNames?: string[] };
    };
    assert.equal(cert.spec?.secretName, NAME);
    assert.ok(cert.spec?.dnsNames?.includes(`${NAME}.${NAMESPACE}.svc`));
    for (const api of apiServices(objects))
      assert.equal(
        (api as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.[
          'cert-manager.io/inject-ca-from'
        ],
        `${NAMESPACE}/${NAME}-root-cert`,
      );
  });

  it('rbac.create=false and serviceAccount.create=false leave them out', async () => {
    const objects = await render(
      [UPSTREAM_DEFAULTS],
      [
        '--set',
        'rbac.create=false',
        '--set',
        'serviceAccount.create=false',
        '--set',
        'serviceAccount.name=mine',
      ],
    );
    assert.deepEqual(
      objects.filter((o) => /Role|ServiceAccount/.test(o.kind)).map((o) => o.kind),
      [],
    );
    assert.equal(deploymentOf(objects).spec?.template.spec?.serviceAccountName, 'mine');
  });

  it('passes the extras through: arguments, env, volumes, labels, annotations, scheduling', async () => {
    const objects = await render(
      [UPSTREAM_DEFAULTS],
      [
        '--set-json',
        'extraArguments=["--prometheus-ca-file=/etc/prometheus-ca/ca.crt"]',
        '--set-json',
        'env=[{"name":"TZ","value":"UTC"}]',
        '--set-json',
        'extraVolumes=[{"name":"prometheus-ca","configMap":{"name":"prometheus-ca"}}]',
        '--set-json',
        'extraVolumeMounts=[{"name":"prometheus-ca","mountPath":"/etc/prometheus-ca"}]',
        '--set-json',
        'customLabels={"team":"platform"}',
        '--set-json',
        'customAnnotations={"owner":"sre"}',
        '--set-json',
        'podAnnotations={"example.com/scrape":"false"}',
        '--set-json',
        'nodeSelector={"kubernetes.io/os":"linux"}',
        '--set-json',
        'tolerations=[{"key":"metrics","operator":"Exists"}]',
        '--set',
        'priorityClassName=system-cluster-critical',
        '--set',
        'hostNetwork.enabled=true',
        '--set',
        'dnsPolicy=ClusterFirstWithHostNet',
        '--set',
        'listenPort=7443',
        '--set',
        'psp.create=true',
      ],
    );
    const args = argsOf(objects);
    assert.equal(args.at(-1), '--prometheus-ca-file=/etc/prometheus-ca/ca.crt');
    assert.ok(args.includes('--secure-port=7443'));
    parsedFlags(args);
    const container = adapterContainer(objects);
    assert.deepEqual(container.env, [{ name: 'TZ', value: 'UTC' }]);
    assert.equal(container.ports?.[0]?.containerPort, 7443);
    assert.ok(container.volumeMounts?.some((m) => m.name === 'prometheus-ca'));
    const pod = deploymentOf(objects).spec?.template;
    assert.ok(pod?.spec?.volumes?.some((v) => v.name === 'prometheus-ca'));
    assert.equal(pod?.metadata?.annotations?.['example.com/scrape'], 'false');
    assert.equal(pod?.spec?.priorityClassName, 'system-cluster-critical');
    assert.equal(pod?.spec?.hostNetwork, true);
    assert.equal(pod?.spec?.dnsPolicy, 'ClusterFirstWithHostNet');
    assert.deepEqual(pod?.spec?.nodeSelector, { 'kubernetes.io/os': 'linux' });
    assert.deepEqual(pod?.spec?.tolerations, [{ key: 'metrics', operator: 'Exists' }]);
    for (const o of objects) {
      assert.equal(o.metadata.labels?.team, 'platform', `${o.kind}/${o.metadata.name} label`);
      assert.equal(o.metadata.annotations?.owner, 'sre', `${o.kind}/${o.metadata.name} annotation`);
    }
    assert.equal(
      objects.some((o) => o.kind === 'PodSecurityPolicy'),
      false,
      'psp.create is accepted and ignored',
    );
  });
});

describe('deploy/chart/k8s-prometheus-adapter.yaml', { skip }, () => {
  it('is the chart rendered with its defaults (regenerate: bash scripts/helm/render-defaults.sh)', async () => {
    const file = readFileSync(RENDERED_DEFAULTS, 'utf8');
    const start = file.indexOf('\n---\n');
    assert.ok(start >= 0, 'the file holds rendered documents');
    const rendered = await helm(templateArgs([]));
    assert.equal(file.slice(start + 1), rendered);
  });
});
