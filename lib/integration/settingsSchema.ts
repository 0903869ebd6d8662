import { z } from 'zod';
import { CLOUD_NAMES, CloudName } from './cloud';
import { checkRedirectUri } from './redirectUri';

/** Delegated Graph permissions the service needs (see reference/product-anchors.md section 4). */
export const DEFAULT_SCOPES = ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read', 'offline_access'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** Entra allows secrets of up to 2 years (24 months); a day of slack for time zones. */
const MAX_SECRET_LIFETIME_MS = (2 * 365 + 2) * 86_400_000;

export const isGuid = (v: string): boolean => GUID.test(v);

function fail(ctx: z.RefinementCtx, path: string, code: string, message: string): void {
    ctx.addIssue({ code: 'custom', path: [path], message, params: { code } });
}

/** PUT /api/manage/integration body. `now` makes the expiry checks testable with a fixed clock. */
export function integrationSettingsInput(now: () => number = Date.now) {
    return z
        .strictObject({
            tenantId: z.string().min(1).max(256),
            clientId: z.string().min(1).max(64),
            clientSecret: z.string().min(1).max(512).optional(),
            clientSecretExpiresOn: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
            cloud: z.enum(CLOUD_NAMES as [CloudName, ...CloudName[]]).default('global'),
            redirectUri: z.string().max(2048).optional(),
            scopes: z
                .array(z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/))
                .min(1)
                .max(30)
                .optional(),
        })
        .superRefine((v, ctx) => {
            if (!isGuid(v.tenantId) && !DOMAIN.test(v.tenantId)) {
                fail(
                    ctx,
                    'tenantId',
                    'tenant_id_format',
                    'Enter the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com.',
                );
            }
            if (!isGuid(v.clientId))
                fail(
                    ctx,
                    'clientId',
                    'client_id_format',
                    "Enter the Application (client) ID: a GUID from the app registration's Overview page.",
                );
            else if (v.clientId.toLowerCase() === v.tenantId.toLowerCase()) {
                fail(
                    ctx,
                    'clientId',
                    'client_id_is_tenant_id',
                    'The client ID equals the tenant ID: copy the Application (client) ID, not the Directory (tenant) ID.',
                );
            }
            if (v.clientSecret !== undefined) checkSecret(v.clientSecret, v.clientSecretExpiresOn, now(), ctx);
            else if (v.clientSecretExpiresOn !== undefined)
                fail(
                    ctx,
                    'clientSecret',
                    'secret_missing',
                    'An expiry date was given without the client secret value it belongs to.',
                );
            if (v.redirectUri !== undefined) {
                const problem = checkRedirectUri(v.redirectUri);
                if (problem) fail(ctx, 'redirectUri', problem.code, problem.message);
            }
        });
}

function checkSecret(secret: string, expiresOn: string | undefined, now: number, ctx: z.RefinementCtx): void {
    if (isGuid(secret.trim())) {
        fail(
            ctx,
            'clientSecret',
            'secret_id_not_value',
            "This is the secret's ID (a GUID), not its value. Copy the Value column, shown only once when the secret is created.",
        );
    } else if (secret !== secret.trim()) {
        fail(
            ctx,
            'clientSecret',
            'secret_spaces',
            'The client secret has leading or trailing spaces; copy the value exactly.',
        );
    }
    if (expiresOn === undefined) {
        fail(
            ctx,
            'clientSecretExpiresOn',
            'secret_expiry_missing',
            "Give the secret's expiry date (the Expires column in Certificates & secrets) so the service can warn before it expires.",
        );
        return;
    }
    const expiry = Date.parse(expiresOn);
    if (expiry <= now)
        fail(
            ctx,
            'clientSecretExpiresOn',
            'secret_expired',
            'This secret has already expired: create a new one in Certificates & secrets.',
        );
    else if (expiry - now > MAX_SECRET_LIFETIME_MS)
        fail(
            ctx,
            'clientSecretExpiresOn',
            'secret_expiry_too_far',
            'Entra client secrets last at most 24 months; check the expiry date.',
        );
}

export type IntegrationSettingsInput = z.infer<ReturnType<typeof integrationSettingsInput>>;
