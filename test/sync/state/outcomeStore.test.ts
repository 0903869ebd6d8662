import type { Services } from '../../../lib/runtime/services';
import type { ItemOutcome } from '../../../lib/sync/contracts';
import { OutcomeWriter, queryOutcomes } from '../../../lib/sync/runs';
import { storageServices } from './storageServices';

/** The run outcome store: written in pieces, read back in order and by page, and a retried run's own. */
const outcome = (i: number, status: ItemOutcome['status'] = 'queued'): ItemOutcome => ({
    path: `docs/${String(i).padStart(5, '0')}-${'x'.repeat(200)}.txt`,
    action: 'download',
    status,
    code: 'created_on_remote',
    message: 'Created on SharePoint; copying it to the platform.',
});

describe('run outcomes', () => {
    let services: Services;
    beforeAll(async () => (services = await storageServices()));

    it('keeps the order of several writes across packed rows, and pages and filters over them', async () => {
        const writer = new OutcomeWriter(services, 'drv_out', 'run_a');
        const all = Array.from({ length: 3000 }, (_, i) => outcome(i, i % 10 === 0 ? 'failed' : 'queued'));
        await writer.write(all.slice(0, 1700));
        await writer.write(all.slice(1700));
        expect(writer.counts).toEqual({ queued: 2700, failed: 300 });
        const page = await queryOutcomes(services, 'drv_out', 'run_a', { limit: 5, offset: 1698 });
        expect(page).toEqual({ total: 3000, outcomes: all.slice(1698, 1703) });
        const failed = await queryOutcomes(services, 'drv_out', 'run_a', { status: 'failed', limit: 2, offset: 200 });
        expect(failed).toEqual({ total: 300, outcomes: [all[2000], all[2010]] });
    });

    it('a run written again (a redelivery after a crash) shows only its latest attempt', async () => {
        const first = new OutcomeWriter(services, 'drv_out', 'run_b');
        await first.write(Array.from({ length: 3000 }, (_, i) => outcome(i)));
        const again = new OutcomeWriter(services, 'drv_out', 'run_b');
        await again.write([outcome(7, 'ok')]);
        expect(await queryOutcomes(services, 'drv_out', 'run_b', { limit: 10, offset: 0 })).toEqual({
            total: 1,
            outcomes: [outcome(7, 'ok')],
        });
    });
});
