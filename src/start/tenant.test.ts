import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../api/errors.ts';
import type { BackendConfig } from '../config/types.ts';
import { tenantResolver } from './tenant.ts';

const base: BackendConfig = { name: 'm', urls: ['http://x'] };

describe('tenantResolver', () => {
  const table: readonly (readonly [string, Partial<BackendConfig>, string | undefined, string])[] =
    [
      ['no tenant', {}, 'a', 'undefined'],
      ['template', { tenant: { header: 'H', template: 't-<<.Namespace>>' } }, 'a', 't-a'],
      [
        'namespaceTenants first',
        { tenant: { header: 'H', template: 't-<<.Namespace>>' }, namespaceTenants: { a: 'x' } },
        'a',
        'x',
      ],
      [
        'fixed template, no namespace',
        { tenant: { header: 'H', template: 'ops' } },
        undefined,
        'ops',
      ],
      [
        'root-scoped with defaultTenant',
        { tenant: { header: 'H', template: '<<.Namespace>>' }, defaultTenant: 'd' },
        '',
        'd',
      ],
      [
        'root-scoped without defaultTenant',
        { tenant: { header: 'H', template: '<<.Namespace>>' } },
        '',
        '400',
      ],
      [
        'map only, unmapped namespace',
        { tenant: { header: 'H' }, namespaceTenants: { a: 'x' } },
        'b',
        '400',
      ],
    ];
  for (const [name, extra, ns, want] of table) {
    it(name, () => {
      const r = tenantResolver({ ...base, ...extra });
      let got: string;
      try {
        got = String(r.forNamespace(ns));
      } catch (err) {
        assert.ok(err instanceof ApiError);
        got = String(err.code);
      }
      assert.equal(got, want);
    });
  }

  it('relists every known tenant only when the tenant depends on the namespace', () => {
    const per = tenantResolver({
      ...base,
      tenant: { header: 'H', template: '<<.Namespace>>' },
      tenants: ['a', 'b'],
      defaultTenant: 'd',
      namespaceTenants: { kube: 'a' },
    });
    assert.equal(per.perNamespace, true);
    assert.deepEqual(per.relistTenants, ['a', 'b', 'd']);
    const fixed = tenantResolver({
      ...base,
      tenant: { header: 'H', template: 'ops' },
      tenants: ['a'],
    });
    assert.equal(fixed.perNamespace, false);
    assert.deepEqual(fixed.relistTenants, []);
  });
});
