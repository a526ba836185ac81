/**
 * A fleet of HPAs as the HPA controller sees them: `count` HPAs, each on its own Deployment with
 * its own selector (`app=hpa-<i>`, one pod `hpa-<i>-0`), spread over `namespaces` namespaces; one
 * exporter serving a growing `http_requests_total` per pod (scraped by a real Prometheus); the
 * fake kube API holding the pods; and the request the controller sends for each HPA once per sync
 * (custom.metrics.k8s.io `pods/*` with the Deployment's selector).
 */
import { createServer } from 'node:http';
import type { FakeKubeApi } from '../support/fake-kube-api.ts';

export interface FleetHpa {
  readonly namespace: string;
  readonly pod: string;
  readonly selector: string;
  /** The path of the HPA controller's request for this HPA's `http_requests` metric. */
  readonly path: string;
}

export const fleet = (count: number, namespaces: number): readonly FleetHpa[] =>
  Array.from({ length: count }, (_, i) => {
    const namespace = `team-${String(i % namespaces)}`;
    const selector = `app=hpa-${String(i)}`;
    return {
      namespace,
      pod: `hpa-${String(i)}-0`,
      selector,
      path:
        `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${namespace}/pods/*/http_requests` +
        `?labelSelector=${encodeURIComponent(selector)}`,
    };
  });

/** Puts every HPA's pod (labelled with its selector) and the namespaces into the fake kube API. */
export const seedFleet = (kube: FakeKubeApi, hpas: readonly FleetHpa[]): void => {
  const byNamespace = new Map<string, { name: string; labels: Record<string, string> }[]>();
  for (const h of hpas) {
    const [key = '', value = ''] = h.selector.split('=');
    const pods = byNamespace.get(h.namespace) ?? [];
    pods.push({ name: h.pod, labels: { [key]: value } });
    byNamespace.set(h.namespace, pods);
  }
  for (const [namespace, pods] of byNamespace) kube.setPods(namespace, pods);
  kube.setNamespaces([...byNamespace.keys()].map((name) => ({ name })));
};

/** One exporter of a growing counter per HPA pod; pod i grows at i % 7 + 1 per second. */
export const startFleetExporter = async (
  hpas: readonly FleetHpa[],
): Promise<{ readonly port: number; stop(): Promise<void> }> => {
  const started = Date.now();
  const server = createServer((_req, res) => {
    const t = (Date.now() - started) / 1000;
    const lines = hpas.map(
      (h, i) =>
        `http_requests_total{namespace="${h.namespace}",pod="${h.pod}"} ${Math.floor(t * ((i % 7) + 1))}`,
    );
    res.end(`# TYPE http_requests_total counter\n${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
};
