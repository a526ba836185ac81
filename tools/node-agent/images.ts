/** What runs for a container image on this machine: a local program and the image's default args. */
export interface LocalImage {
  /** Program and leading arguments (replaces the image's entrypoint and the container's `command`). */
  readonly argv: readonly string[];
  /** Used when the container gives no `args` (the image's CMD). */
  readonly defaultArgs: readonly string[];
  /** Leading container args equal to one of these are dropped (e.g. `/adapter` passed as args[0]). */
  readonly entrypointAliases: readonly string[];
  /** Image ID reported in the container status. */
  readonly imageId: string;
  /** The image's VOLUMEs: each gets a private directory unless a volumeMount covers it. */
  readonly volumes: readonly string[];
  /** The image's WORKDIR. */
  readonly workingDir: string;
}

/** Paths the mappings point into. */
export interface ImageHosts {
  readonly repoRoot: string;
  readonly nodeBinary: string;
  readonly prometheusBinary: string;
  /** Optional: without it `victoriametrics/victoria-metrics` images have no mapping. */
  readonly victoriaMetricsBinary?: string;
  /** Optional: without it `thanos/thanos` images have no mapping. */
  readonly thanosBinary?: string;
}

/** Image name without registry, tag or digest: `quay.io/prometheus/prometheus:v2` → `prometheus/prometheus`. */
export const imageRepository = (image: string): string => {
  const noDigest = image.split('@')[0] ?? image;
  const parts = noDigest.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost'))
    parts.shift();
  const last = parts.pop() ?? '';
  parts.push(last.split(':')[0] ?? last);
  const repo = parts.join('/');
  return repo.startsWith('library/') ? repo.slice('library/'.length) : repo;
};

const isAdapter = (repo: string): boolean =>
  /^directxman12\/k8s-prometheus-adapter/.test(repo) ||
  /^prometheus-adapter\/prometheus-adapter/.test(repo) ||
  /^k8s-staging-prometheus-adapter\//.test(repo) ||
  /(^|\/)k8s-prometheus-adapter[^/]*$/.test(repo);

/** The examples/<dir>/main.js a repository runs as, if it is one of the node examples. */
const nodeExample = (repo: string): string | undefined => {
  if (/^luxas\/autoscale-demo/.test(repo)) return 'sample-app';
  if (repo === 'k8spa/cpu-burner') return 'cpu-burner';
  return undefined;
};

/**
 * Maps an image reference to a local program, or undefined when there is no mapping:
 * `prom/prometheus*` and `prometheus/prometheus*` → Debian's prometheus; the adapter images
 * (`directxman12/k8s-prometheus-adapter*`, `registry.k8s.io/prometheus-adapter/*`, `k8s-prometheus-adapter*`)
 * → this project's `dist/main.js`; `luxas/autoscale-demo*` → `examples/sample-app/main.js`;
 * `k8spa/cpu-burner` → `examples/cpu-burner/main.js`; `busybox` → `/bin/sh` (for small shell workloads);
 * `victoriametrics/victoria-metrics` → the VictoriaMetrics single-node binary built from its Go module;
 * `thanos/thanos` (`quay.io/thanos/thanos`) → the Thanos binary built from its Go module.
 */
export const mapImage = (image: string, hosts: ImageHosts): LocalImage | undefined => {
  const repo = imageRepository(image);
  if (/^(prom|prometheus)\/prometheus$/.test(repo)) {
    return {
      argv: [hosts.prometheusBinary],
      defaultArgs: [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
      ],
      entrypointAliases: ['/bin/prometheus', 'prometheus'],
      imageId: `local://${hosts.prometheusBinary}`,
      volumes: ['/prometheus'],
      workingDir: '/prometheus',
    };
  }
  if (repo === 'victoriametrics/victoria-metrics' && hosts.victoriaMetricsBinary !== undefined) {
    return {
      argv: [hosts.victoriaMetricsBinary],
      defaultArgs: ['-storageDataPath=/victoria-metrics-data'],
      entrypointAliases: ['/victoria-metrics-prod', 'victoria-metrics'],
      imageId: `local://${hosts.victoriaMetricsBinary}`,
      volumes: ['/victoria-metrics-data'],
      workingDir: '/',
    };
  }
  if (repo === 'thanos/thanos' && hosts.thanosBinary !== undefined) {
    return {
      argv: [hosts.thanosBinary],
      defaultArgs: [],
      entrypointAliases: ['/bin/thanos', 'thanos'],
      imageId: `local://${hosts.thanosBinary}`,
      volumes: [],
      workingDir: '/',
    };
  }
  if (isAdapter(repo)) {
    const main = `${hosts.repoRoot}/dist/main.js`;
    return {
      argv: [hosts.nodeBinary, main],
      defaultArgs: [],
      entrypointAliases: ['/adapter', 'adapter'],
      imageId: `local://${main}`,
      volumes: [],
      workingDir: '/',
    };
  }
  const example = nodeExample(repo);
  if (example !== undefined) {
    const main = `${hosts.repoRoot}/examples/${example}/main.js`;
    return {
      argv: [hosts.nodeBinary, main],
      defaultArgs: [],
      entrypointAliases: [],
      imageId: `local://${main}`,
      volumes: [],
      workingDir: '/',
    };
  }
  if (repo === 'busybox') {
    return {
      argv: [],
      defaultArgs: ['/bin/sh'],
      entrypointAliases: [],
      imageId: 'local:///bin/sh',
      volumes: [],
      workingDir: '/',
    };
  }
  return undefined;
};

/** The argv a container runs: the mapping's program + args (container `args`, else the image default). */
export const containerArgv = (
  local: LocalImage,
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): string[] => {
  if (local.argv.length === 0) {
    // A shell-like image: honour command+args as given (busybox `sh -c …`).
    const all = [...(command ?? []), ...(args ?? [])];
    return all.length > 0 ? all : [...local.defaultArgs];
  }
  const given = [...(args ?? [])];
  if (given.length > 0 && local.entrypointAliases.includes(given[0] ?? '')) given.shift();
  return [...local.argv, ...(args === undefined ? local.defaultArgs : given)];
};
