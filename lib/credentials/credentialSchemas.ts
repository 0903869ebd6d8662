import { z } from 'zod';
import { isGuid } from '../integration/settingsSchema';

/** Entra client secrets last at most 24 months; a day of slack for time zones. */
const MAX_SECRET_LIFETIME_MS = (2 * 365 + 2) * 86_400_000;
const displayName = z.string().trim().min(1).max(100).optional();

/** POST /api/manage/integration/credentials: one new credential, verified before it is stored. */
export function addCredentialInput(now: () => number = Date.now) {
    return z.discriminatedUnion('kind', [
        z
            .strictObject({
                kind: z.literal('client_secret'),
                value: z.string().min(1).max(512),
                expiresOn: z.iso.datetime({ offset: true }).or(z.iso.date()),
                displayName,
            })
            .superRefine((v, ctx) => {
                const expiry = Date.parse(v.expiresOn);
                if (expiry <= now())
                    ctx.addIssue({
                        code: 'custom',
                        path: ['expiresOn'],
                        message: 'This secret has already expired.',
                        params: { code: 'secret_expired' },
                    });
                else if (expiry - now() > MAX_SECRET_LIFETIME_MS)
                    ctx.addIssue({
                        code: 'custom',
                        path: ['expiresOn'],
                        message: 'Entra client secrets last at most 24 months; check the expiry date.',
                        params: { code: 'secret_expiry_too_far' },
                    });
                if (isGuid(v.value))
                    ctx.addIssue({
                        code: 'custom',
                        path: ['value'],
                        message: "This is a GUID: probably the Secret ID. Paste the secret's Value instead.",
                        params: { code: 'secret_id_not_value' },
                    });
            }),
        z.strictObject({
            kind: z.literal('certificate'),
            certificatePem: z.string().min(1).max(16_384),
            privateKeyPem: z.string().min(1).max(16_384),
            displayName,
        }),
        z.strictObject({
            kind: z.literal('federated'),
            managedIdentityClientId: z
                .string()
                .refine(isGuid, {
                    message: "The managed identity's client id is a GUID.",
                    params: { code: 'client_id_format' },
                })
                .optional(),
            displayName,
        }),
    ]);
}

export type AddCredentialInput = z.infer<ReturnType<typeof addCredentialInput>>;

/** POST …/credentials/{id}/promote: how long the previous credential keeps working. */
export const promoteInput = z.strictObject({ graceDays: z.number().int().min(0).max(90).optional() });
export type PromoteInput = z.infer<typeof promoteInput>;
