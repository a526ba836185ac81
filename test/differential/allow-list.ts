/**
 * Every difference from upstream v0.12.0 the differential test accepts, each named, and each
 * listed in docs/compatibility.md ("Checked by the differential test"). An entry rewrites
 * upstream's answer into ours only where upstream shows the documented behaviour, so an entry
 * never hides anything else.
 */
import type { Allowance, Answer, Json } from './compare.ts';
import { mapObjects } from './compare.ts';

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const withBody = (a: Answer, body: Json): Answer => ({ ...a, body });

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

const V1BETA1 = { groupVersion: 'custom.metrics.k8s.io/v1beta1', version: 'v1beta1' };
const V1BETA2 = { groupVersion: 'custom.metrics.k8s.io/v1beta2', version: 'v1beta2' };

/** The int64 milli overflow Go produces for NaN, ±Inf and values beyond ±9.2e15. */
const GO_OVERFLOW = '-9223372036854775808m';

export const ALLOW_LIST: readonly Allowance[] = [
  {
    id: 'custom-v1beta2-listed',
    differs: '/apis and /apis/custom.metrics.k8s.io list v1beta2 next to v1beta1',
    why: 'upstream serves v1beta2 but leaves it out of discovery; clients cannot find what is served',
    kind: 'deliberate',
    always: true,
    rewrite: (_probe, up) =>
      withBody(
        up,
        mapObjects(up.body, (o) =>
          o['name'] === 'custom.metrics.k8s.io' &&
          Array.isArray(o['versions']) &&
          o['versions'].length === 1 &&
          isObject(o['versions'][0]) &&
          o['versions'][0]['version'] === 'v1beta1'
            ? { ...o, versions: [V1BETA1, V1BETA2] }
            : o,
        ),
      ),
  },
  {
    id: 'core-api-version',
    differs: 'describedObject.apiVersion is "v1" for core objects (upstream "/v1")',
    why: 'upstream joins an empty group with "/"; "v1" is the valid apiVersion',
    kind: 'deliberate',
    always: true,
    rewrite: (_probe, up) =>
      withBody(
        up,
        mapObjects(up.body, (o) =>
          isObject(o['describedObject']) && o['describedObject']['apiVersion'] === '/v1'
            ? { ...o, describedObject: { ...o['describedObject'], apiVersion: 'v1' } }
            : o,
        ),
      ),
  },
  {
    id: 'value-beyond-int64',
    differs: 'NaN (external) and values beyond the int64 milli range keep a real value',
    why: 'upstream overflows them to -9223372036854775808m, a huge negative an HPA would act on',
    kind: 'deliberate',
    always: true,
    rewrite: (_probe, up, ours) => {
      if (!isObject(up.body) || !isObject(ours.body)) return undefined;
      const upItems = up.body['items'];
      const ourItems = ours.body['items'];
      if (!Array.isArray(upItems) || !Array.isArray(ourItems) || upItems.length !== ourItems.length)
        return undefined;
      const items = upItems.map((item, i) => {
        const mine = ourItems[i];
        return isObject(item) &&
          item['value'] === GO_OVERFLOW &&
          isObject(mine) &&
          mine['value'] !== GO_OVERFLOW
          ? { ...item, value: mine['value'] ?? null }
          : item;
      });
      return withBody(up, { ...up.body, items });
    },
  },
  {
    id: 'external-not-found-namespace',
    differs: 'external not-found message ends "for namespaces" in every namespace',
    why: 'upstream prints "for " (empty resource, trailing space) unless the namespace is default',
    kind: 'deliberate',
    always: true,
    rewrite: (probe, up) => {
      if (
        !probe.path.startsWith('/apis/external.metrics.k8s.io/') ||
        up.status !== 404 ||
        !isObject(up.body)
      )
        return undefined;
      const message = up.body['message'];
      if (typeof message !== 'string' || !message.endsWith(' for ')) return undefined;
      const details = up.body['details'];
      return withBody(up, {
        ...up.body,
        message: `${message}namespaces`,
        ...(isObject(details) && details['kind'] === ''
          ? { details: { ...details, kind: 'namespaces' } }
          : {}),
      });
    },
  },
  {
    id: 'containers-sorted',
    differs: 'PodMetrics containers are sorted by name',
    why: 'upstream emits them in Go map order (random per request); a stable order diffs cleanly',
    kind: 'deliberate',
    always: false,
    rewrite: (_probe, up) =>
      withBody(
        up,
        mapObjects(up.body, (o) =>
          Array.isArray(o['containers'])
            ? {
                ...o,
                containers: [...o['containers']].sort((a, b) => {
                  const an = isObject(a) ? str(a['name']) : '';
                  const bn = isObject(b) ? str(b['name']) : '';
                  return an < bn ? -1 : an > bn ? 1 : 0;
                }),
              }
            : o,
        ),
      ),
  },
  {
    id: 'metric-selector-not-equal',
    differs:
      'metricLabelSelector with != answers, echoing it as NotIn (upstream: the request fails)',
    why: 'upstream ParseToLabelSelector rejects !=, so a valid selector fails the whole request',
    kind: 'deliberate',
    always: true,
    rewrite: (probe, up, ours) => {
      const sel = new URL(probe.path, 'https://x').searchParams.get('metricLabelSelector') ?? '';
      if (!sel.includes('!=') || up.status < 400 || ours.status !== 200) return undefined;
      const notIn = JSON.stringify(ours.body).includes('"operator":"NotIn"');
      return notIn ? ours : undefined;
    },
  },
  {
    id: 'json-only',
    differs:
      'JSON only: protobuf-first Accept with */* gets JSON, a YAML- or protobuf-only Accept gets 406',
    why: 'every client of these APIs (HPA, kubectl) takes JSON; one wire format to get right',
    kind: 'deliberate',
    always: true,
    rewrite: (probe, up, ours) => {
      const accept = probe.accept ?? '';
      const upType = up.contentType ?? '';
      const oursType = ours.contentType ?? '';
      if (accept === '' || !/protobuf|yaml/.test(upType)) return undefined;
      const jsonInstead = accept.includes('*/*') && oursType.startsWith('application/json');
      const refused = !accept.includes('*/*') && ours.status === 406;
      return jsonInstead && ours.status === up.status ? ours : refused ? ours : undefined;
    },
  },
  {
    id: 'regex-escaped',
    differs:
      'metricLabelSelector values reach PromQL regex-escaped: `code in (5.0,503)` matches the literal `5.0`',
    why: 'upstream pastes values raw into =~"…", so a value containing . or | matched other values',
    kind: 'deliberate',
    always: true,
    rewrite: (probe, up, ours) => {
      const sel = new URL(probe.path, 'https://x').searchParams.get('metricLabelSelector') ?? '';
      if (!/ in \(.*[.*|+?]/.test(sel) || up.status !== 200 || ours.status !== 200)
        return undefined;
      const names = (a: Answer) => {
        const items = isObject(a.body) && Array.isArray(a.body['items']) ? a.body['items'] : [];
        return items.map((i) =>
          isObject(i) && isObject(i['describedObject']) ? str(i['describedObject']['name']) : '',
        );
      };
      const upstreamNames = new Set(names(up));
      // Ours matches a subset: only the objects whose label has the literal value.
      return names(ours).every((n) => upstreamNames.has(n)) &&
        names(ours).length < upstreamNames.size
        ? ours
        : undefined;
    },
  },
  {
    id: 'unregistered-before-list',
    differs:
      '`*` for a metric not registered for the resource is a 404 even when listing the resource fails',
    why: 'ours looks the metric up before listing objects; upstream lists first and answers 500 for a resource it cannot list',
    kind: 'deliberate',
    always: true,
    rewrite: (_probe, up, ours) =>
      up.status === 500 &&
      isObject(up.body) &&
      up.body['message'] === 'Internal error occurred: unable to list matching resources' &&
      ours.status === 404 &&
      isObject(ours.body) &&
      str(ours.body['message']).startsWith('the server could not find the metric ')
        ? ours
        : undefined,
  },
  {
    id: 'version-filled',
    differs: '/version has gitVersion (the package version) and platform filled in',
    why: 'upstream leaves every field but major/minor empty; ours says which build answers',
    kind: 'deliberate',
    always: true,
    rewrite: (probe, up, ours) =>
      probe.path === '/version' &&
      isObject(up.body) &&
      isObject(ours.body) &&
      up.body['gitVersion'] === '' &&
      up.body['platform'] === ''
        ? withBody(up, {
            ...up.body,
            gitVersion: ours.body['gitVersion'] ?? '',
            platform: ours.body['platform'] ?? '',
          })
        : undefined,
  },
];
