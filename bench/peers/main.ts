import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';
import type { GraphSimApi } from '../../dev/m365/graph';
import type { Contender } from './contender';
import { ensurePeersInstalled } from './install';
import { startOneDriveClient } from './onedriveClient';
import { startRclone } from './rclone';
import type { RunResult } from './run';
import { contentOf, largeTree, sha256, smallTree, verifyFolder, writeTree, type Tree } from './tree';
import { countRequests, startWorld, type World } from './world';

/**
 * bench:peers — the service beside two real Graph clients nobody here wrote, Debian's rclone 1.60 and the
 * OneDrive Client for Linux 2.4.23, run unmodified against the same simulator through dev/peers' proxy,
 * on the same seeded trees, on this machine. Every scenario verifies the bytes each one wrote (SHA-256).
 *
 * Scenarios, per contender (each has its own user and OneDrive, seeded identically):
 * - small_first: first download of BENCH_PEERS_FILES (default 10,000) files of 4–64 KB, ~30 per folder;
 * - small_resync: the same again, nothing changed;
 * - small_edits: ten files edited on the Microsoft side, then a re-sync;
 * - large_first: first download of BENCH_PEERS_LARGE_FILES (default 20) files of BENCH_PEERS_LARGE_MIN_MIB
 *   to BENCH_PEERS_LARGE_MAX_MIB (default 20–100) MiB;
 * - small_upload / large_upload: the same trees from a local folder to a new drive folder.
 * BENCH_PEERS_ONLY=rclone,onedrive,service picks contenders.
 *
 * Figures: wall time, files/s, MB/s (10^6 bytes), Graph requests (/v1.0) and content requests (download
 * and upload URLs) from the simulator's request log, peak RSS of the process (GNU time).
 */
const FILES = Number(process.env.BENCH_PEERS_FILES ?? 10_000);
const LARGE_FILES = Number(process.env.BENCH_PEERS_LARGE_FILES ?? 20);
const LARGE_MIN_MIB = Number(process.env.BENCH_PEERS_LARGE_MIN_MIB ?? 20);
const LARGE_MAX_MIB = Number(process.env.BENCH_PEERS_LARGE_MAX_MIB ?? 100);
const ONLY = (process.env.BENCH_PEERS_ONLY ?? 'service,rclone,onedrive').split(',').map((s) => s.trim());
const EDITS = 10;

type Figures = Record<string, number | string | boolean>;
type Report = Record<string, Figures | number | string>;

function relaunchTrustingDevCa(): void {
    const { caPath } = ensureDevCertificates();
    if (process.env.NODE_EXTRA_CA_CERTS === caPath) return;
    const r = spawnSync(process.execPath, process.argv.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
    });
    process.exit(r.status ?? 1);
}

async function main(): Promise<void> {
    relaunchTrustingDevCa();
    ensurePeersInstalled(ONLY.filter((n) => n !== 'service'));
    const small = smallTree(FILES);
    const large = largeTree(LARGE_FILES, LARGE_MIN_MIB, LARGE_MAX_MIB);
    const work = mkdtempSync(path.join(tmpdir(), 'bench-peers-'));
    console.log(
        `bench:peers: ${small.files.length} small files (${mb(small.bytes)} MB), ${large.files.length} large files ` +
            `(${mb(large.bytes)} MB), ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; work dir ${work}`,
    );
    const world = await startWorld();
    const reports: Record<string, Report> = {};
    try {
        // The upload scenarios' source folders, written once and read by every contender.
        const source = path.join(work, 'source');
        writeTree(small, path.join(source, 'up-small', 'up-small'));
        writeTree(large, path.join(source, 'up-large', 'up-large'));
        const starters: Record<string, () => Promise<Contender>> = {
            rclone: () => startRclone(world, path.join(work, 'rclone')),
            onedrive: () => startOneDriveClient(world, path.join(work, 'onedrive')),
            service: async () => (await import('./service')).startService(world, path.join(work, 'service')),
        };
        for (const name of ONLY) {
            const start = starters[name];
            if (!start) throw new Error(`Unknown contender ${name}`);
            console.log(`\n== ${name}`);
            reports[name] = await runScenarios(world, await start(), { small, large, work, source });
        }
    } finally {
        await world.stop();
        if (!process.env.BENCH_PEERS_KEEP) rmSync(work, { recursive: true, force: true });
    }
    printTable(reports);
    console.log(JSON.stringify(reports));
}

async function runScenarios(
    world: World,
    contender: Contender,
    ctx: { small: Tree; large: Tree; work: string; source: string },
): Promise<Report> {
    const { small, large } = ctx;
    const graph = contender.sim?.graph ?? world.sim.graph;
    const log = contender.sim?.requests ?? world.sim.simulator.requests;
    // The large tree arrives just before its own scenario: a contender that syncs the whole drive (the
    // service, the OneDrive client) must not count it in the small-file figures.
    seed(graph, contender.driveFor(small.root), small);
    const out = path.join(ctx.work, contender.name, 'out');
    mkdirSync(out, { recursive: true });
    const report: Report = { concurrency: contender.concurrency };
    let peak = 0;
    const scenario = async (
        key: string,
        tree: Tree,
        files: number,
        bytes: number,
        act: () => Promise<RunResult>,
        verify: () => Promise<string[]>,
    ) => {
        const mark = log.entries.length;
        contender.storageCounts?.();
        const result = await act();
        const requests = countRequests(log, mark);
        const storage = contender.storageCounts?.();
        const problems = result.code === 0 ? await verify() : [`exit code ${result.code}`];
        const seconds = result.wallMs / 1000;
        const figures: Figures = {
            wall_s: round(seconds, 2),
            files,
            files_per_s: round(files / seconds, 1),
            mb_per_s: round(bytes / 1e6 / seconds, 1),
            graph_requests: requests.graph,
            content_requests: requests.content,
            peak_rss_mib: round(result.peakRssMiB, 0),
            verified: problems.length === 0,
            ...(storage
                ? {
                      storage_transactions: storage.total,
                      storage_per_file: files > 0 ? round(storage.total / files, 1) : storage.total,
                  }
                : {}),
        };
        if (Number.isFinite(result.peakRssMiB)) peak = Math.max(peak, result.peakRssMiB);
        report[key] = figures;
        console.log(`${key}: ${JSON.stringify(figures)}`);
        if (storage)
            console.log(
                `  storage requests by operation: ${JSON.stringify(storage.byOperation)}\n` +
                    `  mean ms per request: ${JSON.stringify(storage.meanMs)}`,
            );
        if (process.env.BENCH_PEERS_VERBOSE)
            console.log(
                log.entries
                    .slice(mark, mark + 40)
                    .map((r) => `  ${r.method} ${r.path} ${r.status}`)
                    .join('\n'),
            );
        if (problems.length > 0)
            console.log(
                `  ${problems.length} problems: ${problems.slice(0, 5).join('; ')}\n${result.output.slice(-3000)}`,
            );
        void tree;
    };
    const verifyDownload = (tree: Tree, hashes: Map<string, string>) =>
        contender.verifyDownload?.(tree, hashes) ?? verifyFolder(path.join(out, tree.root), hashes);
    const expected = expectedHashes(small);
    await scenario(
        'small_first',
        small,
        small.files.length,
        small.bytes,
        () => contender.download(small, out),
        () => verifyDownload(small, expected),
    );
    await scenario(
        'small_resync',
        small,
        0,
        0,
        () => contender.download(small, out),
        () => verifyDownload(small, expected),
    );
    const edited = small.files.filter((_, i) => i % Math.max(1, Math.floor(small.files.length / EDITS)) === 0);
    let editedBytes = 0;
    for (const file of edited.slice(0, EDITS)) {
        const bytes = contentOf(small, file, 1);
        graph.putFile(contender.driveFor(small.root), `${small.root}/${file.path}`, bytes);
        expected.set(file.path, sha256(bytes));
        editedBytes += bytes.length;
    }
    await scenario(
        'small_edits',
        small,
        Math.min(EDITS, edited.length),
        editedBytes,
        () => contender.download(small, out),
        () => verifyDownload(small, expected),
    );
    seed(graph, contender.driveFor(large.root), large);
    await scenario(
        'large_first',
        large,
        large.files.length,
        large.bytes,
        () => contender.download(large, out),
        () => verifyDownload(large, expectedHashes(large)),
    );
    for (const [key, tree] of [
        ['small_upload', small],
        ['large_upload', large],
    ] as const) {
        const folder = `up-${tree.root}`;
        const upload = contender.upload?.bind(contender);
        if (!upload) {
            report[key] = { not_run: true };
            continue;
        }
        await scenario(
            key,
            tree,
            tree.files.length,
            tree.bytes,
            () => upload(folder, path.join(ctx.source, folder)),
            async () => verifyDrive(graph, contender.driveFor(folder), folder, expectedHashes(tree)),
        );
    }
    report.peak_rss_mib = round(peak, 0);
    await contender.stop?.();
    return report;
}

function seed(graph: GraphSimApi, driveId: string, tree: Tree): void {
    for (const file of tree.files) graph.putFile(driveId, `${tree.root}/${file.path}`, contentOf(tree, file));
}

function expectedHashes(tree: Tree): Map<string, string> {
    return new Map(tree.files.map((f) => [f.path, sha256(contentOf(tree, f))]));
}

function verifyDrive(graph: GraphSimApi, driveId: string, folder: string, expected: Map<string, string>): string[] {
    const problems: string[] = [];
    for (const [rel, hash] of expected) {
        const item = graph.getItem(driveId, `${folder}/${rel}`);
        if (!item) problems.push(`missing ${folder}/${rel}`);
        else if (sha256(graph.readContent(driveId, item.id)) !== hash) problems.push(`wrong bytes ${folder}/${rel}`);
    }
    return problems;
}

function printTable(reports: Record<string, Report>): void {
    const names = Object.keys(reports);
    const rows: [string, string][] = [
        ['small_first', 'files_per_s'],
        ['small_first', 'mb_per_s'],
        ['small_first', 'wall_s'],
        ['small_first', 'graph_requests'],
        ['small_resync', 'wall_s'],
        ['small_resync', 'graph_requests'],
        ['small_edits', 'wall_s'],
        ['small_edits', 'graph_requests'],
        ['large_first', 'mb_per_s'],
        ['large_first', 'wall_s'],
        ['small_first', 'storage_per_file'],
        ['small_upload', 'files_per_s'],
        ['small_upload', 'graph_requests'],
        ['small_upload', 'storage_per_file'],
        ['large_upload', 'mb_per_s'],
    ];
    const line = (cells: string[]) =>
        console.log(cells.map((c, i) => (i === 0 ? c.padEnd(30) : c.padStart(14))).join(''));
    console.log('');
    line(['scenario / figure', ...names]);
    for (const [scenario, figure] of rows)
        line([
            `${scenario} ${figure}`,
            ...names.map((n) => String((reports[n]![scenario] as Figures | undefined)?.[figure] ?? '-')),
        ]);
    line(['verified (all scenarios)', ...names.map((n) => String(allVerified(reports[n]!)))]);
    line(['peak RSS MiB', ...names.map((n) => String(reports[n]!.peak_rss_mib ?? '-'))]);
    line(['concurrency', ...names.map((n) => String(reports[n]!.concurrency))]);
}

function allVerified(report: Report): boolean {
    return Object.values(report).every((v) => typeof v !== 'object' || v.verified === true || v.not_run === true);
}

function mb(bytes: number): string {
    return (bytes / 1e6).toFixed(1);
}

function round(n: number, digits: number): number {
    const f = 10 ** digits;
    return Math.round(n * f) / f;
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
