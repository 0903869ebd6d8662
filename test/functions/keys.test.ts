import { createHash } from 'node:crypto';
import { isManagementRoute } from '../../functions/definition';
import { functions as registry } from '../../functions/registry';
import { listAudit } from '../../lib/audit/audit';
import { getServices } from '../../lib/runtime/services';
import { startServiceEnvironment, ServiceEnvironment } from '../support/serviceEnvironment';

/**
 * Management and platform routes take different keys (README "Security"): management routes are
 * authLevel admin (Azure opens them with the master key only), platform routes authLevel function
 * (the platform's named host key, or the master key), and the audit trail says which key acted.
 */
describe('the two keys', () => {
    it('every management route is admin-level, every other keyed route function-level', () => {
        const levels = registry.flatMap((f) =>
            f.kind === 'http' ? [{ route: f.options.route, level: f.options.authLevel ?? 'anonymous' }] : [],
        );
        const management = levels.filter((r) => isManagementRoute(r.route));
        expect(management.map((r) => r.route)).toEqual(
            expect.arrayContaining(['manage', 'api/manage/integration', 'api/manage/integration/credentials']),
        );
        for (const r of management) expect(r).toEqual({ route: r.route, level: 'admin' });
        for (const r of levels.filter((l) => !isManagementRoute(l.route)))
            expect({ route: r.route, admin: r.level === 'admin' }).toEqual({ route: r.route, admin: false });
        expect(
            levels
                .filter((r) => r.level === 'anonymous')
                .map((r) => r.route)
                .sort(),
        ).toEqual(['api/graph/notifications', 'api/health', 'oauth2/sharepoint/callback', 'oauth2/sharepoint/connect']);
    });

    describe('through the local host', () => {
        let env: ServiceEnvironment;
        beforeAll(async () => (env = await startServiceEnvironment()));
        afterAll(() => env.stop());

        // A platform whose key leaks can sync and browse; it cannot replace the integration or purge tokens.
        it.each([
            ['GET', '/api/manage/integration'],
            ['DELETE', '/api/manage/integration'],
            ['PATCH', '/api/manage/properties'],
            ['POST', '/api/manage/integration/credentials'],
            ['GET', '/manage'],
        ])('refuses the platform key on %s %s', async (method, route) => {
            const body = method === 'GET' ? undefined : {};
            const res = await env.api(method, route, { key: env.host.platformKey, body });
            // Refused by the host itself: a bare 401, as Azure's host answers (m365-quirks.md 13).
            expect(res.status).toBe(401);
            expect(res.text).toBe('');
        });

        it('records in the audit trail which key acted', async () => {
            const res = await env.api('PATCH', '/api/manage/properties', {
                body: { SyncIntervalMinutes: 45 },
                headers: { 'x-platform-user': 'admin@contoso.com' },
            });
            expect(res.status).toBe(200);
            const services = await getServices();
            const month = new Date().toISOString().slice(0, 7);
            const [entry] = await listAudit(await services.tables.get('audit'), month, 1);
            const fingerprint = createHash('sha256').update(env.host.functionKey).digest('hex').slice(0, 16);
            expect(entry).toMatchObject({
                actor: 'admin@contoso.com',
                action: 'properties.update',
                key: `master key sha256:${fingerprint}`,
            });
        });
    });
});
