import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { currentCallerKey, describeCallerKey } from '../auth/callerKey';

/** Who changed what, when: one row per change, newest first within a month partition. */
export interface AuditEntry {
    actor: string;
    action: string;
    target: string;
    /** Field names that changed (never values: some are secrets). */
    changed: string[];
    at: string;
    /** Which key the request came with (lib/auth/callerKey.ts): "master key sha256:…", "key sha256:…", "none". */
    key?: string;
}

const MAX_TICKS = 9_999_999_999_999;

export async function recordAudit(
    table: TableClient,
    entry: Omit<AuditEntry, 'at' | 'key'>,
    now = new Date(),
): Promise<void> {
    const at = now.toISOString();
    await table.createEntity({
        partitionKey: at.slice(0, 7),
        // Inverted time so a partition lists newest first; random suffix so same-millisecond writes coexist.
        rowKey: `${String(MAX_TICKS - now.getTime()).padStart(13, '0')}-${randomBytes(4).toString('hex')}`,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        changed: JSON.stringify(entry.changed),
        at,
        key: describeCallerKey(currentCallerKey()),
    });
}

export async function listAudit(table: TableClient, month: string, limit = 100): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    const rows = table.listEntities<{
        actor: string;
        action: string;
        target: string;
        changed: string;
        at: string;
        key?: string;
    }>({
        queryOptions: { filter: `PartitionKey eq '${month.replace(/'/g, "''")}'` },
    });
    for await (const row of rows) {
        out.push({
            actor: row.actor,
            action: row.action,
            target: row.target,
            changed: JSON.parse(row.changed) as string[],
            at: row.at,
            ...(row.key ? { key: row.key } : {}),
        });
        if (out.length >= limit) break;
    }
    return out;
}
