/** One line of the setup checklist: pass/fail with the evidence and, when failing, the code and a hint. */
export interface Checkpoint {
    id: CheckpointId;
    title: string;
    status: 'pass' | 'fail' | 'warn' | 'pending';
    evidence: string;
    /** The Entra error code behind a failure, e.g. AADSTS700016. */
    code?: string;
    hint?: string;
}

export type CheckpointId =
    | 'tenant'
    | 'application'
    | 'redirect_uri'
    | 'client_secret'
    | 'federated_credential'
    | 'consent'
    | 'app_only_sites'
    | 'key_vault'
    | 'drives';

export const TITLES: Record<CheckpointId, string> = {
    tenant: 'Tenant exists',
    application: 'Application exists',
    redirect_uri: 'Redirect URI registered exactly',
    client_secret: 'Client credential valid and not expiring',
    federated_credential: 'Federated credential (secretless) configured',
    consent: 'Admin consent granted for every Graph permission',
    app_only_sites: 'App-only drives: Sites.Selected grants, nothing wider',
    key_vault: 'Key Vault reachable',
    drives: 'Connected drives healthy',
};

export function checkpoint(
    id: CheckpointId,
    status: Checkpoint['status'],
    evidence: string,
    extra: { code?: string; hint?: string } = {},
): Checkpoint {
    return { id, title: TITLES[id], status, evidence, ...extra };
}
