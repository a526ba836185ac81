import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { KeyLookup } from './env.ts';
import type { KubeClient } from '../../src/kubernetes/client.ts';
import { isNotFound } from './api-errors.ts';
import type { VolumeData } from './volumes.ts';

const orUndefined = async <T>(p: Promise<unknown>): Promise<T | undefined> => {
  try {
    return (await p) as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

const decode = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );

/** ConfigMap/Secret data and service-account tokens read from the apiserver. */
export const apiVolumeData = (client: KubeClient): VolumeData => ({
  configMap: async (ns, name) => {
    const cm = await orUndefined<ConfigMap>(
      client.getJson(`/api/v1/namespaces/${ns}/configmaps/${name}`),
    );
    return cm === undefined ? undefined : { ...cm.data, ...decode(cm.binaryData) };
  },
  secret: async (ns, name) => {
    const s = await orUndefined<Secret>(client.getJson(`/api/v1/namespaces/${ns}/secrets/${name}`));
    return s === undefined ? undefined : { ...decode(s.data), ...s.stringData };
  },
  token: async (pod: Pod, audience, expirationSeconds) => {
    const ns = pod.metadata?.namespace ?? 'default';
    const sa = pod.spec?.serviceAccountName ?? 'default';
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: audience === undefined ? [] : [audience],
        expirationSeconds,
        boundObjectRef: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: pod.metadata?.name,
          uid: pod.metadata?.uid,
        },
      },
    };
    const tr = (await client.postJson(
      `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
      body,
    )) as TokenRequest;
    return tr.status?.token ?? '';
  },
});

/** Env lookups (configMapKeyRef, secretKeyRef, envFrom) in one namespace; a missing object is an error. */
export const apiKeyLookup =
  (client: KubeClient, namespace: string): KeyLookup =>
  async (kind, name) => {
    const data = apiVolumeData(client);
    const found =
      kind === 'ConfigMap'
        ? await data.configMap(namespace, name)
        : await data.secret(namespace, name);
    if (found === undefined) throw new Error(`${kind.toLowerCase()} "${name}" not found`);
    return found;
  };

/** Records a core/v1 Event about a pod, as the kubelet (or scheduler) would. Failures are ignored. */
export const recordEvent =
  (client: KubeClient, component: string, node: string) =>
  (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void => {
    const ns = pod.metadata?.namespace ?? 'default';
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${pod.metadata?.name ?? 'pod'}.${Date.now().toString(16)}${Math.floor(Math.random() * 4096).toString(16)}`,
        namespace: ns,
      },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: ns,
        name: pod.metadata?.name,
        uid: pod.metadata?.uid,
      },
      reason,
      message,
      type,
      source: { component, host: node },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: component,
      reportingInstance: node,
    };
    client.postJson(`/api/v1/namespaces/${ns}/events`, event).catch(() => undefined);
  };
