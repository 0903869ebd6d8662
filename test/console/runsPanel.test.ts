import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { HttpResponseInit } from '@azure/functions';
import type { Browser, Page } from 'playwright-core';
import { http, type HttpDefinition } from '../../functions/definition';
import type { RunOutcome } from '../../lib/sync/engine/runQueries';
import type { TransferView } from '../../lib/transfer/transferList';
import { registeredFunctions } from '../openapi/registeredRoutes';
import { startConnectedService, type ConnectedService } from '../support/connectedService';
import { describeWithBrowser } from './chromium';

const SHOTS = path.join(__dirname, '../../test-results/console');

/**
 * The Runs panel against stand-in routes (sync, runs, run detail, transfers, held-delete approval) that answer
 * with the shared contracts' shapes (lib/sync/contracts.ts), so the panel is exercised before the
 * real routes land. Listed first, they win over real routes with the same template.
 */
const outcomes: RunOutcome[] = [
    { path: 'Policies/Travel.docx', action: 'upload', status: 'ok', code: 'uploaded', message: 'Uploaded.' },
    {
        path: 'Reports/Q3:final.xlsx',
        action: 'skip',
        status: 'skipped',
        code: 'invalid_character',
        message: 'The name contains ":", which SharePoint does not allow.',
        hint: 'Rename the file without : * ? " < > |.',
    },
    {
        path: 'Archive/old.pdf',
        action: 'holdDelete',
        status: 'held',
        code: 'big_delete',
        message: 'Held: this run would delete 80 of 100 items on SharePoint.',
    },
    {
        path: 'Q1/report.docx',
        action: 'upload',
        status: 'queued',
        code: 'platform_only',
        message: 'New on the platform.',
        transferId: 'run-1.a2',
        transfer: {
            transferId: 'run-1.a2',
            state: 'done',
            notes: [{ code: 'modified_by_sharepoint', message: 'SharePoint rewrote the file after upload.' }],
        },
    },
];
const transfer: TransferView = {
    transferId: 't1',
    runId: 'run-1',
    direction: 'upload',
    path: 'Media/launch.mp4',
    state: 'active',
    bytesDone: 50 * 1024 * 1024,
    bytesTotal: 200 * 1024 * 1024,
    attempts: 1,
    updatedAt: new Date().toISOString(),
};
let approved = false;
/** A run record as the run history lists it: `outcomes` there is a count per status. */
const run = () => ({
    runId: 'run-1',
    trigger: 'manual',
    status: approved ? 'succeeded' : 'held',
    queuedAt: new Date().toISOString(),
    startedAt: new Date().toISOString(),
    counts: { upload: 1, skip: 1 },
    outcomes: { ok: 1, skipped: 1, held: 1 },
    heldDeletes: { remote: 80, platform: 0 },
    ...(approved ? { deleteDecision: 'approved' } : {}),
});
const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body });
const stubs: HttpDefinition[] = [
    http('consoleStubSync', {
        route: 'api/drives/{driveId}/sync',
        methods: ['POST'],
        authLevel: 'function',
        handler: async () => json(202, { runId: 'run-1' }),
    }),
    http('consoleStubRuns', {
        route: 'api/drives/{driveId}/runs',
        methods: ['GET'],
        authLevel: 'function',
        handler: async () => json(200, { value: [run()] }),
    }),
    http('consoleStubRun', {
        route: 'api/drives/{driveId}/runs/{runId}',
        methods: ['GET'],
        authLevel: 'function',
        handler: async () => json(200, { run: run(), outcomes, total: outcomes.length }),
    }),
    http('consoleStubTransfers', {
        route: 'api/drives/{driveId}/transfers',
        methods: ['GET'],
        authLevel: 'function',
        handler: async () => json(200, { value: [transfer] }),
    }),
    http('consoleStubApprove', {
        route: 'api/drives/{driveId}/deletes/approve',
        methods: ['POST'],
        authLevel: 'function',
        handler: async () => {
            approved = true;
            return json(200, { approved: true });
        },
    }),
];

describeWithBrowser('admin console Runs panel', (launch) => {
    let svc: ConnectedService;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
        mkdirSync(SHOTS, { recursive: true });
        [svc, browser] = await Promise.all([
            startConnectedService({ functions: [...stubs, ...registeredFunctions()] }),
            launch(),
        ]);
        await svc.configure();
        await svc.connectDrive(
            { name: 'Adele OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        );
        page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(`${svc.env.host.url}/manage?code=${encodeURIComponent(svc.env.host.functionKey)}`);
        await page.locator('body[data-ready=true]').waitFor();
    });
    afterAll(async () => {
        await browser?.close();
        await svc?.stop();
    });

    it("Sync now shows the run with its per-item outcomes and a transfer's bytes done of total", async () => {
        const card = page.locator('article.card', { hasText: 'Adele OneDrive' });
        await card.getByRole('button', { name: 'Sync now' }).click();
        await card.getByText('Sync started (run run-1).').waitFor();
        const run = page.locator('#run-list [data-run-id="run-1"]');
        await run.locator('tr[data-outcome-status=skipped]').waitFor();
        await expect(run.locator('tbody tr').count()).resolves.toBe(4);
        // A queued copy shows how its transfer ended, with what SharePoint did on the way.
        await expect(
            run.locator('tr[data-outcome-status=queued] [data-field=transfer-state]').textContent(),
        ).resolves.toBe('Copy: done. SharePoint rewrote the file after upload.');
        await expect(page.locator('#transfers').textContent()).resolves.toContain('50.0 MB of 200.0 MB');
        await expect(page.locator('#transfers progress').getAttribute('value')).resolves.toBe(
            String(transfer.bytesDone),
        );
    });

    it('filters outcomes and answers "why didn\'t X sync?"', async () => {
        await page.getByLabel('Outcome').selectOption('skipped');
        await expect(page.locator('#run-list tbody tr').count()).resolves.toBe(1);
        await page.getByLabel("Why didn't this file sync?").fill('q3');
        await expect(page.locator('#why-result').textContent()).resolves.toMatch(
            /Reports\/Q3:final\.xlsx.*SharePoint does not allow.*Rename the file/,
        );
        await page.locator('#runs').screenshot({ path: path.join(SHOTS, '6-runs-outcomes.png') });
        await page.getByLabel('Outcome').selectOption('');
    });

    it('approves held deletes', async () => {
        await page.getByRole('button', { name: 'Approve deletes' }).click();
        await page.locator('#runs-status', { hasText: 'Approved: the deletes will be applied.' }).waitFor();
        expect(approved).toBe(true);
        await page.locator('#run-list [data-run-id="run-1"] .badge.succeeded').waitFor();
    });
});
