/**
 * An in-process fake kube-apiserver for integration tests: discovery documents, label-filtered
 * and paginated lists of pods/namespaces/nodes/deployments, request recording and per-path
 * overrides. Plain HTTP on 127.0.0.1, random port. It stands in for a real cluster only in unit
 * and integration tests; end-to-end tests run against the real local cluster instead.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLabelSelector } from '../../src/kubernetes/label-selector.ts';
import { API_GROUPS, API_VERSIONS, CORE_V1, GROUP_VERSIONS } from './fake-kube-discovery.ts';
import { labelsMatch } from '../../src/kubernetes/label-match.ts';

export interface FakeObject {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Handles one request completely (status, headers, body). */
export type FakeHandler = (req: RecordedRequest, res: ServerResponse) => void;

export interface RunningFake {
  readonly url: string;
  stop(): Promise<void>;
}

export interface FakeKubeApi {
  setPods(namespace: string, objects: readonly FakeObject[]): void;
  setDeployments(namespace: string, objects: readonly FakeObject[]): void;
  setNamespaces(objects: readonly FakeObject[]): void;
  setNodes(objects: readonly FakeObject[]): void;
  /** Answers `path` (exact, any method) with a fixed JSON status and body; overrides defaults. */
  setResponse(path: string, status: number, body: unknown): void;
  /** Routes `path` (exact, any method) to a custom handler; overrides defaults. */
  route(path: string, handler: FakeHandler): void;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** Listens on `port` of 127.0.0.1 (a free one by default). */
  start(port?: number): Promise<RunningFake>;
}

export interface FakeKubeApiOptions {
  /** When set, requests without exactly this Authorization header get a 401 Status. */
  readonly authorization?: string;
}

interface Stored {
  readonly namespace: string;
  readonly object: FakeObject;
}

interface Collection {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespaced: boolean;
  items: Stored[];
}

const LIST_PATH = /^\/(api\/v1|apis\/apps\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)$/;

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A metav1.Status failure body, as kube-apiserver (and the adapter) sends. */
export const statusBody = (code: number, reason: string, message: string, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details === undefined ? {} : { details }),
  code,
});

const newCollections = (): Map<string, Collection> =>
  new Map<string, Collection>([
    ['api/v1 pods', { kind: 'PodList', apiVersion: 'v1', namespaced: true, items: [] }],
    [
      'api/v1 namespaces',
      { kind: 'NamespaceList', apiVersion: 'v1', namespaced: false, items: [] },
    ],
    ['api/v1 nodes', { kind: 'NodeList', apiVersion: 'v1', namespaced: false, items: [] }],
    [
      'apis/apps/v1 deployments',
      { kind: 'DeploymentList', apiVersion: 'apps/v1', namespaced: true, items: [] },
    ],
  ]);

/** An open watch: the collection it follows and where its events go. */
interface Watcher {
  readonly collection: Collection;
  readonly namespace: string | undefined;
  readonly res: ServerResponse;
}

const replace = (
  c: Collection | undefined,
  namespace: string,
  objects: readonly FakeObject[],
  watchers: ReadonlySet<Watcher>,
): void => {
  if (c === undefined) return;
  const before = c.items.filter((s) => s.namespace === namespace);
  c.items = [
    ...c.items.filter((s) => s.namespace !== namespace),
    ...objects.map((object) => ({ namespace, object })),
  ];
  const kept = new Set(objects.map((o) => o.name));
  const events = [
    ...before.filter((s) => !kept.has(s.object.name)).map((s) => ['DELETED', s] as const),
    ...objects.map((object) => ['MODIFIED', { namespace, object }] as const),
  ];
  for (const w of watchers) {
    if (w.collection !== c || (w.namespace !== undefined && w.namespace !== namespace)) continue;
    for (const [type, stored] of events) {
      w.res.write(`${JSON.stringify({ type, object: toItem(stored) })}\n`);
    }
  }
};

const toItem = ({ namespace, object }: Stored) => ({
  metadata: {
    name: object.name,
    ...(namespace === '' ? {} : { namespace }),
    labels: object.labels ?? {},
    uid: `uid-${namespace}-${object.name}`,
  },
});

const listResponse = (
  c: Collection,
  namespace: string | undefined,
  req: RecordedRequest,
  res: ServerResponse,
): void => {
  let selected = c.items.filter((s) => namespace === undefined || s.namespace === namespace);
  const selectorText = req.query['labelSelector'] ?? '';
  try {
    const selector = parseLabelSelector(selectorText);
    selected = selected.filter((s) => labelsMatch(selector, s.object.labels ?? {}));
  } catch (err) {
    sendJson(
      res,
      400,
      statusBody(400, 'BadRequest', `unable to parse requirement: ${String(err)}`),
    );
    return;
  }
  const offset = Number(Buffer.from(req.query['continue'] ?? '', 'base64').toString() || '0');
  const limit = Number(req.query['limit'] ?? '0');
  const end = limit > 0 ? offset + limit : selected.length;
  const more = end < selected.length;
  sendJson(res, 200, {
    kind: c.kind,
    apiVersion: c.apiVersion,
    metadata: {
      resourceVersion: '1',
      ...(more ? { continue: Buffer.from(String(end)).toString('base64') } : {}),
    },
    items: selected.slice(offset, end).map(toItem),
  });
};

const DISCOVERY: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['/api', API_VERSIONS],
  ['/api/v1', CORE_V1],
  ['/apis', API_GROUPS],
  ...Object.entries(GROUP_VERSIONS),
]);

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Creates a stopped fake; configure it, then `start()`. */
export const createFakeKubeApi = (options: FakeKubeApiOptions = {}): FakeKubeApi => {
  const collections = newCollections();
  const overrides = new Map<string, FakeHandler>();
  const requests: RecordedRequest[] = [];
  const watchers = new Set<Watcher>();

  const defaultRoute = (req: RecordedRequest, res: ServerResponse): void => {
    const doc = DISCOVERY.get(req.path);
    if (doc !== undefined) {
      sendJson(res, 200, doc);
      return;
    }
    const m = LIST_PATH.exec(req.path);
    const c = m === null ? undefined : collections.get(`${m[1] ?? ''} ${m[3] ?? ''}`);
    if (m === null || c === undefined || (m[2] !== undefined && !c.namespaced)) {
      const message = 'the server could not find the requested resource';
      sendJson(res, 404, statusBody(404, 'NotFound', message));
      return;
    }
    const namespace = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    if (req.query['watch'] === 'true') {
      const watcher: Watcher = { collection: c, namespace, res };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watchers.add(watcher);
      res.on('close', () => watchers.delete(watcher));
      return;
    }
    listResponse(c, namespace, req, res);
  };

  const handle = async (raw: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(raw.url ?? '/', 'http://fake');
    const req: RecordedRequest = {
      method: raw.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: raw.headers,
      body: await readBody(raw),
    };
    requests.push(req);
    if (
      options.authorization !== undefined &&
      raw.headers.authorization !== options.authorization
    ) {
      sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    (overrides.get(req.path) ?? defaultRoute)(req, res);
  };

  return {
    setPods: (ns, objects) => {
      replace(collections.get('api/v1 pods'), ns, objects, watchers);
    },
    setDeployments: (ns, objects) => {
      replace(collections.get('apis/apps/v1 deployments'), ns, objects, watchers);
    },
    setNamespaces: (objects) => {
      replace(collections.get('api/v1 namespaces'), '', objects, watchers);
    },
    setNodes: (objects) => {
      replace(collections.get('api/v1 nodes'), '', objects, watchers);
    },
    setResponse: (path, status, body) => {
      overrides.set(path, (_req, res) => {
        sendJson(res, status, body);
      });
    },
    route: (path, handler) => {
      overrides.set(path, handler);
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    start: async (port = 0) => {
      const server = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          sendJson(res, 500, statusBody(500, 'InternalError', String(err)));
        });
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      const bound = (server.address() as AddressInfo).port;
      return {
        url: `http://127.0.0.1:${bound}`,
        stop: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => {
              resolve();
            });
          }),
      };
    },
  };
};
