import { TableClient, type TransactionAction } from '@azure/data-tables';
import { startAzurite } from '../../dev/azurite/azurite';

/**
 * Why a drive's baseline is spread over partitions (lib/sync/state/baselineLayout.ts): Azurite's table
 * writes, in batches of 100 as the engine writes, timed per 5,000 entities, all in one partition (as
 * a drive's baseline was before: PartitionKey = drive id) and spread over `partitions` (16: a drive's
 * buckets today). Azurite (3.35, LokiJS) finds each entity it writes by PartitionKey first and then
 * scans that partition for the RowKey, so one growing partition costs O(n) per write and O(n²) in
 * all; spread, a write costs the size of its partition.
 *
 * Usage: node dist/bench/sync/tableWrites.js [entities=20000] [partitions=1,16,50]
 */
async function main(): Promise<void> {
    const entities = Number(process.argv[2] ?? 20_000);
    const spreads = (process.argv[3] ?? '1,16,50').split(',').map(Number);
    const azurite = await startAzurite();
    const results: Record<string, number[]> = {};
    try {
        for (const partitions of spreads) {
            const table = TableClient.fromConnectionString(azurite.connectionString, `writes${partitions}`, {
                allowInsecureConnection: true,
            });
            await table.createTable();
            const per5000: number[] = [];
            let last = performance.now();
            for (let at = 0; at < entities; at += 100) {
                const partitionKey = `p${(at / 100) % partitions}`;
                const batch: TransactionAction[] = [];
                for (let i = at; i < at + 100; i++)
                    batch.push([
                        'upsert',
                        { partitionKey, rowKey: `r${String(i).padStart(9, '0')}`, a: 'x'.repeat(200) },
                    ]);
                await table.submitTransaction(batch);
                if ((at + 100) % 5000 === 0) {
                    per5000.push(Math.round(performance.now() - last));
                    last = performance.now();
                }
            }
            results[`${partitions} partition(s): ms per 5,000 entities`] = per5000;
            process.stderr.write(`${partitions}: ${per5000.join(' ')}\n`);
        }
    } finally {
        await azurite.stop();
    }
    process.stdout.write(`${JSON.stringify({ bench: 'azurite table writes', entities, results })}\n`);
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
