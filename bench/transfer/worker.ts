import { getServices } from '../../lib/runtime/services';
import type { TransferMessage } from '../../lib/sync/contracts';
import { runTransfer } from '../../lib/transfer/runTransfer';
import { rawDownload, rawUpload } from './rawCopy';

/**
 * One measured run in a fresh process (so its RSS is the pipeline's alone, not the simulator's or
 * Azurite's): `pipeline` runs the real transfer; `raw` the minimal copy loop. Prints one JSON line.
 */
interface Job {
    mode: 'pipeline' | 'raw';
    message: TransferMessage;
    fragmentBytes: number;
}

async function main(): Promise<void> {
    const job = JSON.parse(process.argv[2]!) as Job;
    const services = await getServices();
    const quiet = {
        info: () => undefined,
        warn: () => undefined,
        error: (m: string, p?: unknown) => console.error(m, JSON.stringify(p)),
    };
    // Warm the clients (token cache, tables) outside the measured window, as a warm instance would be.
    await services.tables.get('transfers');
    let peakRss = process.memoryUsage.rss();
    const baseRss = peakRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
    const started = process.hrtime.bigint();
    if (job.mode === 'pipeline') {
        const outcome = await runTransfer(
            services,
            job.message,
            { messageId: 'bench', dequeueCount: 1, invocationId: 'bench' },
            quiet,
            { budgetMs: 3_600_000, fragmentBytes: job.fragmentBytes },
        );
        if (outcome !== 'succeeded') throw new Error(`pipeline ended ${outcome}`);
    } else if (job.message.direction === 'upload') {
        await rawUpload(services, job.message, job.fragmentBytes);
    } else {
        await rawDownload(services, job.message, job.fragmentBytes);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    console.log(
        JSON.stringify({
            seconds,
            peakRssMiB: +(peakRss / 2 ** 20).toFixed(1),
            baseRssMiB: +(baseRss / 2 ** 20).toFixed(1),
        }),
    );
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
