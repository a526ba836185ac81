import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerArgv, imageRepository, mapImage } from './images.ts';

const hosts = {
  repoRoot: '/repo',
  nodeBinary: '/usr/bin/node',
  prometheusBinary: '/bin/prometheus',
  victoriaMetricsBinary: '/cache/victoria-metrics',
  thanosBinary: '/cache/thanos',
};

test('imageRepository strips registry, tag and digest', () => {
  const cases: [string, string][] = [
    ['prom/prometheus:v2.42.0', 'prom/prometheus'],
    ['quay.io/prometheus/prometheus:v3.0.0', 'prometheus/prometheus'],
    [
      'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0',
      'prometheus-adapter/prometheus-adapter',
    ],
    ['localhost:5000/k8s-prometheus-adapter:dev', 'k8s-prometheus-adapter'],
    ['busybox@sha256:abc', 'busybox'],
    ['docker.io/library/busybox:1.36', 'busybox'],
    ['luxas/autoscale-demo:v0.1.2', 'luxas/autoscale-demo'],
  ];
  for (const [image, want] of cases) assert.equal(imageRepository(image), want, image);
});

test('mapImage maps the walkthrough images and rejects unknown ones', () => {
  const table: [string, string | undefined][] = [
    ['prom/prometheus:v2.42.0', '/bin/prometheus'],
    ['quay.io/prometheus/prometheus', '/bin/prometheus'],
    ['directxman12/k8s-prometheus-adapter', '/repo/dist/main.js'],
    ['directxman12/k8s-prometheus-adapter-amd64:v0.5.0', '/repo/dist/main.js'],
    ['registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0', '/repo/dist/main.js'],
    ['k8s-prometheus-adapter:latest', '/repo/dist/main.js'],
    ['luxas/autoscale-demo:v0.1.2', '/repo/examples/sample-app/main.js'],
    ['k8spa/cpu-burner:latest', '/repo/examples/cpu-burner/main.js'],
    ['k8spa/cpu-burner-other', undefined],
    ['nginx:1.25', undefined],
    ['prom/alertmanager', undefined],
    ['victoriametrics/victoria-metrics:v1.151.0', '/cache/victoria-metrics'],
    ['docker.io/victoriametrics/victoria-metrics', '/cache/victoria-metrics'],
    ['victoriametrics/vmagent', undefined],
    ['quay.io/thanos/thanos:v0.42.5', '/cache/thanos'],
    ['thanosio/thanos:v0.42.5', '/cache/thanos'],
    ['docker.io/thanosio/thanos', '/cache/thanos'],
    ['thanos/thanos', '/cache/thanos'],
    ['quay.io/thanos/thanos-receive-controller', undefined],
  ];
  for (const [image, program] of table) {
    const local = mapImage(image, hosts);
    assert.equal(local?.argv.at(-1), program, image);
  }
});

test('containerArgv: args replace the image default, command is replaced, /adapter alias dropped', () => {
  const prom = mapImage('prom/prometheus', hosts)!;
  assert.deepEqual(containerArgv(prom, undefined, undefined), [
    '/bin/prometheus',
    ...prom.defaultArgs,
  ]);
  assert.deepEqual(containerArgv(prom, ['/bin/prometheus'], ['--web.listen-address=:9090']), [
    '/bin/prometheus',
    '--web.listen-address=:9090',
  ]);
  const adapter = mapImage('directxman12/k8s-prometheus-adapter', hosts)!;
  assert.deepEqual(containerArgv(adapter, ['/adapter'], ['/adapter', '--v=4']), [
    '/usr/bin/node',
    '/repo/dist/main.js',
    '--v=4',
  ]);
  assert.deepEqual(containerArgv(adapter, undefined, []), ['/usr/bin/node', '/repo/dist/main.js']);
  const box = mapImage('busybox', hosts)!;
  assert.deepEqual(containerArgv(box, ['sh', '-c'], ['sleep 1']), ['sh', '-c', 'sleep 1']);
  assert.deepEqual(containerArgv(box, undefined, undefined), ['/bin/sh']);
});
