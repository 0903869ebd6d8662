import type { Principal } from '../../contract';
import { GraphError, accessDenied } from '../http/errors';
import type { SimState } from '../model/state';
import type { SimDrive, SimSite } from '../model/types';

/**
 * Who may do what. Delegated tokens need a scope AND the user's own right (OneDrive owner, site
 * member); application tokens follow their roles, with Sites.Selected limited to sites that have a
 * grant. A missing permission is 403 accessDenied; another tenant's drive does not exist (404).
 */
export type Access = 'read' | 'write';

const DELEGATED_OWN_READ = [
    'Files.Read',
    'Files.ReadWrite',
    'Files.Read.All',
    'Files.ReadWrite.All',
    'Sites.Read.All',
    'Sites.ReadWrite.All',
    'Sites.Manage.All',
    'Sites.FullControl.All',
];
const DELEGATED_OWN_WRITE = [
    'Files.ReadWrite',
    'Files.ReadWrite.All',
    'Sites.ReadWrite.All',
    'Sites.Manage.All',
    'Sites.FullControl.All',
];
const ALL_READ = [
    'Files.Read.All',
    'Files.ReadWrite.All',
    'Sites.Read.All',
    'Sites.ReadWrite.All',
    'Sites.Manage.All',
    'Sites.FullControl.All',
];
const ALL_WRITE = ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];
const SITES_READ = ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];

const hasAny = (held: string[], wanted: string[]): boolean => held.some((p) => wanted.includes(p));

export function permissionsOf(p: Principal): string[] {
    return p.kind === 'delegated' ? p.scopes : p.roles;
}

export function authorizeDrive(state: SimState, p: Principal, drive: SimDrive, access: Access): void {
    if (drive.tenantId !== p.tenantId) throw new GraphError(404, 'itemNotFound', 'The requested drive was not found.');
    const reason = denialReason(state, p, drive, access);
    if (reason) throw accessDenied(reason);
}

export function canUseDrive(state: SimState, p: Principal, drive: SimDrive, access: Access): boolean {
    return drive.tenantId === p.tenantId && denialReason(state, p, drive, access) === undefined;
}

function denialReason(state: SimState, p: Principal, drive: SimDrive, access: Access): string | undefined {
    const held = permissionsOf(p);
    const site = drive.siteId ? state.sites.get(drive.siteId) : undefined;
    if (p.kind === 'application') {
        if (hasAny(held, access === 'read' ? ALL_READ : ALL_WRITE)) return undefined;
        if (site && held.includes('Sites.Selected')) {
            const grant = site.appGrants.get(p.appId);
            if (grant === 'write' || (grant === 'read' && access === 'read')) return undefined;
            return grant
                ? 'Access denied: the site grant does not allow writing.'
                : 'Access denied: the application has no grant on this site.';
        }
        return 'Either scp or roles claim need to be present in the token.';
    }
    if (drive.ownerUserId) {
        if (drive.ownerUserId !== p.userId) return 'Access denied';
        return hasAny(held, access === 'read' ? DELEGATED_OWN_READ : DELEGATED_OWN_WRITE)
            ? undefined
            : 'Access denied: missing scope.';
    }
    if (!hasAny(held, access === 'read' ? ALL_READ : ALL_WRITE)) return 'Access denied: missing scope.';
    const role = site && p.userId ? site.members.get(p.userId) : undefined;
    if (role === 'write' || (role === 'read' && access === 'read')) return undefined;
    return 'Access denied';
}

/** Sites the principal can see in `/sites?search=` and read in `/sites/{id}`. */
export function canSeeSite(p: Principal, site: SimSite): boolean {
    if (site.tenantId !== p.tenantId) return false;
    const held = permissionsOf(p);
    if (p.kind === 'application')
        return hasAny(held, SITES_READ) || hasAny(held, ALL_READ) || site.appGrants.has(p.appId);
    return hasAny(held, [...SITES_READ, ...ALL_READ]) && !!p.userId && site.members.has(p.userId);
}

export function requireSitesScope(p: Principal): void {
    const held = permissionsOf(p);
    if (hasAny(held, [...SITES_READ, ...ALL_READ])) return;
    if (p.kind === 'application' && held.includes('Sites.Selected')) return;
    throw accessDenied('Either scp or roles claim need to be present in the token.');
}
