import type { Client } from '@microsoft/microsoft-graph-client';
import type { DriveRecord } from '../../drives/driveRecord';
import { listDrives } from '../../drives/driveRepository';
import { getDriveById, getSite, listSiteDrives, searchSites } from '../../graph/driveResources';
import { createGraphClient } from '../../graph/graphClient';
import type { IntegrationRecord } from '../../integration/integrationRepository';
import { Checkpoint, checkpoint } from '../../integration/status/checkpoint';
import type { Services } from '../../runtime/services';
import { rolesOf } from '../verifyCredential';
import { AppAuthError, acquireAppGraphToken } from './appToken';
import { siteGrantHint } from './siteGrantHint';
import { graphError } from '../../graph/graphError';

/** Application permissions that reach every site: with any of them, Sites.Selected limits nothing. */
const WIDE_ROLES = [
    'Sites.Read.All',
    'Sites.ReadWrite.All',
    'Sites.Manage.All',
    'Sites.FullControl.All',
    'Files.Read.All',
    'Files.ReadWrite.All',
];

/**
 * Least privilege, verified: every app-only drive's site is readable with the app's token (its grant
 * exists), the token carries no tenant-wide role, and no other site the app can find is readable.
 * Graph has no API listing an app's grants, so the grants are probed one site at a time.
 */
export async function checkAppOnlySites(
    services: Services,
    integration: IntegrationRecord,
): Promise<Checkpoint | undefined> {
    const all = await listDrives(await services.tables.get('drives'), integration.id);
    const drives = all.filter((d) => d.auth === 'app' && d.graph);
    if (drives.length === 0) return undefined;
    let token: string;
    try {
        token = await acquireAppGraphToken(services, integration, { fresh: true });
    } catch (e) {
        if (!(e instanceof AppAuthError)) throw e;
        return checkpoint('app_only_sites', 'fail', `No app-only token: ${e.failure.message}`, {
            hint: e.failure.hint,
        });
    }
    const client = await createGraphClient(services, integration, async () => token);
    const roles = rolesOf(token);
    const probes = await Promise.all(drives.map((d) => probeDrive(client, d)));
    const denied = probes.filter((p) => !p.ok);
    const granted = probes.filter((p) => p.ok).map((p) => `${p.siteName} ("${p.drive.name}")`);
    const driveSites = new Set(drives.map((d) => d.graph!.siteId));
    // Known sites the app must NOT read: those delegated drives sync (Graph search hides ungranted sites).
    const known = all
        .filter((d) => d.auth !== 'app' && d.graph?.siteId && !driveSites.has(d.graph.siteId))
        .map((d) => ({ id: d.graph!.siteId!, label: `the site of "${d.name}"` }));
    const others = await otherSites(client, driveSites, known);
    const wide = roles.filter((r) => WIDE_ROLES.includes(r));

    const parts = [
        granted.length > 0 ? `Granted and readable: ${granted.join(', ')}.` : "No app-only drive's site is readable.",
        denied.length > 0
            ? `Not granted: ${denied.map((p) => `${p.siteName} ("${p.drive.name}", Graph ${p.status})`).join(', ')}.`
            : '',
        others.readable.length > 0
            ? `Readable although no app-only drive uses them: ${others.readable.join(', ')}.`
            : '',
        others.denied.length > 0 ? `Not readable by the app, as intended: ${others.denied.join(', ')}.` : '',
        others.readable.length === 0
            ? `Ungranted sites are not readable (${others.denied.length} other site${others.denied.length === 1 ? '' : 's'} probed).`
            : '',
        `Token roles: ${roles.join(', ') || 'none'}.`,
    ].filter(Boolean);
    const evidence = parts.join(' ');
    if (denied.length > 0)
        return checkpoint('app_only_sites', 'fail', evidence, {
            code: 'site_not_granted',
            hint: siteGrantHint(denied[0]!.drive.graph!.siteId ?? '{siteId}', integration.clientId),
        });
    if (!roles.includes('Sites.Selected'))
        return checkpoint('app_only_sites', 'warn', evidence, {
            hint: 'Add the application permission Sites.Selected and grant admin consent.',
        });
    if (wide.length > 0)
        return checkpoint('app_only_sites', 'warn', evidence, {
            hint: `Remove the application permission${wide.length === 1 ? '' : 's'} ${wide.join(', ')}: ${wide.length === 1 ? 'it reaches' : 'they reach'} every site, which defeats Sites.Selected.`,
        });
    if (others.readable.length > 0)
        return checkpoint('app_only_sites', 'warn', evidence, {
            hint: "Remove the app's grant on sites no drive syncs (DELETE /sites/{siteId}/permissions/{permissionId}).",
        });
    return checkpoint('app_only_sites', 'pass', evidence);
}

type Probe = { drive: DriveRecord; siteName: string } & ({ ok: true } | { ok: false; status: number });

async function probeDrive(client: Client, drive: DriveRecord): Promise<Probe> {
    const siteId = drive.graph!.siteId;
    // An ungranted site cannot even be read for its name: fall back to the library's URL.
    const fallback = drive.graph!.webUrl ?? siteId ?? '(unknown site)';
    const siteName = siteId
        ? ((await getSite(client, siteId).catch(() => undefined))?.displayName ?? fallback)
        : fallback;
    try {
        await getDriveById(client, drive.graph!.driveId);
        return { drive, siteName, ok: true };
    } catch (e) {
        const failure = graphError(e);
        if (!failure || ![401, 403, 404].includes(failure.status)) throw e;
        return { drive, siteName, ok: false, status: failure.status };
    }
}

/** Sites besides the app-only drives' own (found by search, or known from delegated drives): which the app can read. */
async function otherSites(
    client: Client,
    driveSites: Set<string | undefined>,
    known: { id: string; label: string }[],
): Promise<{ readable: string[]; denied: string[] }> {
    const visible = (await searchSites(client, '*').catch(() => []))
        .filter((s) => !driveSites.has(s.id))
        .map((s) => ({ id: s.id, label: s.displayName ?? s.name ?? s.id }));
    const candidates = [...visible, ...known.filter((k) => !visible.some((v) => v.id === k.id))];
    const readable: string[] = [];
    const denied: string[] = [];
    for (const site of candidates) {
        const libraries = await listSiteDrives(client, site.id).catch(() => undefined);
        if (libraries && libraries.length > 0) readable.push(site.label);
        else denied.push(site.label);
    }
    return { readable, denied };
}
