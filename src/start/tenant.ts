/**
 * A backend's tenant header value for a request namespace: `namespaceTenants[ns]`, else the
 * rendered `tenant.template` (`<<.Namespace>>`, the metricsQuery template engine), else
 * `defaultTenant`. A root-scoped request (no namespace) on a backend whose tenant needs one and
 * has no `defaultTenant` is refused with a 400 Status rather than sent with some other tenant.
 */
import { badRequest } from '../api/errors.ts';
import type { BackendConfig } from '../config/types.ts';
import { compileTemplate } from '../lib/go-template/go-template.ts';

export interface TenantResolver {
  /** The header name, or undefined when the backend has no tenant. */
  readonly header: string | undefined;
  /** Whether the tenant depends on the namespace (relists then go through `relistTenants`). */
  readonly perNamespace: boolean;
  /** Tenant for a request namespace ('' or undefined: root-scoped). Throws a 400 ApiError. */
  forNamespace(namespace: string | undefined): string | undefined;
  /** The tenants a relist asks (`tenants`, `defaultTenant`, the `namespaceTenants` values). */
  readonly relistTenants: readonly string[];
}

export const tenantResolver = (backend: BackendConfig): TenantResolver => {
  const tenant = backend.tenant;
  if (tenant === undefined) {
    return {
      header: undefined,
      perNamespace: false,
      forNamespace: () => undefined,
      relistTenants: [],
    };
  }
  const template =
    tenant.template === undefined
      ? undefined
      : compileTemplate(tenant.template, {
          name: `backends[${backend.name}].tenant.template`,
          fields: ['Namespace'],
        });
  const mapped = backend.namespaceTenants ?? {};
  const perNamespace =
    template === undefined ? Object.keys(mapped).length > 0 : template.fields.has('Namespace');
  const fixed =
    template !== undefined && !perNamespace ? template.render({ Namespace: '' }) : undefined;
  const relistTenants = [
    ...new Set([
      ...(backend.tenants ?? []),
      ...(backend.defaultTenant === undefined ? [] : [backend.defaultTenant]),
      ...Object.values(mapped),
    ]),
  ];
  return {
    header: tenant.header,
    perNamespace,
    relistTenants: perNamespace ? relistTenants : [],
    forNamespace: (namespace) => {
      if (fixed !== undefined) return fixed;
      if (namespace !== undefined && namespace !== '') {
        const found = Object.hasOwn(mapped, namespace) ? mapped[namespace] : undefined;
        if (found !== undefined) return found;
        if (template !== undefined) return template.render({ Namespace: namespace });
      }
      if (backend.defaultTenant !== undefined) return backend.defaultTenant;
      throw badRequest(
        namespace === undefined || namespace === ''
          ? `backend ${JSON.stringify(backend.name)} chooses its ${tenant.header} tenant by namespace; this request has no namespace and the backend has no defaultTenant`
          : `backend ${JSON.stringify(backend.name)} has no ${tenant.header} tenant for namespace ${JSON.stringify(namespace)}`,
      );
    },
  };
};
