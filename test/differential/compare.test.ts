/**
 * The differential test's comparison, offline: tolerances, normalisation, allow-list entries that
 * apply only where upstream shows the documented behaviour, and docs/compatibility.md naming every
 * entry.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/repo-root.ts';
import { ALLOW_LIST } from './allow-list.ts';
import { answerOf, differences, judge, normalise, quantity, type Answer } from './compare.ts';
import type { Probe } from './probes.ts';

const probe = (path: string, volatile = false): Probe => ({ id: 'p', path, volatile });
const ok = (body: unknown): Answer => answerOf(200, JSON.stringify(body));

test('quantities parse in every suffix form', () => {
  assert.equal(quantity('250m'), 0.25);
  assert.equal(quantity('16Mi'), 16 * 2 ** 20);
  assert.equal(quantity('2k'), 2000);
  assert.equal(quantity('1e3'), 1000);
  assert.ok((quantity('-9223372036854775808m') ?? 0) < -9.2e15);
  assert.equal(quantity('abc'), undefined);
});

test('timestamps within the tolerance and volatile values within it are equal; nothing else', () => {
  const a = { timestamp: '2026-01-01T00:00:00Z', value: '1000m' };
  assert.deepEqual(
    differences(a, { timestamp: '2026-01-01T00:00:09Z', value: '1000m' }, false),
    [],
  );
  assert.equal(
    differences(a, { timestamp: '2026-01-01T00:01:00Z', value: '1000m' }, false).length,
    1,
  );
  assert.deepEqual(differences(a, { ...a, value: '1100m' }, true), []);
  assert.equal(differences(a, { ...a, value: '1100m' }, false).length, 1);
  assert.equal(differences({ items: [1, 2] }, { items: [1] }, false).length, 1);
  assert.deepEqual(differences({ x: 1 }, { x: 1, y: null }, false), [
    '$.y: upstream (absent), ours null',
  ]);
});

test('normalise hides the serving port and upstream’s random resource order only', () => {
  const body = {
    kind: 'APIResourceList',
    resources: [{ name: 'b' }, { name: 'a' }],
    groups: [{ serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: ':8443' }] }],
  };
  assert.deepEqual(normalise(ok(body), 8443).body, {
    kind: 'APIResourceList',
    resources: [{ name: 'a' }, { name: 'b' }],
    groups: [
      { serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: ':<port>' }] },
    ],
  });
});

test('an allow-list entry applies only to its documented difference', () => {
  const item = (apiVersion: string, value = '1') => ({
    describedObject: { kind: 'Pod', name: 'p', apiVersion },
    value,
  });
  const path = '/apis/custom.metrics.k8s.io/v1beta1/namespaces/a/pods/p/m';
  const same = judge(
    probe(path),
    ok({ items: [item('/v1')] }),
    ok({ items: [item('v1')] }),
    ALLOW_LIST,
  );
  assert.deepEqual(same.allowed, ['core-api-version']);
  assert.deepEqual(same.diffs, []);
  // Another apiVersion, or a different value, is still a difference.
  assert.equal(
    judge(probe(path), ok({ items: [item('/v2')] }), ok({ items: [item('v1')] }), ALLOW_LIST).diffs
      .length,
    1,
  );
  const v = judge(
    probe(path),
    ok({ items: [item('/v1', '2')] }),
    ok({ items: [item('v1')] }),
    ALLOW_LIST,
  );
  assert.deepEqual(v.diffs, ['$.items[0].value: upstream "2", ours "1"']);
  // The overflow entry needs upstream's exact overflow value.
  const big = judge(
    probe(path),
    ok({ items: [item('v1', '-5')] }),
    ok({ items: [item('v1', '100P')] }),
    ALLOW_LIST,
  );
  assert.equal(big.diffs.length, 1);
  const status = (s: number) => answerOf(s, JSON.stringify({ kind: 'Status', code: s }));
  assert.deepEqual(judge(probe(path), status(404), status(500), ALLOW_LIST).diffs, [
    'status: upstream 404, ours 500',
    '$.code: upstream 404, ours 500',
  ]);
});

test('content types always, and the text of raw probes, must match too', () => {
  const json = (raw: string, ct = 'application/json') => answerOf(200, raw, ct);
  const p = { id: 'p', path: '/apis/metrics.k8s.io', raw: true };
  assert.deepEqual(judge(p, json('{"a":1}\n'), json('{"a":1}\n'), ALLOW_LIST).diffs, []);
  assert.deepEqual(judge(p, json('{"a":1}\n'), json('{"a":1}'), ALLOW_LIST).diffs, [
    'text: upstream "{\\"a\\":1}\\n", ours "{\\"a\\":1}"',
  ]);
  assert.deepEqual(
    judge({ ...p, raw: false }, json('{"a":1}\n'), json('{"a":1}'), ALLOW_LIST).diffs,
    [],
  );
  assert.deepEqual(
    judge({ ...p, raw: false }, json('{}'), json('{}', 'text/plain'), ALLOW_LIST).diffs,
    ['content-type: upstream application/json, ours text/plain'],
  );
});

test('docs/compatibility.md names every allow-list entry', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/compatibility.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Checked by the differential test'));
  assert.ok(section.length > 0 && doc.includes('## Checked by the differential test'));
  const ids = new Set(ALLOW_LIST.map((e) => e.id));
  assert.equal(ids.size, ALLOW_LIST.length, 'allow-list ids are unique');
  for (const id of ids) assert.match(section, new RegExp(`\`${id}\``), `${id} is documented`);
  const documented = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), [...ids].sort(), 'the section lists exactly the allow-list');
});
