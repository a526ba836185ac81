/**
 * Test support: serves a fake kube API for the whole test file (node:test `before`/`after`) with
 * a KubeClient on it, and forgets the recorded requests before each test.
 */
import { after, before, beforeEach } from 'node:test';
import {
  createKubeClient,
  type KubeClient,
  type KubeClientOptions,
} from '../../src/kubernetes/client.ts';
import type { FakeKubeApi, RunningFake } from './fake-kube-api.ts';

/** Starts `fake` before the file's tests; `client` is usable from then until they end. */
export const useFakeKubeClient = (
  fake: FakeKubeApi,
  options: KubeClientOptions,
): { readonly client: KubeClient } => {
  let running: RunningFake | undefined;
  let client: KubeClient | undefined;
  before(async () => {
    running = await fake.start();
    client = createKubeClient({ server: new URL(running.url) }, options);
  });
  after(async () => {
    await client?.close();
    await running?.stop();
  });
  beforeEach(() => {
    fake.clearRequests();
  });
  return {
    get client() {
      if (client === undefined) throw new Error('the fake kube API has not started yet');
      return client;
    },
  };
};
