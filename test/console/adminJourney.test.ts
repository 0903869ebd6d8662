import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registeredFunctions, registeredOperations } from '../openapi/registeredRoutes';
import { startConnectedService, type ConnectedService } from '../support/connectedService';
import { describeWithBrowser } from './chromium';

const SHOTS = path.join(__dirname, '../../test-results/console');
const has = (operation: string) => registeredOperations().has(operation);

/**
 * The setup journey of test/journeys/setupJourney.test.ts, done by a person in the admin console:
 * a real Chromium against the local host and the Microsoft 365 simulator's sign-in page.
 */
describeWithBrowser('admin console journey in a browser', (launch) => {
    let svc: ConnectedService;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
    const checkpoint = (id: string) => page.locator(`#checkpoints li[data-checkpoint="${id}"]`);

    beforeAll(async () => {
        mkdirSync(SHOTS, { recursive: true });
        [svc, browser] = await Promise.all([startConnectedService({ functions: registeredFunctions() }), launch()]);
        context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
        // The service believes it lives at PUBLIC_BASE_URL (its redirect URI is registered there); the
        // local host listens on a random port: requests to the public origin go to the host.
        const publicOrigin = new URL(svc.env.settings.PUBLIC_BASE_URL!).origin;
        // Fetched and fulfilled (not continued to another URL), so the browser files the service's cookies
        // (the sign-in's binding cookie) under the public origin, where the callback will send them.
        await context.route(
            (url) => url.origin === publicOrigin,
            async (route) => {
                const url = new URL(route.request().url());
                const response = await route.fetch({
                    url: `${svc.env.host.url}${url.pathname}${url.search}`,
                    headers: await route.request().allHeaders(),
                    maxRedirects: 0,
                });
                return route.fulfill({ response });
            },
        );
        page = await context.newPage();
    });
    afterAll(async () => {
        await browser?.close();
        await svc?.stop();
    });

    it('opens with ?code=, keeps the key out of the address bar and shows every section', async () => {
        await page.goto(`${svc.env.host.url}/manage?code=${encodeURIComponent(svc.env.host.functionKey)}`);
        await page.locator('body[data-ready=true]').waitFor();
        expect(page.url()).toBe(`${svc.env.host.url}/manage`);
        for (const name of ['Setup', 'Drives', 'Runs', 'Credentials', 'Alerts', 'Properties']) {
            await expect(page.getByRole('heading', { level: 2, name }).isVisible()).resolves.toBe(true);
        }
        await expect(page.locator('#integration-result').textContent()).resolves.toBe('Not configured yet.');
        if (!has('GET /api/manage/alerts'))
            await expect(page.locator('#alerts-unavailable').textContent()).resolves.toMatch(/not available/);
        if (!has('GET /api/drives/{driveId}/runs'))
            await expect(page.locator('#runs-unavailable').textContent()).resolves.toMatch(/not available/);
        // Keyboard: the first Tab reaches the skip link, which moves to Setup.
        await page.keyboard.press('Tab');
        await expect(page.evaluate<string | undefined>('document.activeElement?.textContent')).resolves.toBe(
            'Skip to setup',
        );
    });

    it("shows the API's field error beside the field when the secret ID is pasted instead of its value", async () => {
        const demo = svc.sim.demo;
        await page.getByLabel('Directory (tenant) ID').fill(demo.tenantId);
        await page.getByLabel('Application (client) ID').fill(demo.clientId);
        await page.getByLabel('Client secret value', { exact: true }).fill('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
        await page.getByLabel('Secret expires on').fill(demo.clientSecretExpiresOn.slice(0, 10));
        await page.getByRole('button', { name: 'Save settings' }).click();
        await page.locator('#e-clientSecret:not(:empty)').waitFor();
        await expect(page.locator('#e-clientSecret').textContent()).resolves.toMatch(
            /secret's ID \(a GUID\), not its value/,
        );
        await expect(
            page.getByLabel('Client secret value', { exact: true }).getAttribute('aria-invalid'),
        ).resolves.toBe('true');
        await expect(page.evaluate<string | undefined>('document.activeElement?.id')).resolves.toBe('f-clientSecret');
        await shot('1-setup-field-error.png');
    });

    it('saves the fixed settings and the checkpoints go green (consent and drives pending)', async () => {
        await page.getByLabel('Client secret value', { exact: true }).fill(svc.sim.demo.clientSecret);
        await page.getByRole('button', { name: 'Save settings' }).click();
        await checkpoint('client_secret').and(page.locator('[data-status=pass]')).waitFor();
        for (const id of ['tenant', 'application', 'redirect_uri', 'client_secret', 'key_vault']) {
            await expect(checkpoint(id).getAttribute('data-status')).resolves.toBe('pass');
        }
        await expect(checkpoint('consent').getAttribute('data-status')).resolves.toBe('pending');
        await expect(page.locator('#e-clientSecret').textContent()).resolves.toBe('');
        // The Credentials section follows the first save (it said "not configured" before).
        await page.locator('#credential-list').getByText('active').waitFor();
        await shot('2-setup-checkpoints.png');
    });

    it('adds a SharePoint drive, signs in on the sign-in page it opens, and picks the library', async () => {
        await page.getByLabel('Drive name').fill('Intranet documents');
        await page.getByLabel('Type', { exact: true }).selectOption('sharepoint');
        const [popup] = await Promise.all([
            context.waitForEvent('page'),
            page.getByRole('button', { name: 'Add drive and sign in' }).click(),
        ]);
        await popup.locator(`input[name=login][value="${svc.sim.demo.users.megan.userPrincipalName}"]`).check();
        await popup.getByRole('button', { name: 'Accept' }).click();
        await popup.getByRole('heading', { name: 'Connected' }).waitFor();
        await popup.close();

        const card = page.locator('article.card', { hasText: 'Intranet documents' });
        await card.locator('.badge.needs_library').waitFor();
        await page.getByLabel('Search SharePoint sites').fill('Intranet');
        await page.getByRole('button', { name: 'Search sites' }).click();
        await card.getByRole('list', { name: 'Sites' }).getByRole('button').first().click();
        await card.getByRole('button', { name: 'Use Documents' }).click();
        await card.locator('.badge.connected').waitFor();
        await expect(card.textContent()).resolves.toContain('MeganB@');
        await checkpoint('consent').and(page.locator('[data-status=pass]')).waitFor();
        await checkpoint('drives').and(page.locator('[data-status=pass]')).waitFor();
        await shot('3-drives-connected.png');
    });

    it("presses Sync now and shows the run's outcomes (or says the route is not there yet)", async () => {
        const card = page.locator('article.card', { hasText: 'Intranet documents' });
        await card.getByRole('button', { name: 'Sync now' }).click();
        const message = card.locator('[data-drive-message]');
        if (!has('POST /api/drives/{driveId}/sync')) {
            await expect(message.filter({ hasText: 'not available' }).waitFor()).resolves.toBeUndefined();
            return;
        }
        await message.filter({ hasText: /Sync started/ }).waitFor();
        if (!has('GET /api/drives/{driveId}/runs')) {
            await page.locator('#runs-unavailable:not([hidden])').waitFor();
            return;
        }
        await page.locator('#run-list [data-run-id]').first().waitFor();
        const held = page.getByRole('button', { name: 'Approve deletes' });
        if ((await held.count()) > 0) {
            await held.first().click();
            await page.getByText(/Approved: the deletes will be applied|not available/).waitFor();
        }
        await page.locator('#runs').scrollIntoViewIfNeeded();
        await shot('4-runs.png');
    });

    it('edits a property through the form', async () => {
        await page.getByLabel('EnableDownloadExternalFile').check();
        await page.getByRole('button', { name: 'Save properties' }).click();
        await page.locator('#properties-result', { hasText: 'Saved: EnableDownloadExternalFile.' }).waitFor();
        await expect(svc.env.api('GET', '/api/manage/properties').then((r) => r.body)).resolves.toMatchObject({
            EnableDownloadExternalFile: true,
        });
    });

    it('stays readable at 390px wide (no sideways scrolling)', async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.evaluate('window.scrollTo(0, 0)');
        await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
        await shot('5-console-390px.png');
    });
});
