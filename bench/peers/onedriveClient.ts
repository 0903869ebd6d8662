import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Contender } from './contender';
import { timedRun, type RunResult } from './run';
import { signInAt } from './signIn';
import type { World } from './world';

/**
 * The OneDrive Client for Linux (abraunegg/onedrive 2.4.23, Debian's package), unmodified. It signs in
 * with its own application id, a multitenant public client, at login.microsoftonline.com/common with the
 * nativeclient redirect URI; the tenant's admin registered (consented) it. `--auth-files authUrl:responseUrl`
 * makes the sign-in non-interactive: the client writes the URL it wants opened, the bench signs the user
 * in at the simulator and writes back the URL Entra redirected to.
 *
 * It reaches the simulator through HTTPS_PROXY (libcurl). Debian's libcurl reads its CA bundle from the
 * path compiled in (/etc/ssl/certs/ca-certificates.crt) and no environment variable changes that, so the
 * client runs in a private mount namespace (`unshare --mount`, root) where that path is the system bundle
 * plus the dev CA: nothing outside the client's process sees the change. 2.4.23 transfers one file at a
 * time (it has no concurrency setting).
 */
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const ONEDRIVE_CLIENT_ID = 'd50ca740-c83f-4d1b-b616-12c519384f0c';
const NATIVE_CLIENT = 'https://login.microsoftonline.com/common/oauth2/nativeclient';
const SCOPES = ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All', 'offline_access'];

export async function startOneDriveClient(world: World, workDir: string): Promise<Contender> {
    const { user, driveId } = world.addContender('onedrive');
    const entra = world.sim.simulator.entra;
    if (!entra.findApp(world.tenantId, ONEDRIVE_CLIENT_ID))
        entra.registerApp(world.tenantId, {
            displayName: 'OneDrive Client for Linux',
            appId: ONEDRIVE_CLIENT_ID,
            signInAudience: 'AzureADMultipleOrgs',
            publicClientRedirectUris: [NATIVE_CLIENT],
            consentedScopes: SCOPES,
        });
    const confdir = path.join(workDir, 'conf');
    mkdirSync(confdir, { recursive: true });
    const env = {
        ...process.env,
        HTTPS_PROXY: world.proxy.url,
        https_proxy: world.proxy.url,
        NO_PROXY: '',
        no_proxy: '',
        SSL_CERT_FILE: world.sim.simulator.caPath,
        CURL_CA_BUNDLE: world.sim.simulator.caPath,
    };
    const bundle = path.join(workDir, 'ca-bundle.crt');
    writeFileSync(bundle, `${readFileSync(SYSTEM_BUNDLE, 'utf8')}\n${readFileSync(world.sim.simulator.caPath, 'utf8')}`);
    const onedrive = (args: string[], timeoutMs: number) =>
        timedRun(
            'unshare',
            ['--mount', 'sh', '-c', `mount --bind "$0" ${SYSTEM_BUNDLE} && exec onedrive "$@"`, bundle, ...args],
            { env, timeoutMs },
        );
    // The client keeps its state per configuration folder, and a changed sync_dir needs a --resync (a full
    // rescan): one configuration folder per sync folder, set up once, signed in with the first one's token.
    const confdirs = new Map<string, string>();
    const confdirFor = (syncDir: string): string => {
        let dir = confdirs.get(syncDir);
        if (!dir) {
            dir = path.join(workDir, `conf-${confdirs.size + 1}`);
            mkdirSync(dir, { recursive: true });
            mkdirSync(syncDir, { recursive: true });
            writeFileSync(path.join(dir, 'config'), `sync_dir = "${syncDir}"\n`);
            copyFileSync(path.join(confdir, 'refresh_token'), path.join(dir, 'refresh_token'));
            confdirs.set(syncDir, dir);
        }
        return dir;
    };
    const run = (syncDir: string, args: string[]): Promise<RunResult> =>
        onedrive(
            ['--confdir', confdirFor(syncDir), '--synchronize', ...args, ...(process.env.BENCH_PEERS_VERBOSE ? ['-v'] : [])],
            3_600_000,
        );
    // An empty folder for the sign-in run to sync, so signing in costs no scenario anything.
    world.sim.graph.mkdirp(driveId, 'signin');
    await signIn(world, confdir, user.userPrincipalName, onedrive);
    return {
        name: 'onedrive',
        driveId,
        concurrency: '1 (2.4.23 transfers sequentially)',
        download: (tree, dir) => run(dir, ['--download-only', '--single-directory', tree.root]),
        upload: (folder, dir) => run(dir, ['--upload-only', '--single-directory', folder]),
    };
}

/** The client's first start: it writes its sign-in URL, the bench answers with the redirect it got. */
async function signIn(
    world: World,
    confdir: string,
    login: string,
    onedrive: (args: string[], timeoutMs: number) => Promise<RunResult>,
): Promise<void> {
    const authUrl = path.join(confdir, 'authUrl');
    const responseUrl = path.join(confdir, 'responseUrl');
    rmSync(responseUrl, { force: true });
    const syncDir = path.join(confdir, '..', 'signin');
    mkdirSync(syncDir, { recursive: true });
    writeFileSync(path.join(confdir, 'config'), `sync_dir = "${syncDir}"\n`);
    const client = onedrive(
        [
            '--confdir',
            confdir,
            '--auth-files',
            `${authUrl}:${responseUrl}`,
            '--synchronize',
            '--download-only',
            '--single-directory',
            'signin',
        ],
        120_000,
    );
    let answered = false;
    const deadline = Date.now() + 60_000;
    while (!answered && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        if (!existsSync(authUrl)) continue;
        const wanted = new URL(readFileSync(authUrl, 'utf8').trim());
        // The bench plays the browser: it opens the same URL at the simulator's own address.
        const local = new URL(`${wanted.pathname}${wanted.search}`, world.sim.simulator.authorityHost);
        const back = await signInAt(local.toString(), login);
        writeFileSync(responseUrl, back.toString());
        answered = true;
    }
    const result = await client;
    if (!answered || result.code !== 0 || !existsSync(path.join(confdir, 'refresh_token')))
        throw new Error(`The OneDrive client did not sign in (exit ${result.code}):\n${result.output.slice(-3000)}`);
}
