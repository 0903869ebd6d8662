import { getServices } from '../../lib/runtime/services';
import { DEFAULT_POLICY } from '../../lib/notifications/policy';
import {
    markSyncRequestsServed,
    requestSync,
    resetSyncRequestCacheForTests,
} from '../../lib/notifications/syncRequests';
import { startServiceEnvironment, type ServiceEnvironment } from '../support/serviceEnvironment';

/** One waiting message per drive; a run that starts serves it; an idle drive reacts within the debounce. */
describe('webhook sync debounce', () => {
    let env: ServiceEnvironment;
    beforeAll(async () => (env = await startServiceEnvironment({ functions: [] })));
    afterAll(() => env.stop());
    beforeEach(() => resetSyncRequestCacheForTests());

    const target = (driveId: string) => ({ integrationId: 'default', driveId });

    it('coalesces every notification while a sent message waits for a run, even after it became visible', async () => {
        const services = await getServices();
        const first = await requestSync(services, target('drv_a'), DEFAULT_POLICY);
        expect(first.outcome).toBe('enqueued');
        expect(first.dueAt - Date.now()).toBeLessThanOrEqual(DEFAULT_POLICY.debounceSeconds * 1000);
        const policyWithoutWait = { ...DEFAULT_POLICY, debounceSeconds: 0 };
        resetSyncRequestCacheForTests();
        await new Promise((r) => setTimeout(r, 10));
        expect((await requestSync(services, target('drv_a'), policyWithoutWait)).outcome).toBe('coalesced');
    });

    it('sends a new message once a run has started, no sooner than the minimum gap after that start', async () => {
        const services = await getServices();
        const immediate = { ...DEFAULT_POLICY, debounceSeconds: 0 };
        expect((await requestSync(services, target('drv_b'), immediate)).outcome).toBe('enqueued');
        await new Promise((r) => setTimeout(r, 10)); // the message is visible; a run picks it up
        const runStart = Date.now();
        await markSyncRequestsServed(services, 'drv_b', runStart);
        const next = await requestSync(services, target('drv_b'), immediate);
        expect(next.outcome).toBe('enqueued');
        expect(next.dueAt).toBeGreaterThanOrEqual(runStart + DEFAULT_POLICY.minGapSeconds * 1000);
    });

    it('replaces a message no run picked up within the grace period (presumed lost)', async () => {
        const services = await getServices();
        const quick = { ...DEFAULT_POLICY, debounceSeconds: 0, pendingGraceSeconds: 0 };
        expect((await requestSync(services, target('drv_c'), quick)).outcome).toBe('enqueued');
        resetSyncRequestCacheForTests();
        await new Promise((r) => setTimeout(r, 20));
        expect((await requestSync(services, target('drv_c'), quick)).outcome).toBe('enqueued');
    });
});
