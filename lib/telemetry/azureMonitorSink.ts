import { INSTRUMENTS, type MetricName } from './instruments';
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
 * without it loads none of this (the distro, the SDK and its instrumentations are some 1,700 modules). The packages are resolved by
 * name at run time (types only at compile time): when they cannot load, or Node.js is older than the
 * distro supports, the service says so once and keeps its in-memory telemetry. The metric reader
 * exports every 60 s (the distro's default); flushTelemetry() (end of a sync run) sends sooner.
 */
type Distro = typeof import('@azure/monitor-opentelemetry');
type OtelApi = typeof import('@opentelemetry/api');
type OtelLogsApi = typeof import('@opentelemetry/api-logs');
type Counter = import('@opentelemetry/api').Counter;
type Histogram = import('@opentelemetry/api').Histogram;
type AnyValueMap = import('@opentelemetry/api-logs').AnyValueMap;
type AnyValue = import('@opentelemetry/api-logs').AnyValue;

/** The SDK's providers (what the distro registers globally) can be flushed; the API's no-op ones cannot. */
type Flushable = object & { forceFlush?: (options?: { timeoutMillis?: number }) => Promise<void> };

/** The distro's engines field (Node.js >= 22): the deployment runs 22; local development may run 20. */
const MIN_NODE_MAJOR = 22;
const SEVERITY = { info: 9, warn: 13, error: 17 } as const;
const SCOPE = 'sharepoint-onedrive-sync';
export const FLUSH_TIMEOUT_MS = 5_000;

/** A module name the bundler and the compiler leave alone: resolved at run time, absent is fine. */
const load = <T>(name: string): Promise<T> => import(name) as Promise<T>;

export async function createAzureMonitorSink(connectionString: string): Promise<TelemetrySink> {
    const nodeMajor = Number(process.versions.node.split('.')[0]);
    if (nodeMajor < MIN_NODE_MAJOR)
        throw new Error(
            `APPLICATIONINSIGHTS_CONNECTION_STRING is set but the Azure Monitor distro needs Node.js >= ${MIN_NODE_MAJOR} (this is ${process.version}); metrics stay in this instance's memory.`,
        );
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
        // The Functions host already records requests, dependencies and performance counters; only our
        // own signals go here. The distro turns every instrumentation it bundles on by default (its
        // shared/config.js), so each one is named off; live metrics would be a second stream per instance.
        instrumentationOptions: {
            http: { enabled: false },
            azureSdk: { enabled: false },
            mongoDb: { enabled: false },
            mySql: { enabled: false },
            postgreSql: { enabled: false },
            redis: { enabled: false },
            redis4: { enabled: false },
            bunyan: { enabled: false },
            winston: { enabled: false },
            console: { enabled: false },
        },
        enableLiveMetrics: false,
        enableStandardMetrics: false,
        enablePerformanceCounters: false,
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
        async flush() {
            // Both providers are the SDK's once the distro has started (NodeSDK registers them globally).
            const providers: object[] = [api.metrics.getMeterProvider(), logsApi.logs.getLoggerProvider()];
            await Promise.all(providers.map((p) => (p as Flushable).forceFlush?.({ timeoutMillis: FLUSH_TIMEOUT_MS })));
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
async function entraCredential(): Promise<{ credential?: import('@azure/core-auth').TokenCredential }> {
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
function flatten(properties: Record<string, unknown>): AnyValueMap {
    const out: AnyValueMap = {};
    for (const [k, v] of Object.entries(properties))
        out[k] =
            v === null || typeof v === 'object'
                ? JSON.stringify(v)
                : typeof v === 'function'
                  ? String(v)
                  : (v as AnyValue);
    return out;
}
