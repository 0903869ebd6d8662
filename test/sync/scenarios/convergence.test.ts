import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { loadCursor, saveCursor } from '../../../lib/sync/remote';
import type { ConnectedService } from '../../support/connectedService';
import {
    describeRuns,
    hashOf,
    isQuiet,
    PlatformSide,
    prng,
    remoteTree,
    services,
    startScenarioService,
    syncUntilQuiet,
    transferLog,
    treeDiff,
} from './scenarioHarness';

/**
 * Seeded randomized convergence: each round makes random edits on both sides of a small tree
 * (create, edit, delete, rename, move of files and folders), then syncs until quiet, and checks
 * 1. both sides hold the same tree (paths, folder/file) with hash-equal contents;
 * 2. no version is lost: every content that existed on either side at the sync boundary and was
 *    written this round still exists afterwards (at its path or as a conflict copy).
 * SYNC_SEED=<n> replays a seed; SYNC_ROUNDS=<n> changes the number of rounds; SYNC_ALWAYS_LIST=1 syncs
 * every round as "Sync now" (the platform store listed every run).
 */
const ROUNDS = Number(process.env.SYNC_ROUNDS ?? 40);
const CHAOS_ROUNDS = Number(process.env.SYNC_CHAOS_ROUNDS ?? 10);
/** Time budget per round (ms); SYNC_ROUND_MS raises it for long runs on a busy machine. */
const ROUND_MS = Number(process.env.SYNC_ROUND_MS ?? 5_000);
/**
 * Fixed by default so the suite is repeatable; explore with SYNC_SEED. Known failing (not fixed, see the
 * issue 5 report): SYNC_SEED=21 SYNC_MAX_EDITS=10 (chaos variant, seed 22, round 2: an upload to
 * Z/B/f2.txt is re-planned every run and answered 404 itemNotFound forever).
 */
const BASE_SEED = Number(process.env.SYNC_SEED ?? 1);
const MAX_EDITS = Number(process.env.SYNC_MAX_EDITS ?? 5);
/** What a conflict copy is called (conflictName.ts): `stem (conflict YYYY-MM-DD from Side)[ (n)].ext`. */
const CONFLICT_COPY = /^.+ \(conflict \d{4}-\d{2}-\d{2} from (SharePoint|Platform)\)( \(\d+\))?(\.txt)?$/;

/**
 * The chaos variant also turns on the field-reported delta faults (m365-quirks.md 4 and 5) at seeded
 * rates: tombstones dropped for SharePoint-side deletes, and 410s (plain, or with a Location that
 * fails). SYNC_DELTA_QUIRKS=0 turns them off.
 */
const DELTA_QUIRKS =
    process.env.SYNC_DELTA_QUIRKS === '0'
        ? undefined
        : { dropTombstoneRate: 0.25, resyncRate: 0.1, plainResyncRate: 0.5, locationFailRate: 0.5 };

/**
 * ... and the upload quirks (m365-quirks.md 1 and 2): a fragment answered 404 on a live session, a 412
 * on an If-Match that matches; and some 429s with Retry-After on top of the resource budget.
 * SYNC_CONTENT_QUIRKS=0 turns them off. Enrichment (3) rewrites Office files and PDFs only: this test's
 * .txt files are not rewritten (quirksSync.test.ts covers it, where both sides legitimately differ).
 */
const CONTENT_QUIRKS =
    process.env.SYNC_CONTENT_QUIRKS === '0' ? undefined : { transientUpload404: 0.1, spurious412: 0.1 };

const ROOT = 'Z';
const FOLDERS = ['A', 'B', 'C'];
const FILES = ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt'];

let svc: ConnectedService;
let drive: DriveRecord;
let platform: PlatformSide;
let gid: string;

beforeAll(async () => {
    svc = await startScenarioService();
    drive = (
        await svc.connectDrive(
            { name: 'Convergence OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.megan.userPrincipalName,
        )
    ).drive;
    gid = drive.graph!.driveId;
    platform = new PlatformSide(await services(), drive);
    // Random folder deletes are intended here: the guard is tested in scenarios.test.ts.
    const props = await svc.env.api('PATCH', '/api/manage/properties', {
        body: { BigDeleteMaxCount: 100_000, BigDeleteMaxPercent: 100 },
    });
    expect(props.status).toBe(200);
    const first = await syncUntilQuiet(drive);
    expect(isQuiet(first)).toBe(true);
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

type Side = 'remote' | 'platform';
type Tree = Map<string, string>;

const leaf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const parent = (p: string) => p.slice(0, p.lastIndexOf('/'));

/** One random edit on one side; returns a description, or undefined when the pick made no sense. */
async function randomEdit(
    random: () => number,
    side: Side,
    tree: Tree,
    label: string,
    written: Set<string>,
): Promise<string | undefined> {
    const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined);
    const inRoot = [...tree.keys()].filter((p) => p.startsWith(`${ROOT}/`));
    const files = inRoot.filter((p) => tree.get(p) !== 'folder');
    const folders = [ROOT, ...inRoot.filter((p) => tree.get(p) === 'folder')];
    const content = `${label} ${random().toString(36).slice(2)}`;
    const op = pick([
        'create',
        'create',
        'edit',
        'edit',
        'delete',
        'rename',
        'move',
        'renameFolder',
        'deleteFolder',
    ] as const)!;
    const free = (p: string) => !tree.has(p) && ![...tree.keys()].some((k) => k.toLowerCase() === p.toLowerCase());
    let target: string | undefined;
    let source: string | undefined;
    switch (op) {
        case 'create': {
            const folder = pick([ROOT, ...folders.filter((f) => f.split('/').length < 4), `${ROOT}/${pick(FOLDERS)}`])!;
            target = `${folder}/${pick(FILES)}`;
            if (
                !free(target) ||
                [...tree.keys()].some((k) => k.toLowerCase() === folder.toLowerCase() && tree.get(k) !== 'folder')
            )
                return undefined;
            break;
        }
        case 'edit':
            target = pick(files);
            break;
        case 'delete':
            source = pick(files);
            break;
        case 'rename':
            source = pick(files);
            target = source && `${parent(source)}/${pick(FILES)}`;
            break;
        case 'move':
            source = pick(files);
            target = source && `${pick(folders)}/${leaf(source)}`;
            break;
        case 'renameFolder':
            source = pick(folders.filter((f) => f !== ROOT));
            target = source && `${parent(source)}/${pick(FOLDERS)}`;
            break;
        case 'deleteFolder':
            // Rarely: a whole folder goes (with everything in it).
            source = random() < 0.4 ? pick(folders.filter((f) => f !== ROOT)) : undefined;
            break;
    }
    if ((op !== 'create' && op !== 'edit' && !source) || ((op === 'create' || op === 'edit') && !target))
        return undefined;
    if (target && source && (!free(target) || target === source || target.startsWith(`${source}/`))) return undefined;
    const sim = svc.sim.graph;
    try {
        if (side === 'remote') {
            if (op === 'create' || op === 'edit') sim.putFile(gid, `/${target}`, content);
            else if (op === 'delete' || op === 'deleteFolder') sim.remove(gid, `/${source}`);
            else if (parent(source!) === parent(target!)) sim.rename(gid, `/${source}`, leaf(target!));
            else sim.move(gid, `/${source}`, `/${parent(target!)}`);
        } else {
            if (op === 'create' || op === 'edit') await platform.put(target!, content);
            else if (op === 'delete' || op === 'deleteFolder') await platform.remove(source!);
            else await platform.move(source!, target!);
        }
    } catch (e) {
        return `${side} ${op} ${source ?? ''} ${target ?? ''} refused: ${(e as Error).message}`;
    }
    if (op === 'create' || op === 'edit') written.add(hashOf(content));
    return `${side} ${op} ${source ?? ''}${source && target ? ' -> ' : ''}${target ?? ''}`;
}

/** As if the weekly reconciliation listing's interval had passed (engine/remoteListing.ts). */
async function makeReconciliationDue(): Promise<void> {
    const s = await services();
    const { cursor } = await loadCursor(s, drive.id);
    if (cursor?.deltaLink) await saveCursor(s, drive.id, { ...cursor, remoteListedAt: '2000-01-01T00:00:00.000Z' });
}

/** Hashes of every file (anywhere in the drive) on one tree. */
const hashes = (tree: Tree) => new Set([...tree.values()].filter((v) => v !== 'folder'));

async function runRounds(seed: number, rounds: number, chaos: boolean): Promise<void> {
    const random = prng(seed);
    const history: string[] = [];
    const fail = (what: string) => {
        throw new Error(
            `Convergence failed (seed ${seed}${chaos ? ', chaos' : ''}): ${what}\nEdits:\n${history.slice(-60).join('\n')}\nTransfer log:\n${transferLog.slice(-20).join('\n')}`,
        );
    };
    for (let round = 0; round < rounds; round++) {
        const written = new Set<string>();
        history.push(`-- round ${round}`);
        const edits = 1 + Math.floor(random() * MAX_EDITS);
        // SharePoint-side deletes made now may never be reported by delta.
        if (chaos && DELTA_QUIRKS) svc.sim.graph.setDeltaQuirks({ seed: `${seed}-${round}-edits`, ...DELTA_QUIRKS });
        // A platform delete or move bypasses the API (there is none for them): only a listing sees it,
        // so such rounds sync as "Sync now"; the others as a notification would, trusting the baseline.
        let aroundApi = false;
        for (let i = 0; i < edits; i++) {
            const side: Side = random() < 0.5 ? 'remote' : 'platform';
            const tree = side === 'remote' ? remoteTree(svc, gid) : await platform.tree();
            // A pick that makes no sense on this tree (a name taken, nothing to move) is drawn again.
            for (let attempt = 0; attempt < 6; attempt++) {
                const did = await randomEdit(
                    random,
                    side,
                    tree,
                    `s${seed} r${round} e${i}.${attempt} ${side}`,
                    written,
                );
                if (!did) continue;
                history.push(did);
                aroundApi ||= /^platform (delete|rename|move|renameFolder|deleteFolder) /.test(did);
                break;
            }
        }
        // The sync boundary: what exists now on either side and was written this round must survive.
        const atBoundary = new Set([...hashes(remoteTree(svc, gid)), ...hashes(await platform.tree())]);
        const mustSurvive = [...written].filter((h) => atBoundary.has(h));

        if (chaos)
            svc.sim.graph.setChaos({
                seed: `${seed}-${round}`,
                errorRate: 0.05,
                throttleRate: CONTENT_QUIRKS ? 0.02 : 0,
                dropRate: 0.02,
                ...(DELTA_QUIRKS ? { delta: DELTA_QUIRKS } : {}),
                ...(CONTENT_QUIRKS ? { content: CONTENT_QUIRKS } : {}),
            });
        const trigger = aroundApi || process.env.SYNC_ALWAYS_LIST ? 'manual' : 'webhook';
        let result = await syncUntilQuiet(drive, { maxRounds: chaos ? 3 : 6, trigger });
        if (chaos) {
            history.push(
                '   (with faults)',
                ...describeRuns(result)
                    .split('\n')
                    .map((l) => `   ${l}`),
                '   (faults off)',
            );
            // Faults off: whatever the faults interrupted must still converge, nothing lost.
            svc.sim.graph.setChaos(undefined);
            result = await syncUntilQuiet(drive, { maxRounds: 8, trigger });
            if (DELTA_QUIRKS) {
                // Deletes delta never reported wait for the periodic reconciliation listing: make it due now.
                history.push(
                    ...describeRuns(result)
                        .split('\n')
                        .map((l) => `   ${l}`),
                    '   (reconciliation listing)',
                );
                await makeReconciliationDue();
                result = await syncUntilQuiet(drive, { maxRounds: 8, trigger });
            }
        }
        history.push(
            ...describeRuns(result)
                .split('\n')
                .map((l) => `   ${l}`),
        );
        if (!isQuiet(result)) fail(`round ${round}: not quiet after syncUntilQuiet`);
        const remote = remoteTree(svc, gid);
        const diff = treeDiff(remote, await platform.tree());
        if (diff.length) fail(`round ${round}: sides differ:\n${diff.join('\n')}`);
        const badCopies = [...remote.keys()].filter((p) =>
            p.split('/').some((name) => name.includes('(conflict') && !CONFLICT_COPY.test(name)),
        );
        if (badCopies.length) fail(`round ${round}: conflict copies not named as documented: ${badCopies.join(', ')}`);
        const now = hashes(remote);
        const lost = mustSurvive.filter((h) => !now.has(h));
        if (process.env.SYNC_DEBUG) console.log(history.splice(0).join('\n'));
        if (lost.length)
            fail(
                `round ${round}: ${lost.length} version(s) lost: ${lost.join(', ')}\nTree:\n${[...remote]
                    .filter(([p]) => p.startsWith(ROOT))
                    .map(([p, h]) => `${p} ${h}`)
                    .join('\n')}`,
            );
    }
}

describe('randomized two-way convergence', () => {
    it(
        `converges after every round of random edits on both sides (seed ${BASE_SEED}, ${ROUNDS} rounds)`,
        async () => {
            await runRounds(BASE_SEED, ROUNDS, false);
        },
        Math.max(240_000, ROUNDS * ROUND_MS),
    );

    it(
        `converges with Graph faults injected while syncing (seed ${BASE_SEED + 1}, ${CHAOS_ROUNDS} rounds)`,
        async () => {
            try {
                await runRounds(BASE_SEED + 1, CHAOS_ROUNDS, true);
            } finally {
                svc.sim.graph.setChaos(undefined);
            }
        },
        Math.max(240_000, CHAOS_ROUNDS * ROUND_MS * 1.6),
    );
});
