/**
 * With APPLICATIONINSIGHTS_CONNECTION_STRING set but the OpenTelemetry packages not installed (as in
 * this repository today), the service says so once (a process warning, with the reason kept) and keeps
 * recording in memory: nothing is lost and
 * nothing throws on the hot path.
 */
type Telemetry = typeof import('../../lib/telemetry/telemetry');

it('says once why nothing is exported and keeps telemetry in memory when the exporter packages are missing', async () => {
    const saved = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = 'InstrumentationKey=00000000-0000-0000-0000-000000000000';
    try {
        let telemetry!: Telemetry;
        jest.isolateModules(() => {
            telemetry = require('../../lib/telemetry/telemetry') as Telemetry;
        });
        telemetry.recordMetric('sync.runs', 1, { outcome: 'succeeded', trigger: 'manual' });
        for (let i = 0; i < 100 && telemetry.telemetryExporter().state === 'loading'; i++)
            await new Promise((r) => setTimeout(r, 20));
        telemetry.recordMetric('sync.runs', 1, { outcome: 'succeeded', trigger: 'manual' });
        await new Promise((r) => setTimeout(r, 100));
        expect(telemetry.telemetryExporter()).toEqual({ state: 'off', problem: expect.any(String) });
        expect(telemetry.telemetryExporter().problem).toMatch(
            /APPLICATIONINSIGHTS_CONNECTION_STRING is set but the telemetry packages are not installed/,
        );
        expect(telemetry.telemetrySnapshot().metrics).toEqual([
            expect.objectContaining({ name: 'sync.runs', count: 2, sum: 2 }),
        ]);
    } finally {
        if (saved === undefined) delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
        else process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = saved;
    }
});
