import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { CONSOLE_BODY } from '../../lib/console/markup';
import { CONSOLE_SCRIPT } from '../../lib/console/script';
import { registeredFunctions } from '../openapi/registeredRoutes';
import { startServiceEnvironment, type ServiceEnvironment } from '../support/serviceEnvironment';

describe('GET /manage (the admin console page)', () => {
    let env: ServiceEnvironment;
    const logLines: string[] = [];
    beforeAll(async () => (env = await startServiceEnvironment({ functions: registeredFunctions(), logLines })));
    afterAll(() => env.stop());

    it('needs the function key', async () => {
        const res = await env.api('GET', '/manage', { key: false });
        expect(res.status).toBe(401);
    });

    it('is served with ?code= as one self-contained page, locked down by its CSP', async () => {
        const res = await env.api('GET', `/manage?code=${encodeURIComponent(env.host.functionKey)}`, { key: false });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        const csp = res.headers.get('content-security-policy')!;
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("connect-src 'self'");
        expect(csp).toContain(`'sha256-${createHash('sha256').update(CONSOLE_SCRIPT).digest('base64')}'`);
        // No CDN, no external script or stylesheet: it works offline.
        expect(res.text).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!localhost)[a-z]/i);
        // The key is neither echoed in the page nor written to the host log.
        expect(res.text).not.toContain(env.host.functionKey);
        expect(logLines.join('\n')).not.toContain(env.host.functionKey);
    });

    it('has a script that parses and keeps the key in sessionStorage, sent as x-functions-key', () => {
        expect(() => new Script(CONSOLE_SCRIPT)).not.toThrow();
        expect(CONSOLE_SCRIPT).toContain('sessionStorage.setItem(KEY_NAME, code)');
        expect(CONSOLE_SCRIPT).toContain("headers['x-functions-key'] = key");
        expect(CONSOLE_SCRIPT).toContain('history.replaceState');
        expect(CONSOLE_SCRIPT).not.toMatch(/console\.(log|info|debug)|innerHTML/);
    });

    it('labels every field and names every section', () => {
        const ids = [...CONSOLE_BODY.matchAll(/<(?:input|select)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
        expect(ids.length).toBeGreaterThan(10);
        for (const id of ids)
            expect({ id, labelled: CONSOLE_BODY.includes(`for="${id}"`) }).toEqual({ id, labelled: true });
        for (const section of ['setup', 'drives', 'runs', 'credentials', 'alerts', 'properties']) {
            expect(CONSOLE_BODY).toContain(`<section id="${section}" aria-labelledby="${section}-h">`);
            expect(CONSOLE_BODY).toContain(`href="#${section}"`);
        }
    });
});
