import type { ItemOutcome } from '../contracts';
import { PlatformConflict } from '../platform/platformErrors';
import { UnsafeBlobName } from '../platform/platformLayout';
import type { Action } from '../plan/types';
import { graphError } from '../../graph/graphError';

/** The platform path an action is about (what a person looks for in the run's outcomes). */
export function pathOf(action: Action): string {
    switch (action.kind) {
        case 'updateBaseline':
            return action.entry?.platformPath ?? action.item.replace(/^path:/, '');
        case 'conflictKeepBoth':
            return action.path;
        default:
            return action.path;
    }
}

export function outcome(
    action: Action,
    status: ItemOutcome['status'],
    code: string,
    message: string,
    extra: Partial<ItemOutcome> = {},
): ItemOutcome {
    return { path: pathOf(action), action: action.kind, status, code, message, ...extra };
}

export function ok(action: Action, message?: string): ItemOutcome {
    return outcome(action, 'ok', action.reason.code, message ?? action.reason.message);
}

/**
 * Maps a failure to an outcome. A changed item (412, a blob ETag that moved on, a name taken
 * meanwhile) is `retrying`: the next sync re-plans from what is there now and nothing is overwritten.
 * Throttling and server errors are `retrying` too; anything else is `failed` with Graph's code and
 * request id, so an admin can quote it to Microsoft support.
 */
export function failure(action: Action, e: unknown): ItemOutcome {
    if (e instanceof PlatformConflict)
        return outcome(action, 'retrying', e.code, e.message, {
            hint: 'Nothing was overwritten; the next sync re-plans this item.',
        });
    if (e instanceof UnsafeBlobName)
        // The name screen (names/checkName.ts) catches what SharePoint allows and a blob name cannot
        // hold; this is the last guard where the name is composed. Retrying would not change the name.
        return outcome(action, 'skipped', e.code, e.message, {
            hint: 'Rename the item in SharePoint/OneDrive (no "..", "\\", control characters or empty segments); the next sync copies it.',
        });
    const graph = graphError(e);
    if (!graph)
        return outcome(action, 'failed', 'internal_error', errorMessage(e), {
            hint: 'Check the function logs for this run; the next sync retries.',
        });
    const extra = { graphCode: graph.code, ...(graph.requestId ? { requestId: graph.requestId } : {}) };
    const rule = GRAPH_RULES.find((r) => r.status === graph.status) ?? (graph.status >= 500 ? TRANSIENT : undefined);
    if (!rule)
        return outcome(action, 'failed', 'graph_error', graph.message, {
            ...extra,
            hint: 'See the Graph error code; the next sync retries.',
        });
    return outcome(action, rule.outcome, rule.code, graph.message || rule.hint, { ...extra, hint: rule.hint });
}

interface GraphRule {
    status: number;
    outcome: ItemOutcome['status'];
    code: string;
    hint: string;
}

const TRANSIENT: GraphRule = {
    status: 500,
    outcome: 'retrying',
    code: 'transient',
    hint: 'Microsoft Graph had a temporary problem; the next sync retries.',
};

const GRAPH_RULES: GraphRule[] = [
    {
        status: 412,
        outcome: 'retrying',
        code: 'precondition_failed',
        hint: 'The item changed in SharePoint/OneDrive after the sync planned; nothing was overwritten and the next sync re-plans it.',
    },
    {
        status: 409,
        outcome: 'retrying',
        code: 'name_already_exists',
        hint: 'An item with that name appeared meanwhile; the next sync pairs or renames it.',
    },
    {
        status: 404,
        outcome: 'retrying',
        code: 'item_not_found',
        hint: 'The item or its folder is gone in SharePoint/OneDrive; the next sync re-plans it.',
    },
    {
        status: 423,
        outcome: 'retrying',
        code: 'locked',
        hint: 'The file is checked out or locked in SharePoint; check it in, and the next sync retries.',
    },
    {
        status: 429,
        outcome: 'retrying',
        code: 'throttled',
        hint: 'Microsoft Graph is throttling this tenant; the next sync retries.',
    },
    {
        status: 403,
        outcome: 'failed',
        code: 'access_denied',
        hint: 'The account cannot change this item: check its permissions, or a retention hold on the folder (abraunegg#338).',
    },
    {
        status: 507,
        outcome: 'failed',
        code: 'quota_exceeded',
        hint: 'The library or OneDrive is full: free space or raise the quota.',
    },
];

function errorMessage(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
