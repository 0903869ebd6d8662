import { reportDriveHealth } from '../alerts/driveAlerts';
import { AccountAuthError, acquireGraphToken } from '../auth/accessToken';
import { isCredentialFault } from '../dependencies/dependencyFault';
import { dependencyFaultIn } from '../dependencies/classify';
import { createGraphClient, signInFailureIn } from '../graph/graphClient';
import { getDriveById } from '../graph/driveResources';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import type { DriveRecord, DriveStatusCause } from './driveRecord';
import { getDrive, listDrives, saveDrive } from './driveRepository';
import { GraphError, graphError } from '../graph/graphError';

/** "Unable to connect to SharePoint sites" in the admin guide: the account cannot read the library. */
export function accessLostCause(failure: GraphError, username: string): DriveStatusCause {
    return {
        code: 'access_lost',
        message: `${username} cannot reach this library any more (Graph ${failure.status} ${failure.code}).`,
        hint: 'Give the account at least read access to the SharePoint site, or reconnect the drive with an account that has it.',
        at: new Date().toISOString(),
    };
}

/**
 * Checks a drive for real: a silent token for its account, then one cheap Graph read of the drive.
 * Returns the drive with its status and cause updated (the caller saves it). A dependency fault on
 * the way (the credential unreadable in Key Vault, storage down) is thrown, classified.
 */
export async function checkDriveHealth(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
): Promise<DriveRecord> {
    if (!drive.account || !drive.graph) return drive;
    const at = new Date().toISOString();
    let token: string;
    try {
        token = await acquireGraphToken(services, integration, drive.account.homeAccountId);
    } catch (e) {
        if (e instanceof AccountAuthError && e.needsReauth) {
            return { ...drive, status: 'needs_reauth', statusCause: { ...e.failure, at } };
        }
        throw dependencyFaultIn(e) ?? e;
    }
    try {
        // The token just acquired; a fresh one only if Graph refuses it (StaleTokenRetry).
        const client = await createGraphClient(services, integration, async (options) =>
            options?.forceRefresh
                ? acquireGraphToken(services, integration, drive.account!.homeAccountId, options)
                : token,
        );
        await getDriveById(client, drive.graph.driveId);
        return { ...drive, status: 'connected', statusCause: undefined };
    } catch (e) {
        const signIn = signInFailureIn(e);
        if (signIn?.needsReauth) return { ...drive, status: 'needs_reauth', statusCause: { ...signIn.failure, at } };
        const failure = graphError(e);
        if (failure && [403, 404].includes(failure.status))
            return { ...drive, status: 'access_lost', statusCause: accessLostCause(failure, drive.account.username) };
        throw e;
    }
}

/**
 * `GET /api/drives/{id}?refresh=true` and the hourly sweep: checks the drive live and saves what it
 * found. A credential fault (missing, disabled, vault denying access) is the integration's, so it is
 * reported as such (every drive marked, one alert) and the drive comes back `credential_unavailable`
 * with the cause; a check that gets through while the integration had such a fault clears it for every
 * drive. A transient fault is thrown as a DependencyFault (503 with its hint): never a bare 500.
 */
export async function refreshDriveHealth(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
    etag: string,
): Promise<DriveRecord> {
    const table = await services.tables.get('drives');
    let checked: DriveRecord;
    try {
        checked =
            drive.auth === 'app'
                ? await (
                      await import('../credentials/appOnly/appDriveHealth')
                  ).checkAppDriveHealth(services, integration, drive)
                : await checkDriveHealth(services, integration, drive);
    } catch (e) {
        const fault = dependencyFaultIn(e);
        if (!fault) throw e;
        if (!(fault.configuration && isCredentialFault(fault))) throw fault;
        const { reportCredentialFault } = await import('../integration/credentialHealth');
        await reportCredentialFault(services, integration.id, fault);
        return (await getDrive(table, integration.id, drive.id))?.drive ?? drive;
    }
    const checkedLive = !!drive.graph && (drive.auth === 'app' || !!drive.account);
    if (checkedLive && (integration.fault || drive.status === 'credential_unavailable')) {
        // The check got past the credential: the integration's fault is gone, for every drive.
        const { recoverCredential } = await import('../integration/credentialHealth');
        await recoverCredential(
            services,
            integration.id,
            `A live check of drive "${drive.name}" read the credential again.`,
        );
        const fresh = await getDrive(table, integration.id, drive.id);
        if (!fresh) return checked;
        return saveChecked(services, fresh.drive, checked, fresh.etag);
    }
    return saveChecked(services, drive, checked, etag);
}

async function saveChecked(
    services: Services,
    drive: DriveRecord,
    checked: DriveRecord,
    etag: string,
): Promise<DriveRecord> {
    const next = { ...drive, status: checked.status, statusCause: checked.statusCause };
    if (next.status !== drive.status || JSON.stringify(next.statusCause) !== JSON.stringify(drive.statusCause)) {
        await saveDrive(await services.tables.get('drives'), { ...next, updatedAt: new Date().toISOString() }, etag);
    }
    await reportDriveHealth(services, next);
    return next;
}

/**
 * Every connected drive of the integration (and every one already unavailable for another cause) is
 * marked `credential_unavailable` with the cause. Conditional writes; a drive changed meanwhile is
 * read again. Returns the drives it changed.
 */
export async function markDrivesCredentialUnavailable(
    services: Services,
    integrationId: string,
    cause: DriveStatusCause,
): Promise<DriveRecord[]> {
    return changeDrives(services, integrationId, (d) =>
        d.status === 'connected' || (d.status === 'credential_unavailable' && d.statusCause?.code !== cause.code)
            ? { ...d, status: 'credential_unavailable', statusCause: cause }
            : undefined,
    );
}

/** The integration's fault is gone: its `credential_unavailable` drives are connected again. */
export async function restoreCredentialUnavailableDrives(
    services: Services,
    integrationId: string,
): Promise<DriveRecord[]> {
    return changeDrives(services, integrationId, (d) =>
        d.status === 'credential_unavailable' ? { ...d, status: 'connected', statusCause: undefined } : undefined,
    );
}

async function changeDrives(
    services: Services,
    integrationId: string,
    change: (drive: DriveRecord) => DriveRecord | undefined,
): Promise<DriveRecord[]> {
    const table = await services.tables.get('drives');
    const changed: DriveRecord[] = [];
    for (const listed of await listDrives(table, integrationId)) {
        if (!change(listed)) continue;
        for (let attempt = 0; attempt < 4; attempt++) {
            const found = await getDrive(table, integrationId, listed.id);
            const next = found && change(found.drive);
            if (!found || !next) break;
            try {
                const saved = { ...next, updatedAt: new Date().toISOString() };
                await saveDrive(table, saved, found.etag);
                changed.push(saved);
                break;
            } catch (e) {
                if ((e as { code?: string }).code !== 'drive_changed' || attempt === 3) throw e;
            }
        }
    }
    return changed;
}
