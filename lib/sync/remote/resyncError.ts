/**
 * A 410 from delta means "start over" (graph-sync.md §1.3). Microsoft spells the reason three ways:
 * top-level `resyncRequired`, innererror `resyncChangesApplyDifferences` / `resyncChangesUploadDifferences`,
 * and errors.md's `resyncApplyDifferences` / `resyncUploadDifferences`. We match codes at any depth
 * and, as a last resort, the message text, because all of them occur.
 */
export type ResyncKind = 'applyDifferences' | 'uploadDifferences' | 'resyncRequired';

interface ErrorNode {
    code?: unknown;
    message?: unknown;
    innerError?: ErrorNode;
    innererror?: ErrorNode;
}

export function classifyResync(status: number, body: unknown): ResyncKind | undefined {
    const root = (body as { error?: ErrorNode } | undefined)?.error;
    const codes: string[] = [];
    const messages: string[] = [];
    for (
        let node: ErrorNode | undefined = root, depth = 0;
        node && depth < 8;
        node = node.innererror ?? node.innerError, depth++
    ) {
        if (typeof node.code === 'string') codes.push(node.code.toLowerCase());
        if (typeof node.message === 'string') messages.push(node.message.toLowerCase());
    }
    if (codes.some((c) => c === 'resyncchangesuploaddifferences' || c === 'resyncuploaddifferences'))
        return 'uploadDifferences';
    if (codes.some((c) => c === 'resyncchangesapplydifferences' || c === 'resyncapplydifferences'))
        return 'applyDifferences';
    if (codes.includes('resyncrequired') || messages.some((m) => m.includes('resync required')))
        return 'resyncRequired';
    // A bare 410 on a delta link still means the token is gone: the only fix is a full enumeration.
    return status === 410 ? 'resyncRequired' : undefined;
}
