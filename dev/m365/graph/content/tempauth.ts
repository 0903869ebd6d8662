import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `tempauth` tokens that make upload and download URLs pre-authenticated: a signed claim set,
 * so the URL alone authorises the request and no Authorization header is needed (or wanted).
 */
export interface TempAuthClaims {
    /** 'download' or 'upload'. */
    aud: string;
    /** Item id (download) or session id (upload). */
    ref: string;
    /** Expiry, simulated epoch ms. */
    exp: number;
}

export class TempAuth {
    constructor(private readonly secret: string) {}

    sign(claims: TempAuthClaims): string {
        const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
        return `${payload}.${this.mac(payload)}`;
    }

    /** The claims if the signature holds (expiry is the caller's call: it answers differently). */
    verify(token: string | null, aud: string): TempAuthClaims | undefined {
        if (!token) return undefined;
        const [payload, mac] = token.split('.');
        if (!payload || !mac) return undefined;
        const expected = Buffer.from(this.mac(payload));
        const given = Buffer.from(mac);
        if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
        try {
            const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TempAuthClaims;
            return claims.aud === aud ? claims : undefined;
        } catch {
            return undefined;
        }
    }

    private mac(payload: string): string {
        return createHmac('sha256', this.secret).update(payload).digest('base64url');
    }
}
