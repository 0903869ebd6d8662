import {
    platformFromBaseline,
    platformScanReason,
    type PlatformScanInput,
} from '../../../lib/sync/engine/platformSide';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const input = (over: Partial<PlatformScanInput> = {}): PlatformScanInput => ({
    firstSync: false,
    resync: false,
    trigger: 'timer',
    mark: undefined,
    lastScanAt: at(10),
    lastScanMarkId: 'm1',
    scanMinutes: 60,
    now: NOW,
    ...over,
});

describe('platformScanReason', () => {
    it('trusts the baseline when nothing was written through the API since the last listing', () => {
        expect(platformScanReason(input())).toBeUndefined();
        expect(
            platformScanReason(input({ trigger: 'webhook', mark: { changedAt: at(30), id: 'm1' } })),
        ).toBeUndefined();
    });

    it('lists after a write through the API: any mark other than the one the last listing covered, whatever the clocks say', () => {
        expect(platformScanReason(input({ mark: { changedAt: at(5), id: 'm2' } }))).toBe('platform_changed');
        expect(platformScanReason(input({ mark: { changedAt: at(30), id: 'm2' } }))).toBe('platform_changed');
        expect(platformScanReason(input({ mark: { changedAt: at(5), id: 'm2' }, lastScanMarkId: undefined }))).toBe(
            'platform_changed',
        );
    });

    it('lists on a first sync, a resync, Sync now, the sweep, when due, and when it never listed', () => {
        expect(platformScanReason(input({ firstSync: true }))).toBe('first_sync');
        expect(platformScanReason(input({ resync: true }))).toBe('resync');
        expect(platformScanReason(input({ trigger: 'manual' }))).toBe('manual');
        expect(platformScanReason(input({ trigger: 'sweep' }))).toBe('sweep');
        expect(platformScanReason(input({ lastScanAt: at(60) }))).toBe('scan_due');
        expect(platformScanReason(input({ scanMinutes: 0 }))).toBe('scan_due');
        expect(platformScanReason(input({ lastScanAt: undefined }))).toBe('scan_due');
    });
});

describe('platformFromBaseline', () => {
    it('gives the platform half of each baseline row as a listing would', () => {
        const entries = platformFromBaseline([
            { remoteId: 'F', platformPath: 'docs', isFolder: true, remoteETag: 'e1', remoteSize: 0, platformSize: 0 },
            {
                remoteId: 'A',
                platformPath: 'docs/a.txt',
                isFolder: false,
                remoteETag: 'e2',
                remoteSize: 3,
                platformETag: '"0x1"',
                platformHash: 'h',
                platformSize: 3,
            },
        ]);
        expect(entries).toEqual([
            { path: 'docs', isFolder: true, size: 0, lastModified: '' },
            { path: 'docs/a.txt', isFolder: false, size: 3, lastModified: '', blobETag: '"0x1"', contentHash: 'h' },
        ]);
    });
});
