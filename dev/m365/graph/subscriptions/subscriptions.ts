import { authorizeDrive } from '../access/access';
import { metadataUrl, type GraphContext } from '../http/context';
import { GraphError } from '../http/errors';
import { parseDriveAddress } from '../http/address';
import { resolveDrive, resolveItem } from '../drives/resolve';
import type { SimState } from '../model/state';
import { isoSeconds, parseIso } from '../model/time';
import type { Delivery } from './delivery';

/**
 * `/subscriptions`: webhooks on drive roots. Creation runs Graph's validation handshake before
 * anything is stored; duplicates are 409 ObjectIdentifierInUse (the id only inside the message).
 *
 * Reauthorization (microsoft-graph-docs-contrib concepts/change-notifications-lifecycle-events.md):
 * `reauthorizationRequired` is sent for all resources, drives included, "when the access token is about
 * to expire" or "when a subscription is about to expire", to the lifecycleNotificationUrl. "The flow of
 * change notifications may continue for a while ... However, eventually change notification delivery
 * pauses, until you take the required action. Any notifications about resource changes that happen when
 * the change notification delivery pauses ... are lost." The app answers with
 * `POST /subscriptions/{id}/reauthorize` or a PATCH (renewing also reauthorizes). Modelled here: the
 * subscription is authorized until the access token that created, renewed or reauthorized it expires;
 * from 15 minutes before that (or before the subscription itself expires) a challenge goes out every 15
 * minutes (the doc's illustration sends them "every 15 mins" near the end); 15 minutes after the token
 * expired without an answer, change notifications of that subscription are dropped until one comes.
 * Subscriptions without a lifecycleNotificationUrl receive no challenge and are never paused (the doc
 * only says they "don't receive the lifecycle notifications").
 */
export interface SimSubscription {
    id: string;
    tenantId: string;
    appId: string;
    creatorId: string;
    resource: string;
    driveId: string;
    changeType: string;
    notificationUrl: string;
    lifecycleNotificationUrl?: string;
    clientState?: string;
    expiresAt: number;
    /** Expiry of the access token that last created, renewed or reauthorized it (simulated epoch ms). */
    authorizedUntil: number;
    /** When the next reauthorizationRequired challenge may go out. */
    nextChallengeAt: number;
}

const MAX_MINUTES = 42_300;
const MINUTE_MS = 60_000;
/** Challenges start this long before the authorization (or the subscription) ends... */
export const REAUTHORIZE_WINDOW_MS = 15 * MINUTE_MS;
/** ...and repeat at this interval until the app answers. */
export const CHALLENGE_INTERVAL_MS = 15 * MINUTE_MS;
/** Delivery goes on this long after the authorization ended, then pauses. */
export const PAUSE_AFTER_MS = 15 * MINUTE_MS;
/** How often (real time) the simulator looks for subscriptions to challenge. */
const LIFECYCLE_TICK_MS = 1_000;

const invalid = (message: string): GraphError => new GraphError(400, 'InvalidRequest', message);

export class Subscriptions {
    readonly all = new Map<string, SimSubscription>();

    constructor(
        private readonly state: SimState,
        private readonly delivery: Delivery,
    ) {
        delivery.setFilter((entry) => !this.isPaused(String(entry.subscriptionId)));
        delivery.every(LIFECYCLE_TICK_MS, () => this.challengeDue());
    }

    /** True while a subscription's change notifications are being dropped for want of reauthorization. */
    isPaused(id: string): boolean {
        const s = this.all.get(id);
        return !!s?.lifecycleNotificationUrl && this.state.now() >= s.authorizedUntil + PAUSE_AFTER_MS;
    }

    /** Sends the reauthorizationRequired challenges that are due (see the class comment). */
    challengeDue(): void {
        const now = this.state.now();
        for (const s of this.live()) {
            if (!s.lifecycleNotificationUrl || now < s.nextChallengeAt) continue;
            const endsAt = Math.min(s.authorizedUntil, s.expiresAt);
            if (now < endsAt - REAUTHORIZE_WINDOW_MS) continue;
            s.nextChallengeAt = now + CHALLENGE_INTERVAL_MS;
            this.delivery.enqueue(s.lifecycleNotificationUrl, [this.lifecycleEntry(s, 'reauthorizationRequired')]);
        }
    }

    /**
     * A token that lives longer answers the challenge: authorized until it expires, challenges start
     * over. The same token again (a client renewing before its own token was refreshed) extends nothing,
     * and the next challenge still comes 15 minutes after the last.
     */
    private authorize(s: SimSubscription, principal: { expiresAt: number }): void {
        if (principal.expiresAt <= s.authorizedUntil) return;
        s.authorizedUntil = principal.expiresAt;
        s.nextChallengeAt = 0;
    }

    /** Live subscriptions; expired ones vanish without notice (subscriptionRemoved is not sent for drives). */
    live(): SimSubscription[] {
        const now = this.state.now();
        for (const [id, s] of this.all) if (s.expiresAt <= now) this.all.delete(id);
        return [...this.all.values()];
    }

    async route(ctx: GraphContext): Promise<void> {
        const m = /^\/subscriptions(?:\/([^/]+)(\/reauthorize)?)?$/.exec(ctx.path);
        if (!m) throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${ctx.path}'.`);
        const id = m[1] ? decodeURIComponent(m[1]) : undefined;
        const method = ctx.ex.method;
        if (m[2]) return this.reauthorize(ctx, id!);
        if (!id && method === 'POST') return this.create(ctx);
        if (!id && method === 'GET') {
            const mine = this.live().filter(
                (s) => s.tenantId === ctx.principal.tenantId && s.appId === ctx.principal.appId,
            );
            ctx.ex.sendJson(200, {
                '@odata.context': metadataUrl(this.state, 'subscriptions'),
                value: mine.map((s) => this.json(s)),
            });
            return;
        }
        const sub = id ? this.live().find((s) => s.id === id && s.tenantId === ctx.principal.tenantId) : undefined;
        if (!sub) throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
        if (method === 'GET')
            return ctx.ex.sendJson(200, {
                '@odata.context': metadataUrl(this.state, 'subscriptions/$entity'),
                ...this.json(sub),
            });
        if (method === 'DELETE') {
            this.all.delete(sub.id);
            ctx.ex.sendEmpty(204);
            return;
        }
        if (method === 'PATCH') {
            const body = await ctx.ex.json();
            sub.expiresAt = this.checkExpiry(body.expirationDateTime);
            // "renewing your subscription also reauthorizes your endpoint" (lifecycle-events doc).
            this.authorize(sub, ctx.principal);
            ctx.ex.sendJson(200, {
                '@odata.context': metadataUrl(this.state, 'subscriptions/$entity'),
                ...this.json(sub),
            });
            return;
        }
        throw new GraphError(405, 'MethodNotAllowed', 'Method not allowed.');
    }

    /**
     * `POST /subscriptions/{id}/reauthorize`: "reauthorize the subscription without extending its
     * expiration date" (lifecycle-events doc; subscription-reauthorize: 204 No Content).
     */
    private async reauthorize(ctx: GraphContext, id: string): Promise<void> {
        if (ctx.ex.method !== 'POST') throw new GraphError(405, 'MethodNotAllowed', 'Method not allowed.');
        const sub = this.live().find(
            (s) => s.id === id && s.tenantId === ctx.principal.tenantId && s.appId === ctx.principal.appId,
        );
        if (!sub) throw new GraphError(404, 'ResourceNotFound', 'The object was not found.');
        await ctx.ex.drain();
        this.authorize(sub, ctx.principal);
        ctx.ex.sendEmpty(204);
    }

    private async create(ctx: GraphContext): Promise<void> {
        const body = await ctx.ex.json();
        const resource = String(body.resource ?? '');
        const driveId = this.resolveResource(ctx, resource);
        if (body.changeType !== 'updated')
            throw invalid("Only the 'updated' changeType is supported for driveItem resources.");
        const notificationUrl = this.checkUrl(body.notificationUrl, 'notificationUrl');
        const lifecycleNotificationUrl =
            body.lifecycleNotificationUrl === undefined
                ? undefined
                : this.checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
        const expiresAt = this.checkExpiry(body.expirationDateTime);
        if (body.clientState !== undefined && (typeof body.clientState !== 'string' || body.clientState.length > 128)) {
            throw invalid('clientState must be a string of at most 128 characters.');
        }
        const p = ctx.principal;
        const duplicate = this.live().find(
            (s) =>
                s.driveId === driveId &&
                s.notificationUrl === notificationUrl &&
                s.appId === p.appId &&
                s.tenantId === p.tenantId,
        );
        if (duplicate) {
            throw new GraphError(
                409,
                'ObjectIdentifierInUse',
                `Subscription Id ${duplicate.id} already exists for the requested combination`,
            );
        }
        await this.delivery.validate(notificationUrl);
        if (lifecycleNotificationUrl) await this.delivery.validate(lifecycleNotificationUrl);
        const sub: SimSubscription = {
            id: this.state.ids.guid(),
            tenantId: p.tenantId,
            appId: p.appId,
            creatorId: p.userId ?? p.appId,
            resource,
            driveId,
            changeType: 'updated',
            notificationUrl,
            lifecycleNotificationUrl,
            clientState: body.clientState as string | undefined,
            expiresAt,
            authorizedUntil: p.expiresAt,
            nextChallengeAt: 0,
        };
        this.all.set(sub.id, sub);
        ctx.ex.sendJson(201, { '@odata.context': metadataUrl(this.state, 'subscriptions/$entity'), ...this.json(sub) });
    }

    /** Drive roots only on business drives; any folder on Personal; never single files. */
    private resolveResource(ctx: GraphContext, resource: string): string {
        const address = parseDriveAddress(resource.startsWith('/') ? resource : `/${resource}`);
        if (!address?.item || address.item.action !== '') throw invalid(`Invalid resource: ${resource}`);
        const drive = resolveDrive(ctx, address.drive, 'read');
        const item = resolveItem(ctx, drive, address.item);
        if (!item.isFolder) throw invalid('Subscriptions on individual files are not supported.');
        if (item.parentId && drive.driveType !== 'personal') {
            throw invalid('Only the root of a OneDrive for Business or SharePoint drive supports subscriptions.');
        }
        authorizeDrive(this.state, ctx.principal, drive, 'write');
        return drive.id;
    }

    private checkUrl(value: unknown, field: string): string {
        let url: URL;
        try {
            url = new URL(String(value));
        } catch {
            throw invalid(`${field} must be an absolute URL.`);
        }
        const localHttp =
            url.protocol === 'http:' &&
            ['localhost', '127.0.0.1'].includes(url.hostname) &&
            this.state.options.notifications.allowHttpLocalhost;
        if (url.protocol !== 'https:' && !localHttp) throw invalid(`${field} must use https.`);
        return String(value);
    }

    private checkExpiry(value: unknown): number {
        const at = parseIso(value);
        const now = this.state.now();
        if (at === undefined) throw invalid('expirationDateTime is required and must be a date-time.');
        if (at <= now) throw invalid('Subscription expiration must be in the future.');
        if (at > now + MAX_MINUTES * 60_000) {
            throw invalid(`Subscription expiration can only be ${MAX_MINUTES} minutes in the future.`);
        }
        return at;
    }

    json(s: SimSubscription): Record<string, unknown> {
        return {
            id: s.id,
            resource: s.resource,
            applicationId: s.appId,
            changeType: s.changeType,
            clientState: s.clientState ?? null,
            notificationUrl: s.notificationUrl,
            notificationQueryOptions: null,
            lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
            expirationDateTime: new Date(s.expiresAt).toISOString(),
            creatorId: s.creatorId,
            includeResourceData: null,
            latestSupportedTlsVersion: 'v1_2',
            encryptionCertificate: null,
            encryptionCertificateId: null,
            notificationUrlAppId: null,
        };
    }

    /** A lifecycle notification: no resource, only the subscription and the event (lifecycle-events doc). */
    lifecycleEntry(s: SimSubscription, lifecycleEvent: string): Record<string, unknown> {
        const out: Record<string, unknown> = {
            subscriptionId: s.id,
            subscriptionExpirationDateTime: isoSeconds(s.expiresAt),
            tenantId: s.tenantId,
            lifecycleEvent,
        };
        if (s.clientState !== undefined) out.clientState = s.clientState;
        return out;
    }

    /** The notification entry Graph posts for a subscription. */
    entry(s: SimSubscription, clientState = s.clientState): Record<string, unknown> {
        const out: Record<string, unknown> = {
            subscriptionId: s.id,
            subscriptionExpirationDateTime: isoSeconds(s.expiresAt),
            changeType: 'updated',
            resource: s.resource,
            tenantId: s.tenantId,
        };
        if (clientState !== undefined) out.clientState = clientState;
        return out;
    }
}
