import { Plan } from '../../../lib/sync/plan/types';
import { PlanOverrides, Scenario, summary } from './scenario';

type Options = PlanOverrides;

interface Row {
    name: string;
    tree: Record<string, string | null>;
    given: (s: Scenario) => unknown;
    options?: Options;
    /** Every action, in any order (ordering rules have their own tests below). */
    expect: string[];
}

const FILES = { 'a.txt': 'A', d: null, 'd/x.txt': 'X', 'd/y.txt': 'Y' };

const rows: Row[] = [
    { name: 'no change on either side', tree: FILES, given: () => undefined, expect: [] },

    // ---- one side changes ----
    { name: 'remote create file', tree: FILES, given: (s) => s.remoteCreate('n.txt', 'N'), expect: ['download n.txt'] },
    {
        name: 'platform create file',
        tree: FILES,
        given: (s) => s.platformCreate('n.txt', 'N'),
        expect: ['upload n.txt -> n.txt'],
    },
    {
        name: 'remote create folder with a file',
        tree: FILES,
        given: (s) => s.remoteCreate('e', null).remoteCreate('e/z.txt', 'Z'),
        expect: ['createPlatformFolder e', 'download e/z.txt'],
    },
    {
        name: 'platform create folder with a file',
        tree: FILES,
        given: (s) => s.platformCreate('e', null).platformCreate('e/z.txt', 'Z'),
        expect: ['createRemoteFolder e', 'upload e/z.txt -> e/z.txt'],
    },
    { name: 'remote edit', tree: FILES, given: (s) => s.remoteEdit('a.txt', 'A2'), expect: ['download a.txt'] },
    {
        name: 'platform edit',
        tree: FILES,
        given: (s) => s.platformEdit('a.txt', 'A2'),
        expect: ['upload a.txt -> a.txt (replace)'],
    },
    { name: 'remote delete', tree: FILES, given: (s) => s.remoteDelete('a.txt'), expect: ['deletePlatform a.txt'] },
    { name: 'platform delete', tree: FILES, given: (s) => s.platformDelete('a.txt'), expect: ['deleteRemote a.txt'] },
    {
        name: 'remote rename',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'b.txt'),
        expect: ['renamePlatform a.txt -> b.txt', 'updateBaseline b.txt'],
    },
    {
        name: 'platform rename',
        tree: FILES,
        given: (s) => s.platformMove('a.txt', 'b.txt'),
        expect: ['renameRemote a.txt -> b.txt'],
    },
    {
        name: 'remote move',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'd/a.txt'),
        expect: ['movePlatform a.txt -> d/a.txt', 'updateBaseline d/a.txt'],
    },
    {
        name: 'platform move',
        tree: FILES,
        given: (s) => s.platformMove('a.txt', 'd/a.txt'),
        expect: ['moveRemote a.txt -> d/a.txt'],
    },
    {
        name: 'platform move and rename at once',
        tree: FILES,
        given: (s) => s.platformMove('d/x.txt', 'x2.txt'),
        expect: ['moveRemote d/x.txt -> x2.txt'],
    },

    // ---- both sides change ----
    {
        name: 'both edit to the same content: no conflict, baseline only',
        tree: FILES,
        given: (s) => s.remoteEdit('a.txt', 'same').platformEdit('a.txt', 'same'),
        expect: ['updateBaseline a.txt'],
    },
    {
        name: 'both edit, keep-both, platform newer: the remote version becomes the copy',
        tree: FILES,
        given: (s) => s.remoteEdit('a.txt', 'R').platformEdit('a.txt', 'P'),
        expect: ['conflictKeepBoth a.txt loser=remote copy=a (conflict 2024-05-01 from SharePoint).txt'],
    },
    {
        name: 'both edit, keep-both, remote newer: the platform version becomes the copy',
        tree: FILES,
        given: (s) => s.platformEdit('a.txt', 'P').remoteEdit('a.txt', 'R'),
        expect: ['conflictKeepBoth a.txt loser=platform copy=a (conflict 2024-05-01 from Platform).txt'],
    },
    {
        name: 'both edit, prefer-remote',
        tree: FILES,
        given: (s) => s.remoteEdit('a.txt', 'R').platformEdit('a.txt', 'P'),
        options: { policy: 'prefer-remote' },
        expect: ['download a.txt'],
    },
    {
        name: 'both edit, prefer-platform',
        tree: FILES,
        given: (s) => s.remoteEdit('a.txt', 'R').platformEdit('a.txt', 'P'),
        options: { policy: 'prefer-platform' },
        expect: ['upload a.txt -> a.txt (replace)'],
    },
    {
        name: 'both edit, newest: platform edited last',
        tree: FILES,
        given: (s) => s.remoteEdit('a.txt', 'R').platformEdit('a.txt', 'P'),
        options: { policy: 'newest' },
        expect: ['upload a.txt -> a.txt (replace)'],
    },
    {
        name: 'both edit, newest: remote edited last',
        tree: FILES,
        given: (s) => s.platformEdit('a.txt', 'P').remoteEdit('a.txt', 'R'),
        options: { policy: 'newest' },
        expect: ['download a.txt'],
    },
    {
        name: 'remote rename + platform edit',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'b.txt').platformEdit('a.txt', 'P'),
        expect: ['renamePlatform a.txt -> b.txt', 'upload b.txt -> b.txt (replace)'],
    },
    {
        name: 'platform rename + remote edit',
        tree: FILES,
        given: (s) => s.platformMove('a.txt', 'b.txt').remoteEdit('a.txt', 'R'),
        expect: ['renameRemote a.txt -> b.txt', 'download b.txt'],
    },
    {
        name: 'both rename the same way',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'b.txt').platformMove('a.txt', 'b.txt'),
        expect: ['updateBaseline b.txt'],
    },
    {
        name: 'both rename differently: SharePoint wins by default',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'r.txt').platformMove('a.txt', 'p.txt'),
        expect: ['renamePlatform p.txt -> r.txt', 'updateBaseline r.txt'],
    },
    {
        name: 'both rename differently: prefer-platform',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'r.txt').platformMove('a.txt', 'p.txt'),
        options: { policy: 'prefer-platform' },
        expect: ['renameRemote r.txt -> p.txt'],
    },
    {
        name: 'both delete',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt').platformDelete('a.txt'),
        expect: ['updateBaseline forget id-a.txt'],
    },
    {
        name: 'created on both sides with different content (not a first sync): keep both',
        tree: FILES,
        given: (s) => s.remoteCreate('n.txt', 'R').platformCreate('n.txt', 'P'),
        expect: ['conflictKeepBoth n.txt loser=remote copy=n (conflict 2024-05-01 from SharePoint).txt'],
    },
    {
        name: 'created on both sides with the same content: linked',
        tree: FILES,
        given: (s) => s.remoteCreate('n.txt', 'N').platformCreate('n.txt', 'N'),
        expect: ['updateBaseline n.txt'],
    },
    {
        name: 'a remote folder and a platform file take the same name: the platform file is renamed',
        tree: FILES,
        given: (s) => s.remoteCreate('n', null).platformCreate('n', 'P'),
        expect: [
            'createPlatformFolder n',
            'renamePlatform n -> n (conflict 2024-05-01 from Platform)',
            'upload n (conflict 2024-05-01 from Platform) -> n (conflict 2024-05-01 from Platform)',
        ],
    },

    // ---- delete vs edit ----
    {
        name: 'remote delete vs platform edit: the edit is uploaded again',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt').platformEdit('a.txt', 'P'),
        expect: ['upload a.txt -> a.txt', 'updateBaseline forget id-a.txt'],
    },
    {
        name: 'platform delete vs remote edit: the edit is downloaded again',
        tree: FILES,
        given: (s) => s.platformDelete('a.txt').remoteEdit('a.txt', 'R'),
        expect: ['download a.txt'],
    },
    {
        name: 'remote delete vs platform rename: the renamed file survives',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt').platformMove('a.txt', 'b.txt'),
        expect: ['upload b.txt -> b.txt', 'updateBaseline forget id-a.txt'],
    },
    {
        name: 'remote folder delete vs a platform edit inside: the folder is re-created with the edit only',
        tree: FILES,
        given: (s) => s.remoteDelete('d').platformEdit('d/x.txt', 'X2'),
        expect: [
            'createRemoteFolder d',
            'upload d/x.txt -> d/x.txt',
            'updateBaseline forget id-d/x.txt',
            'deletePlatform d/y.txt',
            'updateBaseline forget id-d',
        ],
    },
    {
        name: 'platform folder delete vs a remote edit inside',
        tree: FILES,
        given: (s) => s.platformDelete('d').remoteEdit('d/y.txt', 'Y2'),
        expect: ['createPlatformFolder d', 'download d/y.txt', 'deleteRemote d/x.txt'],
    },

    // ---- folders ----
    {
        name: 'platform folder rename with descendants: one rename, no transfer',
        tree: { ...FILES, 'd/sub': null, 'd/sub/z.txt': 'Z' },
        given: (s) => s.platformMove('d', 'e'),
        expect: [
            'renameRemote d -> e',
            'updateBaseline e/x.txt',
            'updateBaseline e/y.txt',
            'updateBaseline e/sub',
            'updateBaseline e/sub/z.txt',
        ],
    },
    {
        name: 'remote folder rename with descendants: one rename, no transfer',
        tree: { ...FILES, 'd/sub': null, 'd/sub/z.txt': 'Z' },
        given: (s) => s.remoteMove('d', 'e'),
        expect: [
            'renamePlatform d -> e',
            'updateBaseline e',
            'updateBaseline e/x.txt',
            'updateBaseline e/y.txt',
            'updateBaseline e/sub',
            'updateBaseline e/sub/z.txt',
        ],
    },
    {
        name: 'remote folder delete reported without its children',
        tree: FILES,
        given: (s) => s.remoteDelete('d', false),
        expect: ['deletePlatform d/x.txt', 'deletePlatform d/y.txt', 'deletePlatform d'],
    },
    {
        name: 'platform folder delete',
        tree: FILES,
        given: (s) => s.platformDelete('d'),
        expect: ['deleteRemote d/x.txt', 'deleteRemote d/y.txt', 'deleteRemote d'],
    },

    // ---- case, type, metadata, enrichment ----
    {
        name: 'platform case-only rename',
        tree: FILES,
        given: (s) => s.platformMove('a.txt', 'A.txt'),
        expect: ['renameRemote a.txt -> A.txt'],
    },
    {
        name: 'remote case-only rename',
        tree: FILES,
        given: (s) => s.remoteMove('a.txt', 'A.TXT'),
        expect: ['renamePlatform a.txt -> A.TXT', 'updateBaseline A.TXT'],
    },
    {
        name: 'platform case-only folder rename',
        tree: FILES,
        given: (s) => s.platformMove('d', 'D'),
        expect: ['renameRemote d -> D', 'updateBaseline D/x.txt', 'updateBaseline D/y.txt'],
    },
    {
        name: 'type change on the platform: file becomes folder',
        tree: FILES,
        given: (s) => s.platformDelete('a.txt').platformCreate('a.txt', null).platformCreate('a.txt/in.txt', 'I'),
        expect: ['deleteRemote a.txt', 'createRemoteFolder a.txt', 'upload a.txt/in.txt -> a.txt/in.txt'],
    },
    {
        name: 'type change on SharePoint: folder becomes file',
        tree: FILES,
        given: (s) => s.remoteDelete('d').remoteCreate('d', 'F'),
        expect: ['deletePlatform d/x.txt', 'deletePlatform d/y.txt', 'deletePlatform d', 'download d'],
    },
    {
        name: 'metadata-only change (eTag moved, cTag did not): no download',
        tree: FILES,
        given: (s) => s.remoteTouch('a.txt'),
        expect: ['updateBaseline a.txt'],
    },
    {
        name: 'metadata-only change without cTag (ODB delta): the hash decides, no download',
        tree: FILES,
        given: (s) => s.remoteTouch('a.txt', true),
        expect: ['updateBaseline a.txt'],
    },
    {
        name: 'platform touch (new blob ETag, same bytes): no upload',
        tree: FILES,
        given: (s) => s.platformTouch('a.txt'),
        expect: ['updateBaseline a.txt'],
    },
    {
        name: 'enrichment: the server hash differs from the platform hash but equals the baseline',
        tree: FILES,
        given: (s) => s.enriched('a.txt', 'A+metadata').remoteTouch('a.txt', true),
        expect: ['updateBaseline a.txt'],
    },
    {
        name: 'enrichment, nothing else changed: no action at all',
        tree: FILES,
        given: (s) => s.enriched('a.txt', 'A+metadata'),
        options: { resync: true },
        expect: [],
    },

    // ---- first sync ----
    {
        name: 'first sync copies one-sided items, links equal ones, keeps both of different ones, deletes nothing',
        tree: { same: null, 'same/eq.txt': 'E', 'diff.txt': 'D' },
        given: (s) =>
            s.withoutBaseline().remoteCreate('r.txt', 'R').platformCreate('p.txt', 'P').platformEdit('diff.txt', 'D2'),
        options: { firstSync: true, policy: 'prefer-remote' },
        expect: [
            'download r.txt',
            'upload p.txt -> p.txt',
            'updateBaseline same',
            'updateBaseline same/eq.txt',
            'conflictKeepBoth diff.txt loser=remote copy=diff (conflict 2024-05-01 from SharePoint).txt',
        ],
    },
    {
        name: 'first sync ignores a stale baseline: items missing on one side are copied, never deleted',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt').platformDelete('d/x.txt'),
        options: { firstSync: true },
        expect: ['upload a.txt -> a.txt', 'download d/x.txt', 'updateBaseline d', 'updateBaseline d/y.txt'],
    },

    // ---- resync (410) ----
    {
        name: 'resync: an explicit tombstone still deletes',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt'),
        options: { resync: true },
        expect: ['deletePlatform a.txt'],
    },
    {
        name: 'resync: an item merely missing from the listing is uploaded again, never deleted',
        tree: FILES,
        given: (s) => s.remoteDelete('d/x.txt'),
        options: { resync: true, tombstones: false },
        expect: ['upload d/x.txt -> d/x.txt', 'updateBaseline forget id-d/x.txt'],
    },
    {
        name: 'resync that proves absence: an item missing from the listing was deleted in SharePoint',
        tree: FILES,
        given: (s) => s.remoteDelete('d/x.txt'),
        options: { resync: true, tombstones: false, unlistedDeleted: true },
        expect: ['deletePlatform d/x.txt'],
    },
    {
        name: 'resync that proves absence: a whole folder missing goes with everything in it',
        tree: FILES,
        given: (s) => s.remoteDelete('d'),
        options: { resync: true, tombstones: false, unlistedDeleted: true },
        expect: ['deletePlatform d/x.txt', 'deletePlatform d/y.txt', 'deletePlatform d'],
    },
    {
        name: 'resync that proves absence: missing but edited on the platform since: the edit wins, uploaded again',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt').platformEdit('a.txt', 'A2'),
        options: { resync: true, tombstones: false, unlistedDeleted: true },
        expect: ['upload a.txt -> a.txt', 'updateBaseline forget id-a.txt'],
    },
    {
        name: 'absence proves nothing on a first sync, whatever the option says',
        tree: FILES,
        given: (s) => s.remoteDelete('a.txt'),
        options: { firstSync: true, tombstones: false, unlistedDeleted: true },
        expect: ['upload a.txt -> a.txt', 'updateBaseline d', 'updateBaseline d/x.txt', 'updateBaseline d/y.txt'],
    },
    {
        name: 'resync: a platform delete still deletes remotely',
        tree: FILES,
        given: (s) => s.platformDelete('a.txt'),
        options: { resync: true },
        expect: ['deleteRemote a.txt'],
    },

    // ---- names ----
    {
        name: 'invalid character: skipped with a hint, the rest proceeds',
        tree: FILES,
        given: (s) => s.platformCreate('a:b.txt', 'X').platformCreate('ok.txt', 'O'),
        expect: ['skip a:b.txt invalid_character', 'upload ok.txt -> ok.txt'],
    },
    {
        name: 'invalid folder name skips its contents too',
        tree: FILES,
        given: (s) => s.platformCreate('bad|dir', null).platformCreate('bad|dir/in.txt', 'I'),
        expect: ['skip bad|dir invalid_character', 'skip bad|dir/in.txt parent_skipped'],
    },
    {
        name: 'reserved names and Office lock files',
        tree: FILES,
        given: (s) =>
            s
                .platformCreate('CON', 'x')
                .platformCreate('~$doc.docx', 'x')
                .platformCreate('d/desktop.ini', 'x')
                .platformCreate('trail.', 'x')
                .platformCreate('forms', null),
        expect: [
            'skip CON reserved_name',
            'skip ~$doc.docx office_lock_prefix',
            'skip d/desktop.ini reserved_name',
            'skip trail. trailing_dot',
            'skip forms root_forms_folder',
        ],
    },
    {
        name: 'platform rename to an invalid name: skipped, SharePoint keeps the old name',
        tree: FILES,
        given: (s) => s.platformMove('a.txt', 'a?.txt'),
        expect: ['skip a?.txt invalid_character'],
    },
    {
        name: 'case collision among new platform siblings: the second is skipped',
        tree: FILES,
        given: (s) => s.platformCreate('Report.txt', 'one').platformCreate('report.txt', 'two'),
        expect: ['upload Report.txt -> Report.txt', 'skip report.txt case_collision'],
    },
    {
        name: 'case collision with a synced sibling: the new one is skipped',
        tree: FILES,
        given: (s) => s.platformCreate('A.TXT', 'two'),
        expect: ['skip A.TXT case_collision'],
    },
    {
        name: 'path too long',
        tree: FILES,
        given: (s) => s.platformCreate(`${'x'.repeat(390)}.txt`, 'L'),
        options: { rootPathLength: 10 },
        expect: [`skip ${'x'.repeat(390)}.txt path_too_long`],
    },
    {
        name: 'conflict copy name already taken: a counter is added',
        tree: { ...FILES, 'a (conflict 2024-05-01 from Platform).txt': 'old copy' },
        given: (s) => s.platformEdit('a.txt', 'P').remoteEdit('a.txt', 'R'),
        expect: ['conflictKeepBoth a.txt loser=platform copy=a (conflict 2024-05-01 from Platform) (2).txt'],
    },
];

describe('planSync decision table', () => {
    it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
        const s = new Scenario(row.tree);
        row.given(s);
        const plan = s.plan(row.options);
        expect([...summary(plan)].sort()).toEqual([...row.expect].sort());
        assertWellFormed(plan);
    });
});

/** Every action carries a reason sentence, and every delete goes to the recycle bin / trash. */
function assertWellFormed(plan: Plan): void {
    for (const a of plan.actions) {
        expect(a.reason.code).toMatch(/^[a-z_]+$/);
        expect(a.reason.message.length).toBeGreaterThan(10);
        if (a.kind === 'deleteRemote' || a.kind === 'deletePlatform') expect(a.toRecycleBin).toBe(true);
    }
}
