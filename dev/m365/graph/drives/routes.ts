import { canSeeSite, canUseDrive, permissionsOf, requireSitesScope } from '../access/access';
import { metadataUrl, type GraphContext } from '../http/context';
import { GraphError, accessDenied } from '../http/errors';
import { serializeDrive } from '../items/serialize';
import { isoSeconds } from '../model/time';
import type { SimSite } from '../model/types';
import { meNeedsUser } from './resolve';

/** `/me`, `/sites?search=`, `/sites/{id}`, `/sites/{host}:/sites/{path}`, `/sites/{id}/drives`. */

const USER_READ = [
    'User.Read',
    'User.ReadWrite',
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
];

export function getMe(ctx: GraphContext): void {
    const p = ctx.principal;
    if (p.kind !== 'delegated' || !p.userId) throw meNeedsUser();
    if (!permissionsOf(p).some((s) => USER_READ.includes(s)))
        throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    const user = ctx.state.deps.directory.getUser(p.tenantId, p.userId);
    if (!user)
        throw new GraphError(
            404,
            'Request_ResourceNotFound',
            `Resource '${p.userId}' does not exist or one of its queried reference-property objects are not present.`,
        );
    const [givenName, ...rest] = user.displayName.split(' ');
    ctx.ex.sendJson(200, {
        '@odata.context': metadataUrl(ctx.state, 'users/$entity'),
        businessPhones: [],
        displayName: user.displayName,
        givenName: givenName ?? null,
        jobTitle: null,
        mail: user.mail,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: null,
        surname: rest.join(' ') || null,
        userPrincipalName: user.userPrincipalName,
        id: user.id,
    });
}

export function siteJson(site: SimSite): Record<string, unknown> {
    return {
        createdDateTime: isoSeconds(site.createdAt),
        description: site.description,
        id: site.id,
        lastModifiedDateTime: isoSeconds(site.createdAt),
        name: site.name,
        webUrl: `https://${site.hostname}${site.path}`,
        displayName: site.displayName,
        root: {},
        siteCollection: { hostname: site.hostname },
    };
}

/** Returns true when the path was a sites route. */
export function sitesRoute(ctx: GraphContext): boolean {
    const { path, ex, state, principal } = ctx;
    if (path === '/sites' || path === '/sites/') {
        requireSitesScope(principal);
        const q = (ex.url.searchParams.get('search') ?? '').replace(/^"|"$/g, '').toLowerCase();
        const hits = [...state.sites.values()].filter(
            (s) =>
                canSeeSite(principal, s) &&
                (q === '' || q === '*' || `${s.displayName} ${s.name} ${s.description}`.toLowerCase().includes(q)),
        );
        ex.sendJson(200, { '@odata.context': metadataUrl(state, 'sites'), value: hits.map(siteJson) });
        return true;
    }
    const byPath = /^\/sites\/([^/:]+):(\/[^:]*?):?(\/drives)?$/.exec(path);
    const byId = /^\/sites\/([^/:]+)(\/drives)?$/.exec(path);
    if (!byPath && !byId) return false;
    requireSitesScope(principal);
    let site: SimSite | undefined;
    if (byPath) {
        const host = decodeURIComponent(byPath[1]).toLowerCase();
        const sitePath = decodeURIComponent(byPath[2]).replace(/\/$/, '').toLowerCase();
        site = [...state.sites.values()].find((s) => s.hostname === host && s.path.toLowerCase() === sitePath);
    } else {
        site = state.sites.get(decodeURIComponent((byId as RegExpExecArray)[1]));
    }
    if (!site || site.tenantId !== principal.tenantId)
        throw new GraphError(404, 'itemNotFound', 'Requested site could not be found');
    if (!canSeeSite(principal, site)) throw accessDenied();
    const wantsDrives = byPath ? !!byPath[3] : !!(byId as RegExpExecArray)[2];
    if (wantsDrives) {
        const drives = site.driveIds
            .map((id) => state.drives.get(id))
            .filter((d) => d && canUseDrive(state, principal, d, 'read'));
        ex.sendJson(200, {
            '@odata.context': metadataUrl(state, 'Collection(drive)'),
            value: drives.map((d) => serializeDrive(state, d!)),
        });
    } else {
        ex.sendJson(200, { '@odata.context': metadataUrl(state, 'sites/$entity'), ...siteJson(site) });
    }
    return true;
}
