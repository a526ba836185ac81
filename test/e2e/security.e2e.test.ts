// End-to-end: delegated authentication and authorization (issue #4) on a real kube-apiserver.
// Requests through the aggregator carry the front-proxy identity and meet real RBAC; ServiceAccount
// tokens sent straight to the pod meet a real TokenReview; a grant or a revocation shows within
// the cache TTL; a CA added to (and removed from) the extension-apiserver-authentication ConfigMap
// applies live. Own cluster (slot 3), always torn down. Needs root; skips otherwise.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { certificatesOf, readRequestHeaderCa, writeRequestHeaderCa } from './auth-configmap.ts';
import {
  directGet,
  type AdapterTarget,
  type CertKey,
  type Credentials,
  type DirectReply,
} from './direct-client.ts';
import {
  clusterDown,
  e2eClusterEnv,
  e2eSkipReason,
  freshCluster,
  run,
  stepRunner,
} from './local-cluster.ts';
import { pollUntil, type PollResult } from '../support/poll.ts';
import {
  adapterPod,
  apiserverAllows,
  attempt,
  deployAdapter,
  forbidden,
  forbiddenMessage,
  GROUP,
  isNotFound,
  METRIC_PATH,
  NOT_FOUND,
  targetOf,
  UNAUTHORIZED,
  type AdapterPod,
  type Kubectl,
  type KubectlOutcome,
} from './security-cluster.ts';
import { EKU, issue, issueCa } from '../support/pki.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const REPO = REPO_ROOT;
const ENV = e2eClusterEnv(3);
const DIR = ENV.K8S_PA_CLUSTER_DIR ?? '';
const KUBECTL = join(ENV.K8S_PA_CACHE ?? '', 'kube-v1.34.4/bin/kubectl');
const KENV = { ...ENV, KUBECONFIG: join(DIR, 'kubeconfig') };
const S = 1000;
const MIN = 60 * S;
/** The adapter's default authorization (and token) cache TTL, and the slack allowed beyond it. */
const TTL_S = 10;
const MARGIN_S = 5;

const kubectl: Kubectl = (...args) => run(KUBECTL, args, KENV, 60_000);
const token = async (sa: string) =>
  (await kubectl('-n', 'sec', 'create', 'token', sa, '--duration=10m')).trim();

const shown = (r: DirectReply | undefined) => `${r?.status ?? 'no answer'} ${r?.text ?? ''}`;

/** As `user`, through the kube-apiserver's aggregator: the admin impersonates with `--as`. */
const viaAggregator = (user: string) =>
  attempt(kubectl, 'get', '--raw', METRIC_PATH, `--as=${user}`);
const aggregatorNotFound = (o: KubectlOutcome) =>
  !o.ok && o.text.includes(`Error from server (NotFound): ${NOT_FOUND}`);
const aggregatorForbidden = (o: KubectlOutcome, user: string) =>
  !o.ok && o.text.includes(`Error from server (Forbidden): ${forbiddenMessage(user)}`);

/** A front proxy's headers for `user` (what the aggregator sends for an impersonated user). */
const proxied = (clientCert: CertKey, user: string): Credentials => ({
  clientCert,
  headers: { 'X-Remote-User': user, 'X-Remote-Group': 'system:authenticated' },
});

describe(
  'delegated authn/authz on a local cluster (issue #4)',
  { skip: e2eSkipReason() ?? false, timeout: 40 * MIN },
  () => {
    const { step, failed } = stepRunner();
    let target: AdapterTarget | undefined;
    let pod0: AdapterPod | undefined;
    let proxyCert: CertKey | undefined;
    let originalCa: string | undefined;
    let apiserver: AdapterTarget | undefined;
    let admin: CertKey | undefined;
    /** A front proxy's CA the cluster does not trust until it joins the requestheader CA bundle. */
    let rotated: { readonly caPem: string; readonly client: CertKey } | undefined;
    const adapter = (): AdapterTarget => {
      if (target === undefined) throw new Error('the adapter was not deployed');
      return target;
    };
    const ask = (creds: Credentials) => directGet(adapter(), METRIC_PATH, creds);
    /** As `user` through the aggregator, over HTTPS (status and body as the aggregator relays them). */
    const aggregatorAs = (user: string) => {
      if (apiserver === undefined || admin === undefined) throw new Error('no cluster');
      const headers = { 'Impersonate-User': user };
      return directGet(apiserver, METRIC_PATH, { clientCert: admin, headers });
    };
    const pollDirect = (creds: Credentials, accept: (r: DirectReply) => boolean, seconds: number) =>
      pollUntil(() => ask(creds), accept, { timeoutMs: seconds * S, intervalMs: 250 });

    before(() => freshCluster(ENV), { timeout: 30 * MIN });

    after(
      async () => {
        // The apiserver merges its own CA back within a minute but never drops one we added:
        // put the bundle back ourselves.
        if (originalCa !== undefined) {
          await writeRequestHeaderCa(kubectl, originalCa).catch((err: unknown) => {
            process.stderr.write(`restoring the requestheader CA failed: ${String(err)}\n`);
          });
        }
        if (failed()) {
          const dump = await Promise.allSettled([
            kubectl('get', 'pods,apiservices', '-A', '-o', 'wide'),
            kubectl('-n', 'prom', 'logs', 'deploy/prometheus', '-c', 'cm-adapter', '--tail=40'),
          ]);
          for (const d of dump)
            process.stderr.write(`${d.status === 'fulfilled' ? d.value : String(d.reason)}\n`);
        }
        await clusterDown(ENV);
      },
      { timeout: 2 * MIN },
    );

    step('deploys the walkthrough adapter with kubectl', 3 * MIN, async (t) => {
      const started = Date.now();
      const ca = await deployAdapter(kubectl, REPO, DIR);
      const pod = await pollUntil(
        () => adapterPod(kubectl),
        (p) => p.ip !== '',
        {
          timeoutMs: 30 * S,
          intervalMs: 500,
        },
      );
      assert.ok(pod.value !== undefined && pod.ok, `no adapter pod IP: ${String(pod.lastError)}`);
      pod0 = pod.value;
      target = targetOf(pod.value, ca);
      const pki = (f: string) => readFile(join(DIR, 'pki', f), 'utf8');
      proxyCert = {
        cert: await pki('front-proxy-client.crt'),
        key: await pki('front-proxy-client.key'),
      };
      admin = { cert: await pki('admin.crt'), key: await pki('admin.key') };
      const port = Number(ENV.K8S_PA_API_PORT);
      apiserver = { host: '127.0.0.1', port, servername: 'localhost', ca: await pki('ca.crt') };
      t.diagnostic(`deployed in ${(Date.now() - started) / S}s; pod ${pod.value.ip}`);
    });

    step('the APIService v1beta1.custom.metrics.k8s.io becomes Available', 3 * MIN, async (t) => {
      const jsonpath = 'jsonpath={.status.conditions[?(@.type=="Available")].status}';
      const r = await pollUntil(
        () => kubectl('get', 'apiservice', `v1beta1.${GROUP}`, '-o', jsonpath),
        (s) => s === 'True',
        { timeoutMs: 150 * S, intervalMs: 1000 },
      );
      t.diagnostic(`Available after ${r.seconds}s`);
      assert.ok(r.ok, `not Available: ${r.value ?? String(r.lastError)}`);
    });

    step(
      '(1) through the aggregator: RBAC-bound alice reaches the adapter, bob gets 403',
      MIN,
      async () => {
        // Only alice and sec/reader are bound: had the adapter seen anyone else (anonymous, the
        // proxy's own CN), its SubjectAccessReview would have refused, and no 404 could come back.
        const alice = await pollUntil(() => viaAggregator('alice'), aggregatorNotFound, {
          timeoutMs: 30 * S,
          intervalMs: 1000,
        });
        assert.ok(alice.ok, `alice: ${alice.value?.text ?? String(alice.lastError)}`);
        const bob = await viaAggregator('bob');
        assert.ok(aggregatorForbidden(bob, 'bob'), `bob: ${bob.text}`);
      },
    );

    step(
      '(1) the adapter judges the forwarded user itself: its cached denial shows through the aggregator',
      MIN,
      async (t) => {
        const dave = proxied(proxyCert ?? { cert: '', key: '' }, 'dave');
        const denied = await ask(dave);
        const deniedAt = Date.now();
        assert.deepEqual(denied.json, forbidden('dave'), `front proxy as dave: ${shown(denied)}`);
        await kubectl(
          '-n',
          'default',
          'create',
          'rolebinding',
          'sec-dave',
          '--role=metrics-getter',
          '--user=dave',
        );
        const sar = await pollUntil(
          () => apiserverAllows(kubectl, DIR, 'dave'),
          (a) => a,
          {
            timeoutMs: 5 * S,
            intervalMs: 200,
          },
        );
        assert.ok(sar.ok, 'the kube-apiserver does not allow dave after the grant');
        // The apiserver now lets dave through; a 403 can only be the adapter's cached denial.
        const first = await viaAggregator('dave');
        const age = (Date.now() - deniedAt) / S;
        t.diagnostic(
          `${age.toFixed(1)}s after the denial, via aggregator: ${first.text.replace(/^.*?(?=Error from server)/s, '')}`,
        );
        if (age < TTL_S - 2)
          assert.ok(
            aggregatorForbidden(first, 'dave'),
            `expected the adapter's cached 403: ${first.text}`,
          );
        const later = await pollUntil(() => viaAggregator('dave'), aggregatorNotFound, {
          timeoutMs: (TTL_S + MARGIN_S) * S,
          intervalMs: 500,
        });
        t.diagnostic(`dave allowed ${((Date.now() - deniedAt) / S).toFixed(1)}s after the denial`);
        assert.ok(later.ok, `dave still refused: ${later.value?.text ?? String(later.lastError)}`);
      },
    );

    step(
      '(2) ServiceAccount tokens straight to the pod meet a real TokenReview',
      MIN,
      async (t) => {
        const reader = await ask({ token: await token('reader') });
        assert.ok(isNotFound(reader), `reader (bound): ${shown(reader)}`);
        const nobodyToken = await token('nobody');
        const nobody = await ask({ token: nobodyToken });
        assert.deepEqual(nobody.json, forbidden('system:serviceaccount:sec:nobody'), shown(nobody));
        const garbage = await ask({ token: 'not-a-token.garbage' });
        assert.deepEqual([garbage.status, garbage.json], [401, UNAUTHORIZED], shown(garbage));
        const none = await ask({});
        assert.deepEqual(
          none.json,
          forbidden('system:anonymous'),
          `no credentials: ${shown(none)}`,
        );
        const forged = await ask({
          headers: { 'X-Remote-User': 'alice', 'X-Remote-Group': 'system:masters' },
        });
        assert.deepEqual(
          forged.json,
          forbidden('system:anonymous'),
          `forged X-Remote-User: ${shown(forged)}`,
        );
        // Revoked: the ServiceAccount goes away; the cached TokenReview answer expires within its TTL.
        await kubectl('-n', 'sec', 'delete', 'serviceaccount', 'nobody');
        const revoked = await pollDirect(
          { token: nobodyToken },
          (r) => r.status === 401,
          TTL_S + MARGIN_S,
        );
        t.diagnostic(`token of the deleted ServiceAccount refused after ${revoked.seconds}s`);
        assert.deepEqual(revoked.value?.json, UNAUTHORIZED, shown(revoked.value));
      },
    );

    step(
      '(3) granting then revoking a RoleBinding flips the answer within the cache TTL',
      MIN,
      async (t) => {
        const creds = { token: await token('grantee') };
        const user = 'system:serviceaccount:sec:grantee';
        const before = await ask(creds);
        assert.deepEqual(before.json, forbidden(user), `before the grant: ${shown(before)}`);
        const binding = ['-n', 'default', 'rolebinding', 'sec-grantee'];
        await kubectl(
          'create',
          ...binding,
          '--role=metrics-getter',
          `--serviceaccount=sec:grantee`,
        );
        const granted = await pollDirect(creds, isNotFound, TTL_S + MARGIN_S);
        t.diagnostic(`grant seen after ${granted.seconds}s`);
        assert.ok(
          granted.ok,
          `not allowed ${TTL_S + MARGIN_S}s after the grant: ${shown(granted.value)}`,
        );
        await kubectl('delete', ...binding);
        const revoked = await pollDirect(creds, (r) => r.status === 403, TTL_S + MARGIN_S);
        t.diagnostic(`revocation seen after ${revoked.seconds}s`);
        assert.ok(
          revoked.ok,
          `still allowed ${TTL_S + MARGIN_S}s after the revocation: ${shown(revoked.value)}`,
        );
        assert.deepEqual(revoked.value?.json, forbidden(user));
      },
    );

    step(
      '(4) a requestheader CA added to the ConfigMap is trusted live, and distrusted once removed',
      2 * MIN,
      async (t) => {
        const rotatedCa = await issueCa('security-e2e-rotated-ca');
        const proxyClient = await issue({
          cn: 'front-proxy-client',
          issuer: rotatedCa,
          eku: [EKU.clientAuth],
        });
        rotated = {
          caPem: rotatedCa.pem,
          client: { cert: proxyClient.pem, key: proxyClient.keyPem },
        };
        const carol = proxied(rotated.client, 'carol');
        const untrusted = await ask(carol);
        assert.deepEqual(
          [untrusted.status, untrusted.json],
          [401, UNAUTHORIZED],
          `before: ${shown(untrusted)}`,
        );
        const original = await readRequestHeaderCa(kubectl);
        originalCa = original;
        await writeRequestHeaderCa(kubectl, `${original.trimEnd()}\n${rotated.caPem}`);
        const trusted = await pollDirect(carol, (r) => r.status !== 401, 30);
        t.diagnostic(`new CA trusted after ${trusted.seconds}s`);
        assert.deepEqual(
          trusted.value?.json,
          forbidden('carol'),
          `with the CA added: ${shown(trusted.value)}`,
        );
        const aliceDuring = await viaAggregator('alice');
        assert.ok(aggregatorNotFound(aliceDuring), `aggregator with two CAs: ${aliceDuring.text}`);

        await writeRequestHeaderCa(kubectl, original);
        const distrusted = await pollDirect(carol, (r) => r.status === 401, 30);
        t.diagnostic(`removed CA distrusted after ${distrusted.seconds}s`);
        assert.deepEqual(
          distrusted.value?.json,
          UNAUTHORIZED,
          `with the CA removed: ${shown(distrusted.value)}`,
        );
        assert.deepEqual(
          certificatesOf(await readRequestHeaderCa(kubectl)),
          certificatesOf(original),
        );
        originalCa = undefined;
        const aliceAfter = await viaAggregator('alice');
        assert.ok(
          aggregatorNotFound(aliceAfter),
          `aggregator after the rotation: ${aliceAfter.text}`,
        );
      },
    );

    step(
      '(4) the requestheader CA replaced by one that did not sign the aggregator: 401 via the aggregator until restored',
      2 * MIN,
      async (t) => {
        const foreign = rotated?.caPem ?? '';
        const original = await readRequestHeaderCa(kubectl);
        originalCa = original;
        // The apiserver's trust controller merges its own CA back into the ConfigMap once a
        // minute: should that land before the 401 shows, replace again (a minute of quiet follows).
        let refused: PollResult<DirectReply> | undefined;
        for (let round = 0; round < 2 && refused?.ok !== true; round++) {
          await writeRequestHeaderCa(kubectl, foreign);
          refused = await pollUntil(
            () => aggregatorAs('alice'),
            (r) => r.status === 401,
            { timeoutMs: 10 * S, intervalMs: 250 },
          );
        }
        t.diagnostic(`aggregator refused with 401 after ${refused?.seconds ?? '-'}s`);
        assert.deepEqual(
          [refused?.value?.status, refused?.value?.json],
          [401, UNAUTHORIZED],
          `via the aggregator with a foreign requestheader CA: ${shown(refused?.value)}`,
        );
        await writeRequestHeaderCa(kubectl, original);
        // Meanwhile the aggregator may have marked the APIService unavailable (503 until its
        // next discovery check, ≤ 30 s).
        const back = await pollUntil(() => aggregatorAs('alice'), isNotFound, {
          timeoutMs: 60 * S,
          intervalMs: 500,
        });
        t.diagnostic(`served again through the aggregator ${back.seconds}s after the restore`);
        assert.ok(back.ok, `after the restore: ${shown(back.value)}`);
        assert.deepEqual(
          certificatesOf(await readRequestHeaderCa(kubectl)),
          certificatesOf(original),
        );
        originalCa = undefined;
      },
    );

    step('the adapter pod was never restarted', 30 * S, async () => {
      const pod = await adapterPod(kubectl);
      assert.equal(pod.uid, pod0?.uid, 'same pod');
      assert.equal(pod.adapterRestarts, 0, 'cm-adapter restartCount');
    });
  },
);
