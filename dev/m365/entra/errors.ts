import { randomGuid } from '../random';

/**
 * Entra ID's errors, worded as login.microsoftonline.com words them (the leading "AADSTSnnnn:" and the
 * sentence after it), with the OAuth `error`, HTTP status and `suberror` Entra pairs them with. MSAL
 * classifies by these fields: `suberror: bad_token` or `consent_required` makes it throw
 * InteractionRequiredAuthError; everything else is a ServerError.
 */
export interface AadstsError {
    code: number;
    error: string;
    status: 400 | 401;
    description: string;
    suberror?: string;
}

function aadsts(code: number, error: string, status: 400 | 401, description: string, suberror?: string): AadstsError {
    return { code, error, status, description: `AADSTS${code}: ${description}`, suberror };
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

export const Aadsts = {
    tenantNotFound: (tenant: string, error = 'invalid_request') =>
        aadsts(
            90002,
            error,
            400,
            `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
        ),
    missingParameter: (name: string) =>
        aadsts(900144, 'invalid_request', 400, `The request body must contain the following parameter: '${name}'.`),
    unsupportedGrantType: (grantType: string) =>
        aadsts(70003, 'unsupported_grant_type', 400, `The app requested an unsupported grant type '${grantType}'.`),
    appNotFound: (appId: string, directory: string) =>
        aadsts(
            700016,
            'unauthorized_client',
            400,
            `Application with identifier '${appId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        ),
    notMultiTenant: (appId: string, name: string) =>
        aadsts(
            50194,
            'invalid_request',
            400,
            `Application '${appId}'(${name}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
        ),
    redirectMismatch: (redirectUri: string, appId: string) =>
        aadsts(
            50011,
            'invalid_request',
            400,
            `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
        ),
    replyAddressMismatch: () =>
        aadsts(
            500112,
            'invalid_grant',
            400,
            'The reply address does not match the reply address provided when requesting Authorization code.',
        ),
    missingCredential: () =>
        aadsts(
            7000218,
            'invalid_client',
            401,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ),
    invalidSecret: (appId: string) =>
        aadsts(
            7000215,
            'invalid_client',
            401,
            `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
        ),
    expiredSecret: (appId: string) =>
        aadsts(
            7000222,
            'invalid_client',
            401,
            `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
        ),
    assertionKeyNotFound: (thumbprint: string, appId: string) =>
        aadsts(
            700027,
            'invalid_client',
            401,
            `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
        ),
    assertionKeyExpired: (thumbprint: string, start: number, end: number) =>
        aadsts(
            700027,
            'invalid_client',
            401,
            `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${portalDate(start)}, End=${portalDate(end)}']`,
        ),
    assertionBadSignature: (thumbprint: string) =>
        aadsts(
            700027,
            'invalid_client',
            401,
            `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprint}']`,
        ),
    assertionMalformed: (detail: string) =>
        aadsts(50027, 'invalid_request', 400, `JWT token is invalid or malformed. ${detail}`),
    assertionNoThumbprint: () =>
        aadsts(
            50027,
            'invalid_request',
            400,
            'Invalid JWT token. No certificate thumbprint specified in token header.',
        ),
    assertionAudience: (audience: string) =>
        aadsts(
            700212,
            'invalid_client',
            401,
            `No matching federated identity record found for presented assertion audience '${audience}'.`,
        ),
    assertionSubject: () =>
        aadsts(
            700021,
            'invalid_client',
            401,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
        ),
    assertionLifetime: () =>
        aadsts(700024, 'invalid_client', 401, 'Client assertion is not within its valid time range.'),
    unsupportedAssertionType: () =>
        aadsts(
            50027,
            'invalid_request',
            400,
            "Invalid client_assertion_type. Only 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' is supported.",
        ),
    consentRequired: (appId: string, name: string, error = 'invalid_grant') =>
        aadsts(
            65001,
            error,
            400,
            `The user or administrator has not consented to use the application with ID '${appId}' named '${name}'. Send an interactive authorization request for this user and resource.`,
            'consent_required',
        ),
    /**
     * Shown on Entra's own "Need admin approval" page, never sent to the app (reference-error-codes.md:
     * AADSTS90094 AdminConsentRequired; the page's "Additional technical information" reads "AADSTS90094:
     * The grant requires admin permission.", as users report it, e.g. microsoft/elk-acs-kubernetes#30).
     */
    adminConsentRequired: () => aadsts(90094, 'access_denied', 400, 'The grant requires admin permission.'),
    loginRequired: () =>
        aadsts(50058, 'login_required', 400, 'A silent sign-in request was sent but no user is signed in.'),
    userDeclined: () => aadsts(65004, 'access_denied', 400, 'User declined to consent to access the app.'),
    userDisabled: () => aadsts(50057, 'invalid_grant', 400, 'The user account is disabled.'),
    userNotFound: (upn: string, tenantName: string) =>
        aadsts(
            50034,
            'invalid_grant',
            400,
            `The user account ${upn} does not exist in the ${tenantName} directory. To sign into this application, the account must be added to the directory.`,
        ),
    refreshTokenInactive: (issuedAt: number) =>
        aadsts(
            700082,
            'invalid_grant',
            400,
            `The refresh token has expired due to inactivity. The token was issued on ${isoSeconds(issuedAt)} and was inactive for 90.00:00:00.`,
            'bad_token',
        ),
    grantRevoked: (grantIssuedAt: number, tokensValidFrom: number) =>
        aadsts(
            50173,
            'invalid_grant',
            400,
            `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${isoSeconds(grantIssuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${isoSeconds(tokensValidFrom)}'.`,
            'bad_token',
        ),
    codeExpired: () =>
        aadsts(
            70008,
            'invalid_grant',
            400,
            'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
        ),
    codeRedeemed: () =>
        aadsts(
            54005,
            'invalid_grant',
            400,
            'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
        ),
    malformedGrant: () => aadsts(9002313, 'invalid_grant', 400, 'Invalid request. Request is malformed or invalid.'),
    grantClientMismatch: () =>
        aadsts(
            70000,
            'invalid_grant',
            400,
            "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
        ),
    pkceVerifierMissing: () =>
        aadsts(
            50148,
            'invalid_grant',
            400,
            'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
        ),
    pkceMismatch: () =>
        aadsts(
            501481,
            'invalid_grant',
            400,
            'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        ),
    invalidCodeChallengeMethod: () => aadsts(50149, 'invalid_request', 400, 'Invalid Code_Challenge_method parameter.'),
    clientCredentialScope: (scope: string) =>
        aadsts(
            1002012,
            'invalid_scope',
            400,
            `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
    resourceNotFound: (resource: string, tenantName: string) =>
        aadsts(
            500011,
            'invalid_resource',
            400,
            `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        ),
    invalidScope: (scope: string) =>
        aadsts(
            70011,
            'invalid_scope',
            400,
            `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
        ),
    unsupportedResponseType: (responseType: string) =>
        aadsts(
            700054,
            'unsupported_response_type',
            400,
            `response_type '${responseType}' is not enabled for the application.`,
        ),
} as const;

/** Entra's JSON error body. `correlation_id` echoes the client's client-request-id when it sent one. */
export interface AadstsErrorBody {
    error: string;
    error_description: string;
    error_codes: number[];
    timestamp: string;
    trace_id: string;
    correlation_id: string;
    error_uri: string;
    suberror?: string;
}

export interface ErrorContext {
    now: number;
    correlationId?: string;
    /** The simulator's origin: error_uri points at its /error page as Entra's points at its own. */
    authorityHost: string;
}

export function errorBody(e: AadstsError, ctx: ErrorContext): AadstsErrorBody {
    const timestamp = entraTimestamp(ctx.now);
    const traceId = randomGuid();
    const correlationId = ctx.correlationId ?? randomGuid();
    return {
        error: e.error,
        error_description: `${e.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [e.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${ctx.authorityHost}/error?code=${e.code}`,
        ...(e.suberror ? { suberror: e.suberror } : {}),
    };
}

/** `2024-05-23 19:17:36Z`: the format of Entra's `timestamp` field. */
export function entraTimestamp(ms: number): string {
    return new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z');
}

/** The portal's M/d/yyyy h:mm:ss tt, as it appears in AADSTS700027's "Found key" part. */
function portalDate(ms: number): string {
    const d = new Date(ms);
    const h = d.getUTCHours() % 12 || 12;
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** Thrown by the grant handlers; the token endpoint renders it as Entra's JSON error. */
export class EntraError extends Error {
    constructor(readonly aadsts: AadstsError) {
        super(aadsts.description);
        this.name = 'EntraError';
    }
}
