import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * Headless Chromium through playwright-core (no browser download: the system's /usr/bin/chromium).
 * Missing pieces skip the browser tests locally with a message; under CI=true they fail.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
];

export type BrowserAvailability = { ok: true; launch: () => Promise<Browser> } | { ok: false; reason: string };

export function browserAvailability(): BrowserAvailability {
    let playwright: typeof import('playwright-core');
    try {
        playwright = require('playwright-core') as typeof import('playwright-core');
    } catch {
        return { ok: false, reason: 'playwright-core is not installed (npm i -D playwright-core)' };
    }
    if (!existsSync(CHROMIUM_PATH))
        return {
            ok: false,
            reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
        };
    return {
        ok: true,
        launch: () => playwright.chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS }),
    };
}

/** `describe` when the browser can run; otherwise a skipped suite (or, under CI, a failing one). */
export function describeWithBrowser(name: string, body: (launch: () => Promise<Browser>) => void): void {
    const availability = browserAvailability();
    if (availability.ok) {
        describe(name, () => body(availability.launch));
        return;
    }
    if (process.env.CI) {
        describe(name, () => {
            it('needs playwright-core and Chromium on CI', () => {
                throw new Error(`Cannot run the browser tests: ${availability.reason}.`);
            });
        });
        return;
    }
    console.warn(`Skipping "${name}": ${availability.reason}.`);
    describe.skip(name, () => body(availability as never));
}
