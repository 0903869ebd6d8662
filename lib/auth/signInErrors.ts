import type { StateProblem } from './oauthState';

/** Every way a sign-in can end badly, with what to tell the person and the admin. */
export interface SignInFailure {
    code: string;
    message: string;
    hint: string;
}

const STATE_FAILURES: Record<StateProblem, SignInFailure> = {
    state_missing: {
        code: 'state_missing',
        message: 'The sign-in response had no state.',
        hint: 'Start the connection again from the platform.',
    },
    state_unknown: {
        code: 'state_invalid',
        message: 'The sign-in response did not come from a sign-in this service started.',
        hint: 'Start the connection again from the platform; do not reuse old links.',
    },
    state_expired: {
        code: 'state_expired',
        message: 'The sign-in took longer than 10 minutes.',
        hint: 'Start the connection again and finish signing in within 10 minutes.',
    },
    state_replayed: {
        code: 'state_replayed',
        message: 'This sign-in response was already used.',
        hint: 'Start the connection again; each sign-in link works once.',
    },
};

export function stateFailure(problem: StateProblem): SignInFailure {
    return STATE_FAILURES[problem];
}

const ADMIN_CONSENT_HINT =
    'A tenant administrator must grant consent: in the app registration, API permissions, select "Grant admin consent" for every Microsoft Graph permission (or open https://login.microsoftonline.com/{tenant}/adminconsent?client_id={client id}), then connect again.';

/** Known AADSTS codes from the admin guide's troubleshooting section, with its advice. */
const AADSTS: Record<string, Omit<SignInFailure, 'code'> & { code: string }> = {
    '50011': {
        code: 'invalid_redirect_uri',
        message: 'Invalid redirect URI (AADSTS50011).',
        hint: 'In the app registration, add the redirect URI shown by /api/manage/integration exactly: HTTPS, same path and casing, no trailing slash.',
    },
    '700016': {
        code: 'application_not_found',
        message: 'Application not found (AADSTS700016).',
        hint: 'Check the Application (client) ID and that the app registration exists in this tenant.',
    },
    '7000215': {
        code: 'invalid_client_secret',
        message: 'Invalid client secret (AADSTS7000215).',
        hint: "Paste the secret's Value, not its Secret ID, into the integration settings.",
    },
    '7000222': {
        code: 'client_secret_expired',
        message: 'The client secret has expired (AADSTS7000222).',
        hint: 'Create a new client secret and add it under /api/manage/integration/credentials.',
    },
    '65001': {
        code: 'consent_required',
        message: 'Insufficient permissions: admin consent is missing (AADSTS65001).',
        hint: 'In the app registration, API permissions: select "Grant admin consent" for every Microsoft Graph permission.',
    },
    // Entra shows these on its own "Need admin approval" page (reference-error-codes.md: 90094
    // AdminConsentRequired, 90093 GraphUserUnauthorized); should one reach us, it says exactly what to do.
    '90094': {
        code: 'admin_consent_required',
        message: 'An administrator must approve this app first (AADSTS90094).',
        hint: ADMIN_CONSENT_HINT,
    },
    '90093': {
        code: 'admin_consent_required',
        message: 'An administrator must approve this app first (AADSTS90093).',
        hint: ADMIN_CONSENT_HINT,
    },
    '50057': {
        code: 'account_disabled',
        message: 'The account is disabled (AADSTS50057).',
        hint: 'Reconnect the drive with an active account.',
    },
    '50173': {
        code: 'credentials_changed',
        message: "The account's password changed, which revoked the sign-in (AADSTS50173).",
        hint: 'Reconnect the drive: sign in again with the new password.',
    },
    '700082': {
        code: 'refresh_token_expired',
        message: 'The sign-in expired after 90 days without use (AADSTS700082).',
        hint: 'Reconnect the drive.',
    },
    '90002': {
        code: 'tenant_not_found',
        message: 'Tenant not found (AADSTS90002).',
        hint: 'Check the Directory (tenant) ID in the integration settings.',
    },
};

export function aadstsCode(text: string | undefined | null): string | undefined {
    return text?.match(/AADSTS(\d{5,7})/)?.[1];
}

/** Maps an OAuth error redirect or an MSAL error to a failure with a stable code. */
export function oauthFailure(error: string, description?: string | null): SignInFailure {
    const known = AADSTS[aadstsCode(description) ?? ''];
    if (known) return known;
    if (error === 'access_denied')
        // AADSTS65004 is all the app hears both when the person cancels and when they back out of Entra's
        // "Need admin approval" page (users may not consent and no administrator has: AADSTS90094 is shown
        // on that page only; m365-quirks entry 12). The hint covers the case only an administrator can fix.
        return {
            code: 'access_denied',
            message:
                'The sign-in ended without consent: it was cancelled, or Microsoft asked for an administrator\'s approval ("Need admin approval").',
            hint: `If Microsoft showed "Need admin approval" (AADSTS90094), the tenant does not let users consent to this app. ${ADMIN_CONSENT_HINT} Otherwise start the connection again and accept the permissions request.`,
        };
    if (error === 'consent_required' || error === 'interaction_required') return AADSTS['65001']!;
    const code = aadstsCode(description);
    return {
        code: code ? `aadsts_${code}` : 'sign_in_failed',
        message: code ? `Microsoft sign-in failed (AADSTS${code}).` : 'Microsoft sign-in failed.',
        hint: 'Check /api/manage/integration/status for the failing checkpoint.',
    };
}
