import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Contender } from './contender';
import { timedRun, type RunResult } from './run';
import { signInAt } from './signIn';
import type { ContenderDrive, World } from './world';

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
 *
 * On a business drive 2.4.23 asks for the root's delta and keeps only items it can place: children of
 * an item it knows by id, or items whose `parentReference.path` lies below the synced folder. Microsoft
 * documents that delta does not return that path ("The parentReference property on items will not include
 * a value for path", driveitem-delta), and the simulator leaves it out by default, so the client would
 * keep only the first level. OneDrive for Business does return it in the field (onedrive-api-docs issue
 * 298), so the client runs with the simulator's `delta.parentPathOnBusiness` on: the peer relies on
 * undocumented behaviour, the bench says so. Each tree lives in a OneDrive of its own (one account for
 * 'small', one for 'large') and the client syncs the whole drive.
 */
const ONEDRIVE_CLIENT_ID = 'd50ca740-c83f-4d1b-b616-12c519384f0c';
const NATIVE_CLIENT = 'https://login.microsoftonline.com/common/oauth2/nativeclient';
const SCOPES = ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All', 'offline_access'];
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

type OneDrive = (args: string[], timeoutMs: number) => Promise<RunResult>;

interface Account extends ContenderDrive {
    /** The configuration folder the client signed in with (its refresh_token file). */
    signedIn: string;
}

export async function startOneDriveClient(world: World, workDir: string): Promise<Contender> {
    const entra = world.sim.simulator.entra;
    if (!entra.findApp(world.tenantId, ONEDRIVE_CLIENT_ID))
        entra.registerApp(world.tenantId, {
            displayName: 'OneDrive Client for Linux',
            appId: ONEDRIVE_CLIENT_ID,
            signInAudience: 'AzureADMultipleOrgs',
            publicClientRedirectUris: [NATIVE_CLIENT],
            consentedScopes: SCOPES,
        });
    mkdirSync(workDir, { recursive: true });
    const env = {
        ...process.env,
        HTTPS_PROXY: world.proxy.url,
        https_proxy: world.proxy.url,
        NO_PROXY: '',
        no_proxy: '',
    };
    const bundle = path.join(workDir, 'ca-bundle.crt');
    writeFileSync(
        bundle,
        `${readFileSync(SYSTEM_BUNDLE, 'utf8')}\n${readFileSync(world.sim.simulator.caPath, 'utf8')}`,
    );
    const onedrive: OneDrive = (args, timeoutMs) =>
        timedRun(
            'unshare',
            ['--mount', 'sh', '-c', `mount --bind "$0" ${SYSTEM_BUNDLE} && exec onedrive "$@"`, bundle, ...args],
            { env, timeoutMs },
        );
    const accounts = new Map<string, Account>();
    for (const tree of ['small', 'large']) {
        const drive = world.addContender(`onedrive-${tree}`);
        const signedIn = path.join(workDir, `signin-${tree}`);
        await signIn(world, signedIn, drive.user.userPrincipalName, onedrive);
        accounts.set(tree, { ...drive, signedIn });
    }
    const accountFor = (folder: string): Account => accounts.get(folder.replace(/^up-/, ''))!;

    // The client keeps its state per configuration folder, and a changed sync_dir needs a --resync (a full
    // rescan): one configuration folder per (account, sync folder), set up once with the account's token.
    const confdirs = new Map<string, string>();
    const confdirFor = (account: Account, syncDir: string): string => {
        const key = `${account.driveId}\n${syncDir}`;
        let dir = confdirs.get(key);
        if (!dir) {
            dir = path.join(workDir, `conf-${confdirs.size + 1}`);
            mkdirSync(dir, { recursive: true });
            mkdirSync(syncDir, { recursive: true });
            writeFileSync(path.join(dir, 'config'), `sync_dir = "${syncDir}"\n`);
            copyFileSync(path.join(account.signedIn, 'refresh_token'), path.join(dir, 'refresh_token'));
            confdirs.set(key, dir);
        }
        return dir;
    };
    const verbose = process.env.BENCH_PEERS_VERBOSE ? ['-v', '-v'] : [];
    const run = async (account: Account, syncDir: string, args: string[]): Promise<RunResult> => {
        world.sim.graph.setOptions({ delta: { parentPathOnBusiness: true } });
        try {
            return await onedrive(
                ['--confdir', confdirFor(account, syncDir), '--synchronize', ...args, ...verbose],
                3_600_000,
            );
        } finally {
            world.sim.graph.setOptions({ delta: { parentPathOnBusiness: false } });
        }
    };
    return {
        name: 'onedrive',
        driveFor: (folder) => accountFor(folder).driveId,
        concurrency: '1 (2.4.23 transfers one file at a time)',
        download: (tree, dir) => run(accountFor(tree.root), dir, ['--download-only']),
        upload: (folder, dir) => run(accountFor(folder), dir, ['--upload-only']),
    };
}

/**
 * The client's first start (on the still empty drive): it writes its sign-in URL, the bench opens it at
 * the simulator as a browser would, signs the user in and writes back the URL Entra redirected to.
 */
async function signIn(world: World, confdir: string, login: string, onedrive: OneDrive): Promise<void> {
    mkdirSync(confdir, { recursive: true });
    const authUrl = path.join(confdir, 'authUrl');
    const responseUrl = path.join(confdir, 'responseUrl');
    rmSync(responseUrl, { force: true });
    const syncDir = path.join(confdir, 'sync');
    mkdirSync(syncDir, { recursive: true });
    writeFileSync(path.join(confdir, 'config'), `sync_dir = "${syncDir}"\n`);
    const client = onedrive(
        ['--confdir', confdir, '--auth-files', `${authUrl}:${responseUrl}`, '--synchronize', '--download-only'],
        120_000,
    );
    let answered = false;
    const deadline = Date.now() + 60_000;
    while (!answered && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        if (!existsSync(authUrl)) continue;
        const wanted = new URL(readFileSync(authUrl, 'utf8').trim());
        const local = new URL(`${wanted.pathname}${wanted.search}`, world.sim.simulator.authorityHost);
        const back = await signInAt(local.toString(), login);
        writeFileSync(responseUrl, back.toString());
        answered = true;
    }
    const result = await client;
    if (!answered || result.code !== 0 || !existsSync(path.join(confdir, 'refresh_token')))
        throw new Error(`The OneDrive client did not sign in (exit ${result.code}):\n${result.output.slice(-3000)}`);
}
