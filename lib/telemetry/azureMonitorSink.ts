import { INSTRUMENTS, type Attributes, type MetricName } from './instruments';
import type { LogRecord, TelemetrySink } from './telemetry';

/**
 * Exports metrics and structured logs to Application Insights through OpenTelemetry: Microsoft's
 * Azure Monitor distro (`@azure/monitor-opentelemetry`, which brings the Azure Monitor exporters and
 * the OpenTelemetry SDK) sets the global meter and logger providers, and the service writes through
 * the vendor-neutral `@opentelemetry/api` / `@opentelemetry/api-logs`. Metrics land in customMetrics
 * (attributes as dimensions, aggregated per export interval, so they add up across instances); log
 * records land in traces with their properties as customDimensions, which `context.log` cannot do
 * (it joins its arguments into one message: azure-functions-nodejs-library#227).
 *
 * Loaded only when APPLICATIONINSIGHTS_CONNECTION_STRING is set, on first use, so a cold start
 * without it loads none of this. The packages are resolved by name at run time: when they are not
 * installed the service says so once and keeps its in-memory telemetry.
 */
interface Counter {
    add(value: number, attributes?: Attributes): void;
}
interface Histogram {
    record(value: number, attributes?: Attributes): void;
}
interface Meter {
    createCounter(name: string, options: { unit: string; description: string }): Counter;
    createHistogram(name: string, options: { unit: string; description: string }): Histogram;
}
interface OtelApi {
    metrics: { getMeter(name: string, version?: string): Meter };
}
interface OtelLogger {
    emit(record: {
        severityNumber: number;
        severityText: string;
        body: string;
        attributes: Record<string, unknown>;
    }): void;
}
interface OtelLogsApi {
    logs: { getLogger(name: string, version?: string): OtelLogger };
}
interface Distro {
    useAzureMonitor(options: Record<string, unknown>): void;
}

const SEVERITY = { info: 9, warn: 13, error: 17 } as const;
const SCOPE = 'sharepoint-onedrive-sync';

/** A module name the bundler and the compiler leave alone: resolved at run time, absent is fine. */
const load = <T>(name: string): Promise<T> => import(name) as Promise<T>;

export async function createAzureMonitorSink(connectionString: string): Promise<TelemetrySink> {
    let distro: Distro, api: OtelApi, logsApi: OtelLogsApi;
    try {
        [distro, api, logsApi] = await Promise.all([
            load<Distro>('@azure/monitor-opentelemetry'),
            load<OtelApi>('@opentelemetry/api'),
            load<OtelLogsApi>('@opentelemetry/api-logs'),
        ]);
    } catch (e) {
        throw new Error(
            `APPLICATIONINSIGHTS_CONNECTION_STRING is set but the telemetry packages are not installed (${(e as Error).message.split('\n')[0]}); metrics stay in this instance's memory.`,
        );
    }
    distro.useAzureMonitor({
        azureMonitorExporterOptions: { connectionString, ...(await entraCredential()) },
        // The Functions host already records requests and dependencies; only our own signals go here.
        instrumentationOptions: { http: { enabled: false }, azureSdk: { enabled: false } },
        enableAutoCollectPerformance: false,
        enableAutoCollectExceptions: false,
    });
    const meter = api.metrics.getMeter(SCOPE);
    const logger = logsApi.logs.getLogger(SCOPE);
    const instruments = new Map<MetricName, Counter | Histogram>();
    const instrument = (name: MetricName): Counter | Histogram => {
        let found = instruments.get(name);
        if (!found) {
            const { kind, unit, description } = INSTRUMENTS[name];
            found =
                kind === 'counter'
                    ? meter.createCounter(name, { unit, description })
                    : meter.createHistogram(name, { unit, description });
            instruments.set(name, found);
        }
        return found;
    };
    return {
        metric(name, value, attributes) {
            const target = instrument(name);
            if ('add' in target) target.add(value, attributes);
            else target.record(value, attributes);
        },
        log(record: LogRecord) {
            logger.emit({
                severityNumber: SEVERITY[record.level],
                severityText: record.level.toUpperCase(),
                body: record.message,
                attributes: flatten(record.properties),
            });
        },
    };
}

/**
 * The deployment turns local (key) authentication off on Application Insights and sets
 * APPLICATIONINSIGHTS_AUTHENTICATION_STRING=ClientId=<identity>;Authorization=AAD, as the Functions
 * host reads it (infra/modules/functionApp.bicep): the exporter signs in with the same identity.
 */
async function entraCredential(): Promise<{ credential?: unknown }> {
    const setting = process.env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '';
    const parts = Object.fromEntries(
        setting.split(';').map((p) => p.split('=').map((s) => s.trim()) as [string, string]),
    );
    if (parts.Authorization?.toUpperCase() !== 'AAD') return {};
    const { ManagedIdentityCredential } = await import('@azure/identity');
    return {
        credential: parts.ClientId
            ? new ManagedIdentityCredential({ clientId: parts.ClientId })
            : new ManagedIdentityCredential(),
    };
}

/** customDimensions are strings: nested values are sent as JSON. */
function flatten(properties: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(properties))
        out[k] = v === null || typeof v === 'object' ? JSON.stringify(v) : v;
    return out;
}
