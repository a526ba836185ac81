import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaBundleError } from './cert-chain.ts';
import type { ExtensionAuthFlags } from './config-combiner.ts';
import { EXTENSION_AUTH_FLAGS as FLAGS } from '../../test/support/extension-auth-flags.ts';
import { issueCa, type TestCert } from '../../test/support/pki.ts';
import { silentLogger } from '../log.ts';
import { polled, pollUntil } from '../../test/support/poll.ts';
import type { WatchEvent } from '../kubernetes/client.ts';
import { ExtensionAuthConfigError, startAuthConfigSource } from './extension-auth-config.ts';
import { KubernetesError } from '../kubernetes/kubernetes-error.ts';

const OBJECT = '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication';

/** A fake API: the GET and lists answer from `answers`; one watch at a time is fed by `emit`. */
const fakeApi = () => {
  const state = {
    get: [] as unknown[],
    lists: [] as unknown[],
    calls: [] as string[],
    onEvent: undefined as ((e: WatchEvent) => void) | undefined,
  };
  const answer = (value: unknown) =>
    value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
  const client = {
    getJson: (path: string) => {
      state.calls.push(path);
      if (path === OBJECT) return answer(state.get.shift() ?? new KubernetesError(0, '', 'down'));
      return answer(state.lists.shift() ?? new KubernetesError(0, '', 'down'));
    },
    watch: (_p: string, _q: unknown, onEvent: (e: WatchEvent) => void, signal: AbortSignal) => {
      state.onEvent = onEvent;
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          resolve();
        });
      });
    },
  };
  const emit = (type: string, object: unknown) => {
    assert.ok(state.onEvent, 'no watch yet');
    state.onEvent({ type, object });
  };
  return { state, client, emit };
};

const configMap = (data: Record<string, string>, rv = '1') => ({
  metadata: { name: 'extension-apiserver-authentication', resourceVersion: rv },
  data,
});
const list = (items: unknown[]) => ({ metadata: { resourceVersion: '1' }, items });
const subjects = (pool: { certs: readonly { subject: string }[] } | undefined) =>
  pool?.certs.map((c) => c.subject);

describe('startAuthConfigSource', () => {
  let a: TestCert;
  let b: TestCert;
  let dir: string;
  const aborts: AbortController[] = [];
  const signal = () => {
    const c = new AbortController();
    aborts.push(c);
    return c.signal;
  };
  before(async () => {
    [a, b] = await Promise.all([issueCa('ca-a'), issueCa('ca-b')]);
    dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
  });
  after(() => {
    for (const c of aborts) c.abort();
    rmSync(dir, { recursive: true, force: true });
  });
  const backoff = { initialMs: 5, maxMs: 20 };
  /** A source reading from `api`, with these tests' short backoff. */
  const start = (api: ReturnType<typeof fakeApi>, flags: ExtensionAuthFlags = FLAGS) =>
    startAuthConfigSource({
      flags,
      client: api.client,
      log: silentLogger(),
      signal: signal(),
      backoff,
    });
  /** Waits until the source watches `api`. */
  const watchOpened = async (api: ReturnType<typeof fakeApi>) => {
    polled(
      await pollUntil(
        () => Promise.resolve(api.state.onEvent),
        (onEvent) => onEvent !== undefined,
        { timeoutMs: 2000, intervalMs: 5 },
      ),
      'watch',
    );
  };

  it('reads the ConfigMap at start and follows its watch (CA rotation)', async () => {
    const api = fakeApi();
    const data = { 'client-ca-file': a.pem, 'requestheader-client-ca-file': a.pem };
    api.state.get.push(configMap(data));
    api.state.lists.push(list([configMap(data)]));
    const source = await start(api);
    assert.deepEqual(subjects(source.current().requestHeader?.ca), ['CN=ca-a']);
    await watchOpened(api);
    api.emit('MODIFIED', configMap({ ...data, 'requestheader-client-ca-file': b.pem }, '2'));
    assert.deepEqual(subjects(source.current().requestHeader?.ca), ['CN=ca-b']);
    assert.deepEqual(subjects(source.current().clientCa), ['CN=ca-a']);
    api.emit('DELETED', configMap({}, '3'));
    assert.deepEqual(source.current(), { clientCa: undefined, requestHeader: undefined });
  });

  it('relists after 410 Gone', async () => {
    const api = fakeApi();
    api.state.get.push(configMap({}));
    api.state.lists.push(list([]), list([configMap({ 'client-ca-file': b.pem }, '9')]));
    const source = await start(api);
    await watchOpened(api);
    api.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    polled(
      await pollUntil(
        () => Promise.resolve(source.current().clientCa),
        (clientCa) => clientCa !== undefined,
        { timeoutMs: 2000, intervalMs: 5 },
      ),
      'relist',
    );
    assert.deepEqual(subjects(source.current().clientCa), ['CN=ca-b']);
  });

  const failures: readonly {
    name: string;
    flags: Partial<ExtensionAuthFlags>;
    err: Error;
    rejects: boolean;
  }[] = [
    {
      name: 'forbidden lookup fails startup',
      flags: {},
      err: new KubernetesError(403, 'Forbidden', 'no'),
      rejects: true,
    },
    {
      name: 'unreachable API fails startup',
      flags: {},
      err: new KubernetesError(0, '', 'refused'),
      rejects: true,
    },
    {
      name: 'unless tolerated',
      flags: { authenticationTolerateLookupFailure: true },
      err: new KubernetesError(403, 'Forbidden', 'no'),
      rejects: false,
    },
    {
      name: 'or the requestheader CA comes from a flag',
      flags: { requestheaderClientCaFile: 'RH' },
      err: new KubernetesError(0, '', 'x'),
      rejects: false,
    },
  ];
  for (const c of failures) {
    it(c.name, async () => {
      const api = fakeApi();
      api.state.get.push(c.err);
      const flags = { ...FLAGS, ...c.flags };
      if (flags.requestheaderClientCaFile === 'RH') {
        flags.requestheaderClientCaFile = join(dir, 'rh.pem');
        writeFileSync(flags.requestheaderClientCaFile, a.pem);
      }
      const started = start(api, flags);
      if (c.rejects) await assert.rejects(started, ExtensionAuthConfigError);
      else assert.equal((await started).current().clientCa, undefined);
    });
  }

  it('a missing ConfigMap is empty, not an error', async () => {
    const api = fakeApi();
    api.state.get.push(new KubernetesError(404, 'NotFound', 'gone'));
    const source = await start(api);
    assert.deepEqual(source.current(), { clientCa: undefined, requestHeader: undefined });
  });

  it('skip-lookup, or both CA flags set, never calls the API', async () => {
    const api = fakeApi();
    const skipped = await startAuthConfigSource({
      flags: { ...FLAGS, authenticationSkipLookup: true },
      client: api.client,
      log: silentLogger(),
      signal: signal(),
    });
    assert.deepEqual(skipped.current(), { clientCa: undefined, requestHeader: undefined });
    const c = join(dir, 'c.pem');
    const r = join(dir, 'r.pem');
    writeFileSync(c, a.pem);
    writeFileSync(r, b.pem);
    const flagged = await startAuthConfigSource({
      flags: { ...FLAGS, clientCaFile: c, requestheaderClientCaFile: r },
      client: api.client,
      log: silentLogger(),
      signal: signal(),
    });
    assert.deepEqual(subjects(flagged.current().clientCa), ['CN=ca-a']);
    assert.deepEqual(subjects(flagged.current().requestHeader?.ca), ['CN=ca-b']);
    assert.deepEqual(flagged.current().requestHeader?.usernameHeaders, ['x-remote-user']);
    assert.deepEqual(api.state.calls, []);
  });

  it('re-reads a CA file when it changes; a bad file fails startup', async () => {
    const file = join(dir, 'rotating.pem');
    writeFileSync(file, a.pem);
    const source = await startAuthConfigSource({
      flags: { ...FLAGS, clientCaFile: file, authenticationSkipLookup: true },
      client: undefined,
      log: silentLogger(),
      signal: signal(),
      fileRecheckMs: 10,
    });
    assert.deepEqual(subjects(source.current().clientCa), ['CN=ca-a']);
    writeFileSync(`${file}.new`, b.pem);
    renameSync(`${file}.new`, file);
    polled(
      await pollUntil(
        () => Promise.resolve(subjects(source.current().clientCa)?.[0]),
        (subject) => subject === 'CN=ca-b',
        { timeoutMs: 3000, intervalMs: 10 },
      ),
      'rotation',
    );
    const bad = join(dir, 'bad.pem');
    writeFileSync(bad, 'not a certificate');
    const flags = { ...FLAGS, clientCaFile: bad, authenticationSkipLookup: true };
    await assert.rejects(
      startAuthConfigSource({ flags, client: undefined, log: silentLogger(), signal: signal() }),
      CaBundleError,
    );
    const missing = {
      ...FLAGS,
      clientCaFile: join(dir, 'nope.pem'),
      authenticationSkipLookup: true,
    };
    await assert.rejects(
      startAuthConfigSource({
        flags: missing,
        client: undefined,
        log: silentLogger(),
        signal: signal(),
      }),
      /ENOENT/,
    );
  });
});
