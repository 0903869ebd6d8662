import { acquireGraphToken } from '../../lib/auth/accessToken';
import { getDrive } from '../../lib/drives/driveRepository';
import { cloudEndpoints } from '../../lib/integration/cloud';
import { getIntegration } from '../../lib/integration/integrationRepository';
import type { Services } from '../../lib/runtime/services';
import type { TransferMessage } from '../../lib/sync/contracts';
import { blockId } from '../../lib/transfer/download';

/**
 * The ceiling: the same bytes between the same endpoints with the same fragment size, in the least
 * code that can do it (no journal, no hash, no read-ahead, no retries, no gate).
 */
async function graphFor(
    services: Services,
    m: TransferMessage,
): Promise<{ base: string; driveId: string; token: string }> {
    const integration = (await getIntegration(await services.tables.get('integrations'), m.integrationId))!.record;
    const drive = (await getDrive(await services.tables.get('drives'), integration.id, m.driveId))!.drive;
    const token = await acquireGraphToken(services, integration, drive.account!.homeAccountId);
    return {
        base: cloudEndpoints(integration.cloud, services.config.m365).graphBaseUrl,
        driveId: drive.graph!.driveId,
        token,
    };
}

export async function rawUpload(services: Services, m: TransferMessage, fragment: number): Promise<void> {
    const g = await graphFor(services, m);
    const blob = services.storage.blob
        .getContainerClient(services.config.platformContainer)
        .getBlobClient(`${m.driveId}/${m.platformPath}`);
    const size = m.expected.size;
    const created = await fetch(
        `${g.base}/drives/${g.driveId}/root:/${m.remote.parentPath}/${m.remote.name}:/createUploadSession`,
        {
            method: 'POST',
            headers: { Authorization: `Bearer ${g.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace' } }),
        },
    );
    const { uploadUrl } = (await created.json()) as { uploadUrl: string };
    for (let offset = 0; offset < size; offset += fragment) {
        const count = Math.min(fragment, size - offset);
        const bytes = await blob.downloadToBuffer(offset, count);
        const r = await fetch(uploadUrl, {
            method: 'PUT',
            body: bytes,
            headers: { 'Content-Range': `bytes ${offset}-${offset + count - 1}/${size}` },
        });
        await r.arrayBuffer();
        if (r.status >= 300 && r.status !== 202) throw new Error(`raw upload: ${r.status}`);
    }
}

export async function rawDownload(services: Services, m: TransferMessage, fragment: number): Promise<void> {
    const g = await graphFor(services, m);
    const item = await fetch(`${g.base}/drives/${g.driveId}/items/${m.remote.itemId}`, {
        headers: { Authorization: `Bearer ${g.token}` },
    });
    const url = ((await item.json()) as { '@microsoft.graph.downloadUrl': string })['@microsoft.graph.downloadUrl'];
    const blob = services.storage.blob
        .getContainerClient(services.config.platformContainer)
        .getBlockBlobClient(`${m.driveId}/${m.platformPath}`);
    const size = m.expected.size;
    const ids: string[] = [];
    for (let offset = 0; offset < size; offset += fragment) {
        const end = Math.min(offset + fragment, size) - 1;
        const r = await fetch(url, { headers: { Range: `bytes=${offset}-${end}` } });
        const bytes = Buffer.from(await r.arrayBuffer());
        const id = blockId(`raw-${m.transferId}`, offset);
        await blob.stageBlock(id, bytes, bytes.length);
        ids.push(id);
    }
    await blob.commitBlockList(ids);
}
