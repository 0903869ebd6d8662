import { restStatus } from '../storage/restError';
import { createHash, randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { bindingMatches, newBrowserBinding } from './browserBinding';
import type { ExpectedUser } from './expectedUser';

/**
 * The OAuth connect flow's one-time values, in two steps:
 *  1. the platform (with its function key) asks for a connect ticket: a single-use link for a browser;
 *  2. the browser opens the link; the ticket is consumed and exchanged for an OAuth `state` bound to a
 *     PKCE verifier, and the browser goes to Entra; the callback consumes the state exactly once.
 * Rows are keyed by a hash of the value, so the table never holds a usable ticket or state. The state
 * also holds the hash of the browser binding (browserBinding.ts): only the browser that opened the
 * link can complete the callback.
 */
export interface ConnectRequest {
    integrationId: string;
    purpose: 'drive' | 'personal';
    driveId?: string;
    platformUserId?: string;
    /** Where the browser goes back to; already checked against PLATFORM_ALLOWED_ORIGINS. */
    returnUrl?: string;
    /** The person who must sign in (personal drives): checked before anything is stored. */
    expectedUser?: ExpectedUser;
    /** Sent to Entra as login_hint (a UPN), so the sign-in page offers the right account. */
    loginHint?: string;
}

export interface AuthorizationState extends ConnectRequest {
    codeVerifier: string;
    nonce: string;
    expiresAt: string;
    /** SHA-256 (hex) of the secret in the browser's binding cookie. */
    browserBindingHash?: string;
}

export type StateProblem = 'state_missing' | 'state_unknown' | 'state_expired' | 'state_replayed';
/** The state is genuine, but the browser presenting it is not the one that started the sign-in. */
export type BindingProblem = 'browser_mismatch';

export const TICKET_TTL_MS = 10 * 60_000;
export const STATE_TTL_MS = 10 * 60_000;

const TICKET = 'ticket';
const STATE = 'state';

export function randomToken(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
}

export function pkceChallenge(verifier: string): string {
    return createHash('sha256').update(verifier).digest('base64url');
}

function rowKeyOf(value: string): string {
    return createHash('sha256').update(value).digest('hex');
}

export async function createConnectTicket(
    table: TableClient,
    request: ConnectRequest,
    now = Date.now(),
): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomToken();
    const expiresAt = new Date(now + TICKET_TTL_MS).toISOString();
    await table.createEntity({
        partitionKey: TICKET,
        rowKey: rowKeyOf(ticket),
        document: JSON.stringify(request),
        expiresAt,
        consumed: false,
    });
    return { ticket, expiresAt };
}

/**
 * Consumes a ticket and creates the state Entra will hand back to the callback, bound to the browser
 * that opened the ticket: `browserSecret` goes to that browser in a cookie, only its hash is stored.
 */
export async function exchangeTicketForState(
    table: TableClient,
    ticket: string | null,
    now = Date.now(),
): Promise<
    | {
          ok: true;
          state: string;
          codeChallenge: string;
          nonce: string;
          request: ConnectRequest;
          browserSecret: string;
      }
    | { ok: false; problem: StateProblem }
> {
    const consumed = await consume(table, TICKET, ticket, now);
    // A ticket is not bound to a browser yet (opening it is what binds one): no browser_mismatch here.
    if (!consumed.ok) return { ok: false, problem: consumed.problem as StateProblem };
    const request = JSON.parse(consumed.document) as ConnectRequest;
    const state = randomToken();
    const binding = newBrowserBinding();
    const record: AuthorizationState = {
        ...request,
        codeVerifier: randomToken(),
        nonce: randomToken(16),
        expiresAt: new Date(now + STATE_TTL_MS).toISOString(),
        browserBindingHash: binding.hash,
    };
    await table.createEntity({
        partitionKey: STATE,
        rowKey: rowKeyOf(state),
        document: JSON.stringify(record),
        expiresAt: record.expiresAt,
        consumed: false,
    });
    return {
        ok: true,
        state,
        codeChallenge: pkceChallenge(record.codeVerifier),
        nonce: record.nonce,
        request,
        browserSecret: binding.secret,
    };
}

/**
 * Consumes the state exactly once: a replay, an expired or an unknown state is refused. The browser
 * must present the binding secret first: a state from another browser is refused *without* being
 * consumed, so someone replaying a leaked callback URL cannot burn the real user's sign-in either.
 */
export async function consumeState(
    table: TableClient,
    state: string | null,
    browserSecret: string | undefined,
    now = Date.now(),
): Promise<{ ok: true; record: AuthorizationState } | { ok: false; problem: StateProblem | BindingProblem }> {
    const consumed = await consume(table, STATE, state, now, (document) => {
        const { browserBindingHash } = JSON.parse(document) as AuthorizationState;
        return browserBindingHash !== undefined && bindingMatches(browserSecret, browserBindingHash);
    });
    return consumed.ok ? { ok: true, record: JSON.parse(consumed.document) as AuthorizationState } : consumed;
}

interface Row {
    document: string;
    expiresAt: string;
    consumed: boolean;
}

/**
 * Marks a row consumed with an ETag-conditional write: of two concurrent callbacks with the same
 * state, exactly one wins. The row stays (as consumed) so a replay is told apart from a forgery.
 */
async function consume(
    table: TableClient,
    partition: string,
    value: string | null,
    now: number,
    fromThisBrowser: (document: string) => boolean = () => true,
): Promise<{ ok: true; document: string } | { ok: false; problem: StateProblem | BindingProblem }> {
    if (!value || value.length > 200) return { ok: false, problem: value ? 'state_unknown' : 'state_missing' };
    const rowKey = rowKeyOf(value);
    let row: Row & { etag: string };
    try {
        row = await table.getEntity<Row>(partition, rowKey);
    } catch (e) {
        if (restStatus(e) === 404) return { ok: false, problem: 'state_unknown' };
        throw e;
    }
    if (row.consumed) return { ok: false, problem: 'state_replayed' };
    if (!fromThisBrowser(row.document)) return { ok: false, problem: 'browser_mismatch' };
    try {
        await table.updateEntity({ partitionKey: partition, rowKey, consumed: true }, 'Merge', { etag: row.etag });
    } catch (e) {
        if (restStatus(e) === 412) return { ok: false, problem: 'state_replayed' };
        throw e;
    }
    if (Date.parse(row.expiresAt) <= now) return { ok: false, problem: 'state_expired' };
    return { ok: true, document: row.document };
}

/** Removes rows past their expiry (run by a timer); consumed rows are kept until then for replay detection. */
export async function purgeExpiredStates(table: TableClient, now = Date.now()): Promise<number> {
    let removed = 0;
    const cutoff = new Date(now - STATE_TTL_MS).toISOString();
    for await (const row of table.listEntities<Row>({
        queryOptions: { filter: `expiresAt lt '${cutoff}'`, select: ['PartitionKey', 'RowKey'] },
    })) {
        await table.deleteEntity(row.partitionKey!, row.rowKey!).catch(() => undefined);
        removed++;
    }
    return removed;
}
