import type { DriveRecord } from '../../drives/driveRecord';
import { requireDrive } from '../../drives/driveRepository';
import { ApiError } from '../../http/apiError';
import { requireIntegration } from '../../integration/integrationSettings';
import type { Services } from '../../runtime/services';
import { checkPath } from '../names';
import { isCleanPath } from './platformLayout';

/** The drive a platform route addresses (404 drive_not_found otherwise). */
export async function requirePlatformDrive(services: Services, driveId: string): Promise<DriveRecord> {
    const integration = await requireIntegration(services);
    return (await requireDrive(await services.tables.get('drives'), integration.id, driveId)).drive;
}

/** A drive-relative path as the routes accept it: '/'-separated, no leading or trailing '/', no '.' or '..'. */
export function requireCleanPath(path: string | null | undefined, options: { allowRoot: boolean }): string {
    const p = path ?? '';
    if ((p === '' && !options.allowRoot) || !isCleanPath(p)) {
        throw new ApiError(
            400,
            'invalid_path',
            `"${p.slice(0, 200)}" is not a drive-relative path.`,
            "Send a path like 'Reports/2024/q1.xlsx': no leading or trailing '/', no empty, '.' or '..' segments.",
            [{ field: 'path', code: 'invalid_path', message: 'Not a drive-relative path.' }],
        );
    }
    return p;
}

/**
 * Refuses a file path SharePoint/OneDrive would refuse (graph-sync.md §1.5), before any byte is
 * stored: the error names the rule and says what to do, as the sync's skip outcomes do.
 */
export function requireSyncablePath(path: string, size: number): void {
    const check = checkPath(path, { isFolder: false, size });
    if (check.ok) return;
    throw new ApiError(400, 'invalid_name', check.message, check.hint, [
        { field: 'path', code: check.rule, message: check.message },
    ]);
}
