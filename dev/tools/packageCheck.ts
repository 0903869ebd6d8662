import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from './paths';

/**
 * `npm run package:check` (CI): builds the deployment package exactly as Azure would and fails when it
 * is broken. azd uploads the project folder minus `.funcignore`; with `remoteBuild: true` the Flex
 * Consumption remote build (Oryx) runs `npm install`, then `npm run build` when the script exists
 * (microsoft/Oryx, src/BuildScriptGenerator/Node/NodeBashBuildSnippet.sh.tpl); the app then runs with
 * production dependencies. This tool does the same in an empty folder, then:
 *   - loads `main` from package.json as the Functions host does and asserts it registers every
 *     function of the registry (functions/registry.ts, read from this checkout's build);
 *   - requires every compiled module under dist/functions and dist/lib with devDependencies pruned, so
 *     a lazily imported module that needs a dev-only package fails here, not on the first request;
 *   - asserts that no test, dev, bench or infra file is in the upload, and prints its size.
 * It needs this checkout built first (`npm run build`) for the registry it compares against.
 */
const root = projectRoot();
const FORBIDDEN_IN_UPLOAD = /^(test|dev|bench|infra|\.ci|\.local|\.bicep|node_modules|dist)\//;
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

interface RegisteredFunction {
    kind: string;
    name: string;
}

/** App settings shaped as the Bicep sets them (identity-based storage); nothing is contacted. */
const AZURE_LIKE_SETTINGS = {
    SyncStorage__blobServiceUri: 'https://stpackagecheck.blob.core.windows.net',
    SyncStorage__queueServiceUri: 'https://stpackagecheck.queue.core.windows.net',
    SyncStorage__tableServiceUri: 'https://stpackagecheck.table.core.windows.net',
    SyncStorage__credential: 'managedidentity',
    KEY_VAULT_URL: 'https://kv-packagecheck.vault.azure.net',
    PUBLIC_BASE_URL: 'https://func-packagecheck.azurewebsites.net',
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
    try {
        return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
        const { stderr, stdout } = e as { stderr?: string; stdout?: string };
        const tail = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
        throw new Error(`packageCheck: \`${command} ${args.join(' ')}\` failed in ${cwd}:\n${tail}`);
    }
}

/** What azd uploads: tracked files minus what `.funcignore` (gitignore syntax) excludes. */
function uploadedFiles(): string[] {
    const tracked = run('git', ['ls-files', '--cached'], root).split('\n').filter(Boolean);
    const ignored = new Set(
        run('git', ['ls-files', '--cached', '--ignored', '--exclude-from=.funcignore'], root)
            .split('\n')
            .filter(Boolean),
    );
    return tracked.filter((f) => !ignored.has(f));
}

function copyPackage(files: string[], into: string): number {
    let bytes = 0;
    for (const file of files) {
        const target = path.join(into, file);
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(path.join(root, file), target);
        bytes += statSync(target).size;
    }
    return bytes;
}

/** Probes print their result after this marker: @azure/functions writes its own lines to stdout. */
const MARK = '@@packageCheck@@';

function probeResult<T>(out: string): T {
    return JSON.parse(out.slice(out.lastIndexOf(MARK) + MARK.length)) as T;
}

function compiledModules(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.js'))
        .map((f) => path.join(dir, f));
}

/** Loads `main` with `app.*` recorded, as the entry bundle test does, in the package's own folder. */
function registeredIn(packageDir: string): RegisteredFunction[] {
    const probe = `const MARK = ${JSON.stringify(MARK)};
const functions = require('@azure/functions');
const seen = [];
for (const kind of ['http', 'timer', 'storageQueue']) functions.app[kind] = (name) => seen.push({ kind, name });
functions.app.setup = () => {};
require(require('path').resolve(require('./package.json').main));
process.stdout.write('\\n' + MARK + JSON.stringify(seen));`;
    return probeResult<RegisteredFunction[]>(
        run(process.execPath, ['-e', probe], packageDir, { ...process.env, ...AZURE_LIKE_SETTINGS }),
    );
}

function expectedFunctions(): RegisteredFunction[] {
    const kinds: Record<string, string> = { http: 'http', timer: 'timer', queue: 'storageQueue' };
    const { functions } = require(path.join(root, 'dist', 'functions', 'registry.js')) as {
        functions: { kind: string; name: string }[];
    };
    return functions.map((f) => ({ kind: kinds[f.kind], name: f.name }));
}

/** Requires every module with production dependencies only; returns the failures. */
function unloadableModules(packageDir: string): string[] {
    const modules = [
        ...compiledModules(path.join(packageDir, 'dist', 'functions')),
        ...compiledModules(path.join(packageDir, 'dist', 'lib')),
    ];
    const probe = `const MARK = ${JSON.stringify(MARK)};
const failures = [];
for (const m of ${JSON.stringify(modules)}) {
    try { require(m); } catch (e) { if (e && e.code === 'MODULE_NOT_FOUND') failures.push(m + ': ' + e.message.split('\\n')[0]); }
}
process.stdout.write('\\n' + MARK + JSON.stringify(failures));`;
    return probeResult<string[]>(
        run(process.execPath, ['-e', probe], packageDir, { ...process.env, ...AZURE_LIKE_SETTINGS }),
    );
}

function folderBytes(dir: string): number {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((sum, f) => {
        const s = statSync(path.join(dir, f));
        return s.isFile() ? sum + s.size : sum;
    }, 0);
}

function main(): void {
    const problems: string[] = [];
    const files = uploadedFiles();
    const stray = files.filter((f) => FORBIDDEN_IN_UPLOAD.test(f));
    if (stray.length) problems.push(`files that must not be deployed: ${stray.slice(0, 10).join(', ')}`);

    const dir = mkdtempSync(path.join(tmpdir(), 'deploy-package-'));
    try {
        const uploadBytes = copyPackage(files, dir);
        if (uploadBytes > MAX_UPLOAD_BYTES) problems.push(`upload is ${uploadBytes} bytes (limit ${MAX_UPLOAD_BYTES})`);
        console.log(`packageCheck: upload ${files.length} files, ${(uploadBytes / 1024).toFixed(0)} KiB`);

        // The remote build, step by step (no NODE_ENV: Oryx installs devDependencies to build).
        const env = { ...process.env, NODE_ENV: undefined, npm_config_audit: 'false', npm_config_fund: 'false' };
        run('npm', ['install'], dir, env);
        run('npm', ['run', 'build'], dir, env);
        run('npm', ['prune', '--omit=dev'], dir, env);
        console.log(
            `packageCheck: built; deployed content ${(folderBytes(dir) / 1024 / 1024).toFixed(1)} MiB with production dependencies`,
        );

        const registered = registeredIn(dir).map((f) => `${f.kind}:${f.name}`);
        const missing = expectedFunctions()
            .map((f) => `${f.kind}:${f.name}`)
            .filter((f) => !registered.includes(f));
        if (missing.length) problems.push(`functions missing from the package's entry point: ${missing.join(', ')}`);
        console.log(`packageCheck: main registers ${registered.length} functions`);

        const unloadable = unloadableModules(dir);
        if (unloadable.length) problems.push(`modules that need a missing package:\n  ${unloadable.join('\n  ')}`);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }

    if (problems.length) {
        console.error(`packageCheck: the deployment package is broken:\n- ${problems.join('\n- ')}`);
        process.exit(1);
    }
    console.log('packageCheck: the deployment package builds and loads as on Azure');
}

try {
    main();
} catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
}
