import type { Config } from '../config/config';

/** Where Graph posts change and lifecycle notifications (one endpoint for both). */
export const NOTIFICATION_ROUTE = 'api/graph/notifications';

export type UrlCheck = { ok: true; url: string } | { ok: false; code: string; message: string };

/**
 * Graph only delivers to public HTTPS endpoints. A plain-http loopback URL is let through because
 * Graph itself decides (the simulator accepts it in test mode; Graph refuses it and the drive falls
 * back to the schedule); any other http URL is refused here without a round trip.
 */
export function notificationUrl(config: Pick<Config, 'publicBaseUrl'>): UrlCheck {
    const url = new URL(`${config.publicBaseUrl}/${NOTIFICATION_ROUTE}`);
    if (url.protocol === 'https:' || isLoopback(url.hostname)) return { ok: true, url: url.href };
    return {
        ok: false,
        code: 'notification_url_not_https',
        message: `Graph delivers notifications only to HTTPS endpoints; PUBLIC_BASE_URL is ${url.origin}. The drive syncs on its schedule.`,
    };
}

function isLoopback(host: string): boolean {
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
