import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BlockBlobClient } from '@azure/storage-blob';
import type { Browser, Page } from 'playwright-core';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { DriveSyncStatus } from '../../lib/sync/engine/driveSyncStatus';
import { registeredFunctions } from '../openapi/registeredRoutes';
import { startConnectedService, type ConnectedService } from '../support/connectedService';
import { describeWithBrowser } from './chromium';

const SHOTS = path.join(__dirname, '../../test-results/console');
/** The smallest fragment Graph accepts (320 KiB): a 6 MiB file takes 20 of them. */
const FRAGMENT = 320 * 1024;
const BIG = 6 * 1024 * 1024;

/**
 * The console against the real routes, sync queue and transfer queue: a first sync's counter reaches
 * its total, the drive card then shows its last and next sync, and a multi-fragment upload's progress
 * bar moves (SharePoint throttles two of its fragments for 2 s, as Graph does under load).
 */
describeWithBrowser("admin console: a drive's sync state and live transfers", (launch) => {
    let svc: ConnectedService;
    let browser: Browser;
    let page: Page;
    let drive: DriveRecord;

    beforeAll(async () => {
        mkdirSync(SHOTS, { recursive: true });
        [svc, browser] = await Promise.all([
            startConnectedService({
                functions: registeredFunctions(),
                settings: { TRANSFER_FRAGMENT_BYTES: String(FRAGMENT) },
            }),
            launch(),
        ]);
        await svc.configure();
        drive = (
            await svc.connectDrive(
                { name: 'Adele OneDrive', kind: 'onedrive' },
                svc.sim.demo.users.adele.userPrincipalName,
            )
        ).drive;
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${svc.env.host.url}/manage?code=${encodeURIComponent(svc.env.host.functionKey)}`);
        await page.locator('body[data-ready=true]').waitFor();
    }, 120_000);
    afterAll(async () => {
        await browser?.close();
        await svc?.stop();
    });

    const card = () => page.locator('article.card', { hasText: 'Adele OneDrive' });
    const localTime = (iso: string) => page.evaluate((at) => new Date(at).toLocaleString(), iso);

    it('a first sync counts files done up to files planned; the card then shows the last and next sync', async () => {
        await expect(card().locator('[data-field=last-sync]').textContent()).resolves.toBe('—');
        await card().getByRole('button', { name: 'Sync now' }).click();
        const progress = page.locator('#run-progress');
        await progress.waitFor({ timeout: 30_000 });
        await page.locator('#run-progress[data-done="20"][data-planned="20"]').waitFor({ timeout: 60_000 });
        await expect(progress.textContent()).resolves.toContain('First sync: 20 of 20 files done');
        await expect(progress.locator('progress').getAttribute('value')).resolves.toBe('20');

        await card().locator('[data-field=last-outcome] .badge.succeeded').waitFor({ timeout: 30_000 });
        const { sync } = (await svc.env.api('GET', `/api/drives/${drive.id}`)).body as { sync: DriveSyncStatus };
        const last = await card().locator('[data-field=last-sync]').textContent();
        expect(last).toContain(await localTime(sync.lastRun!.at));
        expect(last).toContain('manual');
        expect(last).toContain('queued 20');
        const next = await card().locator('[data-field=next-sync]').textContent();
        expect(next).toContain(await localTime(sync.nextRunAt!));
        expect(next).toContain('every 15 min');
        await page.locator('#drives').screenshot({ path: path.join(SHOTS, '7-drive-last-next-sync.png') });
    }, 120_000);

    it("a multi-fragment upload's progress bar advances while it uploads", async () => {
        const content = randomBytes(BIG);
        const slot = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'Media/launch.bin', size: content.length, contentType: 'application/octet-stream' },
        });
        expect(slot.status).toBe(201);
        const { uploadUrl, completeUrl } = slot.body as { uploadUrl: string; completeUrl: string };
        await new BlockBlobClient(uploadUrl).upload(content, content.length);
        expect((await svc.env.api('POST', completeUrl, { body: { path: 'Media/launch.bin' } })).status).toBe(200);
        // Throttled twice on the way (the 5th and the 10th fragment PUT), so the upload takes a few seconds.
        svc.sim.graph.resetCounters();
        for (const skip of [4, 8])
            svc.sim.graph.addFault({
                kind: 'throttle',
                method: 'PUT',
                path: '/uploadSession',
                skip,
                count: 1,
                retryAfterSeconds: 2,
            });

        await card().getByRole('button', { name: 'Sync now' }).click();
        const bar = page.locator('#transfers li[data-direction=upload] progress');
        await bar.waitFor({ timeout: 30_000 });
        const seen: number[] = [];
        const deadline = Date.now() + 90_000;
        for (;;) {
            const state = await page.locator('#transfers li[data-direction=upload]').getAttribute('data-state');
            const value = Number(await bar.getAttribute('value'));
            if (seen[seen.length - 1] !== value) seen.push(value);
            if (value > 0 && value < BIG && seen.length === 3)
                await page.locator('#runs').screenshot({ path: path.join(SHOTS, '8-transfer-progress.png') });
            if (state === 'done') break;
            if (Date.now() > deadline) throw new Error(`upload did not finish; bar values ${seen.join(', ')}`);
            await page.waitForTimeout(150);
        }
        expect(Number(await bar.getAttribute('max'))).toBe(BIG);
        const between = seen.filter((v) => v > 0 && v < BIG);
        expect(between.length).toBeGreaterThanOrEqual(2);
        expect([...seen].sort((a, b) => a - b)).toEqual(seen);
        expect(seen[seen.length - 1]).toBe(BIG);
        // Each value is a fragment boundary: progress is recorded per fragment, not per byte.
        for (const v of between) expect(v % FRAGMENT).toBe(0);
        expect(svc.sim.graph.counters()).toMatchObject({ throttled: 2, rethrottleViolations: 0 });
        const item = svc.sim.graph.listTree(drive.graph!.driveId).find((i) => i.path === '/Media/launch.bin');
        expect(item?.size).toBe(BIG);
    }, 150_000);
});
