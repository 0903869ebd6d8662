import type { Dependency, DependencyFault, DependencyFaultCode } from '../dependencies/dependencyFault';
import type { Services } from '../runtime/services';
import { updateIntegration as updateStoredIntegration, type IntegrationRecord } from './integrationRepository';

/**
 * A configuration fault of the integration's dependencies (its credential missing or disabled in Key
 * Vault, the vault denying the app's identity…), kept on the integration record: GET
 * /api/manage/integration and the status checkpoints show it, its drives show `credential_unavailable`
 * with the same cause, and the scheduler, instead of running syncs that cannot succeed, checks
 * whether the cause is gone at growing intervals (1 minute, doubling, at most an hour).
 */
export interface IntegrationFault {
    code: DependencyFaultCode;
    message: string;
    hint: string;
    dependency: Dependency;
    /** The Key Vault secret involved, when the fault is about one. */
    secretName?: string;
    since: string;
    lastSeenAt: string;
    /** When the scheduler next checks whether the cause is gone. */
    nextCheckAt: string;
    /** Checks made since the fault was recorded (each one doubles the wait, up to CHECK_MAX_MS). */
    checks: number;
}

export const CHECK_FIRST_MS = 60_000;
export const CHECK_MAX_MS = 3_600_000;

export function checkDelayMs(checks: number): number {
    return Math.min(CHECK_FIRST_MS * 2 ** Math.min(checks, 16), CHECK_MAX_MS);
}

/**
 * Records the fault on the integration (ETag-conditional, retried on a race). Returns whether it is
 * new, i.e. not already recorded with the same code: only a new fault marks drives and raises the
 * alert, so a hundred drives failing at once write it once.
 */
export async function recordIntegrationFault(
    services: Services,
    integrationId: string,
    fault: DependencyFault,
    now = new Date(),
): Promise<{ fault: IntegrationFault; isNew: boolean } | undefined> {
    let result: { fault: IntegrationFault; isNew: boolean } | undefined;
    await updateIntegration(services, integrationId, (record) => {
        const previous = record.fault;
        if (previous?.code === fault.code && previous.secretName === fault.secretName) {
            result = { fault: previous, isNew: false };
            return undefined;
        }
        const at = now.toISOString();
        const next: IntegrationFault = {
            code: fault.code,
            message: fault.message,
            hint: fault.hint!,
            dependency: fault.dependency,
            ...(fault.secretName ? { secretName: fault.secretName } : {}),
            since: previous?.since ?? at,
            lastSeenAt: at,
            nextCheckAt: new Date(now.getTime() + checkDelayMs(0)).toISOString(),
            checks: 0,
        };
        result = { fault: next, isNew: true };
        return { ...record, fault: next };
    });
    return result;
}

/** The scheduler checked and the cause is still there: wait twice as long before the next check. */
export async function postponeFaultCheck(
    services: Services,
    integrationId: string,
    still: DependencyFault | undefined,
    now = new Date(),
): Promise<IntegrationFault | undefined> {
    let result: IntegrationFault | undefined;
    await updateIntegration(services, integrationId, (record) => {
        if (!record.fault) return undefined;
        const checks = record.fault.checks + 1;
        result = {
            ...record.fault,
            ...(still && still.code === record.fault.code ? { message: still.message, hint: still.hint! } : {}),
            lastSeenAt: now.toISOString(),
            nextCheckAt: new Date(now.getTime() + checkDelayMs(checks)).toISOString(),
            checks,
        };
        return { ...record, fault: result };
    });
    return result;
}

/** Clears the fault; returns the one cleared (undefined when there was none). */
export async function clearIntegrationFault(
    services: Services,
    integrationId: string,
): Promise<IntegrationFault | undefined> {
    let cleared: IntegrationFault | undefined;
    await updateIntegration(services, integrationId, (record) => {
        cleared = record.fault;
        if (!cleared) return undefined;
        const { fault: _cleared, ...rest } = record;
        return rest;
    });
    return cleared;
}

async function updateIntegration(
    services: Services,
    integrationId: string,
    change: (record: IntegrationRecord) => IntegrationRecord | undefined,
): Promise<void> {
    await updateStoredIntegration(await services.tables.get('integrations'), integrationId, change);
}
