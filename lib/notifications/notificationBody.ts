/**
 * The notification payload Graph posts: `{ value: [{ subscriptionId, clientState, changeType,
 * resource, tenantId, lifecycleEvent? }] }`. It says nothing about what changed: only which
 * subscription fired. Parsed by hand (the webhook stays light).
 */
export interface ChangeNotification {
    subscriptionId: string;
    clientState?: string;
    /** Set on lifecycle notifications: reauthorizationRequired (subscriptionRemoved and missed are never sent for drives). */
    lifecycleEvent?: string;
}

/**
 * The route is anonymous, so these bound what one request can cost before any clientState is
 * checked. A basic (no resource data) notification is 300-600 bytes and Graph batches what it has
 * for one URL, far fewer entries than this; a body above either limit is not Graph's.
 */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;
export const MAX_NOTIFICATION_ENTRIES = 1000;

export type ParsedNotifications =
    { ok: true; notifications: ChangeNotification[] } | { ok: false; problem: 'invalid' | 'too_many_entries' };

export function parseNotificationBody(text: string): ParsedNotifications {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return { ok: false, problem: 'invalid' };
    }
    const value = (parsed as { value?: unknown } | null)?.value;
    if (!Array.isArray(value)) return { ok: false, problem: 'invalid' };
    if (value.length > MAX_NOTIFICATION_ENTRIES) return { ok: false, problem: 'too_many_entries' };
    return {
        ok: true,
        notifications: value.flatMap((v: unknown): ChangeNotification[] => {
            const e = v as Record<string, unknown> | null;
            if (!e || typeof e.subscriptionId !== 'string' || e.subscriptionId.length > 100) return [];
            return [
                {
                    subscriptionId: e.subscriptionId,
                    ...(typeof e.clientState === 'string' ? { clientState: e.clientState } : {}),
                    ...(typeof e.lifecycleEvent === 'string' ? { lifecycleEvent: e.lifecycleEvent } : {}),
                },
            ];
        }),
    };
}

/** The entries of a valid body, or undefined (kept for callers that only need the entries). */
export function parseNotifications(text: string): ChangeNotification[] | undefined {
    const parsed = parseNotificationBody(text);
    return parsed.ok ? parsed.notifications : undefined;
}

/**
 * Reads at most `limit` bytes of a request body, as it streams in (Azure hands HTTP functions a
 * stream: enableHttpStream). Undefined as soon as the body is longer: the rest is never read.
 */
export async function readBodyCapped(
    body: ReadableStream<Uint8Array> | null,
    limit: number,
): Promise<string | undefined> {
    if (!body) return '';
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > limit) {
            await reader.cancel().catch(() => undefined);
            return undefined;
        }
        chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
}
