import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Contender } from './contender';
import { timedRun } from './run';
import { delegatedTokens } from './signIn';
import type { World } from './world';

/**
 * Debian's rclone, unmodified: an `onedrive` remote whose token the bench obtained by signing the user in
 * at the simulator, reaching it through HTTPS_PROXY and trusting the dev CA through SSL_CERT_FILE (Go's
 * crypto/x509 reads it on Linux). Its application id is registered in the tenant as an admin would
 * register a multitenant app (consented, with a secret: rclone is a confidential client).
 */
const RCLONE_CLIENT_ID = 'b15665d9-eda6-4092-8539-0eec376afd59';
const RCLONE_REDIRECT = 'http://localhost:53682/';
const SCOPES = 'Files.Read Files.ReadWrite Files.Read.All Files.ReadWrite.All Sites.Read.All offline_access';
export const RCLONE_TRANSFERS = 4;

export async function startRclone(world: World, workDir: string): Promise<Contender> {
    const { user, driveId } = world.addContender('rclone');
    const entra = world.sim.simulator.entra;
    if (!entra.findApp(world.tenantId, RCLONE_CLIENT_ID))
        entra.registerApp(world.tenantId, {
            displayName: 'rclone',
            appId: RCLONE_CLIENT_ID,
            signInAudience: 'AzureADMultipleOrgs',
            redirectUris: [RCLONE_REDIRECT],
            consentedScopes: SCOPES.split(' '),
        });
    const secret = entra.addClientSecret(world.tenantId, RCLONE_CLIENT_ID, { displayName: 'bench' });
    const tokens = await delegatedTokens({
        authorityHost: world.sim.simulator.authorityHost,
        tenant: world.tenantId,
        clientId: RCLONE_CLIENT_ID,
        clientSecret: secret.secretText,
        redirectUri: RCLONE_REDIRECT,
        scope: SCOPES,
        login: user.userPrincipalName,
    });
    mkdirSync(workDir, { recursive: true });
    const config = path.join(workDir, 'rclone.conf');
    const token = {
        access_token: tokens.access_token,
        token_type: 'Bearer',
        refresh_token: tokens.refresh_token,
        expiry: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
    };
    writeFileSync(
        config,
        [
            '[sim]',
            'type = onedrive',
            `client_id = ${RCLONE_CLIENT_ID}`,
            `client_secret = ${secret.secretText}`,
            `token = ${JSON.stringify(token)}`,
            `drive_id = ${driveId}`,
            'drive_type = business',
            '',
        ].join('\n'),
        { mode: 0o600 },
    );
    const env = {
        ...process.env,
        HTTPS_PROXY: world.proxy.url,
        https_proxy: world.proxy.url,
        NO_PROXY: '',
        no_proxy: '',
        SSL_CERT_FILE: world.sim.simulator.caPath,
        RCLONE_CONFIG: config,
    };
    const common = ['--transfers', String(RCLONE_TRANSFERS), '--checkers', '8', '-q'];
    return {
        name: 'rclone',
        driveFor: () => driveId,
        concurrency: `--transfers ${RCLONE_TRANSFERS} --checkers 8`,
        download: (tree, dir) =>
            timedRun('rclone', ['copy', `sim:${tree.root}`, path.join(dir, tree.root), ...common], { env }),
        upload: async (folder, dir) => {
            // rclone 1.60 sends its bearer token with every fragment PUT to the pre-authenticated uploadUrl;
            // Microsoft says not to, and that doing so "may result in an HTTP 401 Unauthorized response"
            // (driveitem-createuploadsession, Remarks). rclone fixed it in 1.66 (rclone#7405, "sometimes ...
            // 401 Unauthorized"). The simulator answers 401 every time by default; for rclone's uploads the
            // bench takes the documented other branch (accepted), and counts how often it happened.
            const graph = world.sim.graph;
            const before = graph.counters().preauthAuthorization.upload;
            graph.setOptions({ uploads: { rejectAuthorization: false } });
            try {
                return await timedRun('rclone', ['copy', path.join(dir, folder), `sim:${folder}`, ...common], { env });
            } finally {
                graph.setOptions({ uploads: { rejectAuthorization: true } });
                const sent = graph.counters().preauthAuthorization.upload - before;
                console.log(`  rclone sent a bearer token with ${sent} upload-URL requests (rclone#7405)`);
            }
        },
    };
}
