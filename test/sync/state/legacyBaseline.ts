import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { BaselineEntry } from '../../../lib/sync/plan/types';
import { indexKey } from '../../../lib/sync/state/baselineIndex';
import { toRow } from '../../../lib/sync/state/baselineRows';

/**
 * A drive as the service stored it before the bucketed layout (state/baselineLayout.ts): every row
 * in the drive's own partition, item rows keyed by remote id, index rows (once the index existed)
 * beside them, and a meta row with the count and no `buckets`. Written as raw rows, since today's
 * code writes the bucketed layout only.
 */
export async function writeLegacyDrive(
    table: TableClient,
    driveId: string,
    entries: readonly BaselineEntry[],
    options: { index: boolean; meta: boolean },
): Promise<void> {
    const actions: TransactionAction[] = [];
    for (const e of entries) {
        actions.push(['upsert', toRow(driveId, e), 'Replace']);
        if (options.index) actions.push(['upsert', { ...toRow(driveId, e), rowKey: indexKey(e) }, 'Replace']);
    }
    for (let at = 0; at < actions.length; at += 100) await table.submitTransaction(actions.slice(at, at + 100));
    if (options.meta)
        await table.upsertEntity({ partitionKey: driveId, rowKey: '$meta', count: entries.length }, 'Replace');
}
