import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { parseOptions } from './options.ts';
import { IpPool, netnsName, vethName } from './pod-network.ts';
import { nextVerdict, resolvePort, runProbe } from './probes.ts';
import { backoffSeconds, shouldRestart, terminationReason } from './restart-backoff.ts';

test('restart policy and back-off', () => {
  const table: [string | undefined, number, boolean][] = [
    [undefined, 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 2, true],
    ['Never', 1, false],
  ];
  for (const [policy, code, want] of table)
    assert.equal(shouldRestart(policy, code), want, `${policy ?? '-'}/${code}`);
  assert.deepEqual(
    [0, 1, 2, 3, 10].map((n) => backoffSeconds(n, 5)),
    [0, 10, 20, 40, 300],
  );
  assert.equal(backoffSeconds(5, 601), 0, 'a long run resets the back-off');
  assert.equal(terminationReason(0), 'Completed');
  assert.equal(terminationReason(137), 'Error');
});

test('IpPool hands out the lowest free address and reuses released ones', () => {
  const pool = new IpPool('10.244.0.1');
  assert.equal(pool.allocate(), '10.244.0.2');
  assert.equal(pool.allocate(), '10.244.0.3');
  pool.release('10.244.0.2');
  assert.equal(pool.allocate(), '10.244.0.2');
  for (let i = 4; i <= 254; i++) pool.allocate();
  assert.throws(() => pool.allocate(), /no free pod IP/);
  assert.equal(netnsName('k8spa0', 'abc'), 'k8spa0-abc');
  assert.equal(vethName('k8spa0', '10.244.0.23'), 'k8spa0v23');
});

test('probe verdicts flip only after the threshold', () => {
  const probe = { failureThreshold: 2, successThreshold: 1 };
  let v = { ok: true, streak: 0 };
  v = nextVerdict(probe, v, false);
  assert.deepEqual(v, { ok: true, streak: 1 });
  v = nextVerdict(probe, v, true);
  assert.deepEqual(v, { ok: true, streak: 0 }, 'a success resets the failure streak');
  v = nextVerdict(probe, nextVerdict(probe, v, false), false);
  assert.deepEqual(v, { ok: false, streak: 0 });
  assert.deepEqual(nextVerdict(probe, v, true), { ok: true, streak: 0 });
});

test('probes resolve named ports and connect over TCP and HTTP', async () => {
  const container = { name: 'c', ports: [{ name: 'web', containerPort: 8080 }] };
  assert.equal(resolvePort(container, 'web'), 8080);
  assert.equal(resolvePort(container, 9090), 9090);
  assert.throws(() => resolvePort(container, 'nope'), /unknown port/);
  const server = createServer((s) => s.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    assert.equal(await runProbe({ tcpSocket: { port } }, container, '127.0.0.1', 0), true);
    assert.equal(
      await runProbe({ httpGet: { port, path: '/healthz' } }, container, '127.0.0.1', 0),
      true,
    );
  } finally {
    server.close();
  }
  assert.equal(await runProbe({ tcpSocket: { port } }, container, '127.0.0.1', 0), false);
});

test('parseOptions requires the essentials and validates ports', () => {
  const base = [
    '--kubeconfig=k',
    '--node-name=n',
    '--state-dir=s',
    '--tls-cert-file=c',
    '--tls-private-key-file=k',
    '--client-ca-file=ca',
    '--repo-root=/repo',
  ];
  const o = parseOptions([...base, '--api-port=16443']);
  assert.equal(o.apiPort, 16443);
  assert.equal(o.repoRoot, '/repo');
  assert.throws(() => parseOptions(base.slice(0, -1)), /--repo-root is required/);
  assert.equal(o.bridgeIp, '10.244.0.1');
  assert.throws(
    () => parseOptions(['--api-port=0']),
    /--kubeconfig is required[\s\S]*invalid port/,
  );
  assert.throws(() => parseOptions([...base, '--bridge-ip=10.0.0.5']), /\.1 of a \/24/);
  assert.throws(() => parseOptions([...base, '--bogus']), /Unknown option/);
});
