import { aadstsCode } from '../../auth/signInErrors';

/**
 * Asks Entra's authorize endpoint, without anyone signing in, whether it accepts this client id and
 * redirect URI. Entra renders AADSTS700016 (unknown application) or AADSTS50011 (redirect URI not
 * registered) on the page itself; a healthy registration gets the sign-in page. Nothing is consented
 * or redeemed, so the probe has no side effects.
 */
export type ProbeResult = { ok: true } | { ok: false; aadsts?: string; status: number };

export async function probeAuthorize(
    authority: string,
    clientId: string,
    redirectUri: string,
    scope: string,
): Promise<ProbeResult> {
    const url = new URL(`${authority}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope,
        response_mode: 'query',
        state: 'status-probe',
    }).toString();
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const location = response.headers.get('location');
    if (location) {
        // Entra redirects errors it may safely send to a registered redirect URI (e.g. invalid scope).
        const q = new URL(location, url).searchParams;
        if (q.get('error'))
            return { ok: false, aadsts: aadstsCode(q.get('error_description')), status: response.status };
        return { ok: true };
    }
    const code = aadstsCode(await response.text());
    return code
        ? { ok: false, aadsts: code, status: response.status }
        : response.ok
          ? { ok: true }
          : { ok: false, status: response.status };
}
