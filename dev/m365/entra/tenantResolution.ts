import type { Tenant } from './model';
import type { TenantStore } from './tenantStore';

/** The `{tenant}` path segment: a tenant (by GUID or verified domain), a multi-tenant alias, or nothing known. */
export type TenantSegment =
    | { kind: 'tenant'; tenant: Tenant; segment: string }
    | { kind: 'multi'; segment: 'common' | 'organizations' }
    | { kind: 'unknown'; segment: string };

export function resolveTenantSegment(tenants: TenantStore, segment: string): TenantSegment {
    const lower = segment.toLowerCase();
    if (lower === 'common' || lower === 'organizations') return { kind: 'multi', segment: lower };
    const tenant = tenants.findTenant(lower);
    return tenant ? { kind: 'tenant', tenant, segment } : { kind: 'unknown', segment };
}
