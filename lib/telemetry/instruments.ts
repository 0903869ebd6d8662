/**
 * Every metric the service emits, in one place: name, kind, unit, what it counts and its attributes
 * (dimensions). Names follow OpenTelemetry's dotted style; Application Insights shows them as custom
 * metrics with the attributes as dimensions (a histogram gives count, sum, min and max per interval).
 */
export const INSTRUMENTS = {
    'sync.runs': { kind: 'counter', unit: '{run}', description: 'Finished sync runs, by outcome and trigger.' },
    'sync.run.duration': { kind: 'histogram', unit: 'ms', description: 'Sync run duration, by outcome and trigger.' },
    'sync.run.memory': {
        kind: 'histogram',
        unit: 'MiB',
        description:
            "The instance's peak resident memory when a sync run ends, by the heap limit Node sized from the instance's memory.",
    },
    'sync.notification.delay': {
        kind: 'histogram',
        unit: 'ms',
        description: 'From a change notification (its sync message) to the start of the run that serves it.',
    },
    'transfer.files': { kind: 'counter', unit: '{file}', description: 'Finished transfers, by direction and outcome.' },
    'transfer.bytes': { kind: 'counter', unit: 'By', description: 'Bytes moved by transfers, by direction.' },
    'transfer.duration': {
        kind: 'histogram',
        unit: 'ms',
        description: 'Transfer attempt duration, by direction and outcome.',
    },
    'graph.requests': {
        kind: 'counter',
        unit: '{request}',
        description: 'Requests to Microsoft Graph and its pre-authenticated URLs, by kind and status class.',
    },
    'graph.throttle.wait': {
        kind: 'histogram',
        unit: 'ms',
        description: "Time a request waited for the tenant's throttle gate (a Retry-After block or the pace).",
    },
    notifications: {
        kind: 'counter',
        unit: '{notification}',
        description: 'Change notifications at the webhook, by result (received, accepted, rejected, enqueued…).',
    },
} as const satisfies Record<string, { kind: 'counter' | 'histogram'; unit: string; description: string }>;

export type MetricName = keyof typeof INSTRUMENTS;
export type Attributes = Record<string, string>;
