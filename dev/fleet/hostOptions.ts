import type { HostJson } from '../host/hostJson';

/** What a fleet tells each of its host processes (hostProcess.ts), beside the app settings in the environment. */
export interface FleetHostOptions {
    hostJson: HostJson;
    functionKey: string;
    platformKey: string;
    /** The host's lease on a message being processed (host: 600 s): how long a killed instance's messages stay invisible. */
    queueLeaseSeconds?: number;
    /** Per timer function: a schedule that replaces its own, or null for "only when fired". */
    schedules?: Record<string, string | null>;
    timerLock?: { leaseSeconds?: number; recoveryPollSeconds?: number };
}

export const READY_LINE = 'FLEET_HOST_READY';

export function parseHostOptions(json: string | undefined): FleetHostOptions {
    if (!json) throw new Error('FLEET_HOST_OPTIONS is not set: this process is started by dev/fleet/fleet.ts.');
    const parsed = JSON.parse(json) as FleetHostOptions;
    if (!parsed.hostJson || !parsed.functionKey || !parsed.platformKey)
        throw new Error('FLEET_HOST_OPTIONS needs hostJson, functionKey and platformKey.');
    return parsed;
}
