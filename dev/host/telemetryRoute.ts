import { telemetryExporter, telemetrySnapshot } from '../../lib/telemetry/telemetry';
import type { HostRoute } from './http/httpServer';
import { writeInit } from './http/writeResponse';

/**
 * `GET /__host/telemetry` (master key; the local host only, never on Azure): the metrics and the last
 * structured log records of this process, as the Azure Monitor sink would export them, so they can
 * be read without Application Insights (the functions run in the host's process).
 */
export function telemetryRoute(): HostRoute {
    return {
        method: 'GET',
        requiresKey: true,
        match: (pathname) => (/^\/__host\/telemetry\/?$/i.test(pathname) ? {} : undefined),
        handle: async (_params, res) => {
            const { metrics, logs } = telemetrySnapshot();
            await writeInit(res, {
                status: 200,
                jsonBody: { exporter: telemetryExporter(), metrics, logs: logs.slice(-200) },
            });
        },
    };
}
