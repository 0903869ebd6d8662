import { dependencyFaultIn } from '../../dependencies/classify';
import { DEPENDENCY_FAULT_CODES, isCredentialFault, isDependencyFaultCode } from '../../dependencies/dependencyFault';
import type { DriveRecord } from '../../drives/driveRecord';
import { signInFailureIn } from '../../graph/graphClient';
import type { Logger } from '../../logging/logger';
import type { Services } from '../../runtime/services';
import type { RunRecord } from '../runs';
import { LeaseLostError } from './lease';
import { RUN_RETRY, type ScheduleEntry } from './schedule';
import { GraphError, graphError } from '../../graph/graphError';

function graphRunError(e: GraphError): NonNullable<RunRecord['error']> & { retryAfterSeconds?: number } {
    return {
        code: e.status === 429 || e.code === 'activityLimitReached' ? 'graph_throttled' : `graph_${e.code}`,
        message: `Graph ${e.status}: ${e.message}${e.requestId ? ` (request-id ${e.requestId})` : ''}`,
        hint: e.transient
            ? 'Retried automatically.'
            : "Check the drive's health with GET /api/drives/{id}?refresh=true.",
        retryable: e.transient,
        ...(e.retryAfterSeconds ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
    };
}

/** A failed run's error as the run record shows it: a stable code, and whether a retry can help. */
export function runError(e: unknown): NonNullable<RunRecord['error']> & { retryAfterSeconds?: number } {
    if (e instanceof GraphError) return graphRunError(e);
    const auth = signInFailureIn(e);
    if (auth) {
        return {
            code: auth.failure.code,
            message: auth.failure.message,
            hint: auth.failure.hint ?? 'Reconnect the drive.',
            retryable: !auth.needsReauth,
        };
    }
    if (e instanceof LeaseLostError) return { code: 'lease_lost', message: e.message, retryable: true };
    // The service's own dependencies (Key Vault, storage, identity): before Graph, whose client wraps them.
    const fault = dependencyFaultIn(e);
    if (fault) {
        return {
            ...fault.describe(),
            retryable: fault.retryable,
            ...(fault.retryAfterSeconds ? { retryAfterSeconds: fault.retryAfterSeconds } : {}),
        };
    }
    // The Graph SDK client's own error (it wraps sign-in and dependency failures, hence checked last).
    const graph = graphError(e);
    if (graph) return graphRunError(graph);
    return {
        code: 'internal_error',
        message: e instanceof Error ? e.message.slice(0, 500) : 'The run failed.',
        hint: 'Check the function logs for this run id.',
        retryable: true,
    };
}

/**
 * After a run failed: a credential fault is the integration's (every drive marked, one alert, the
 * scheduler waits for the fix); other configuration faults raise their alert. Never throws: the run
 * record is what must be written, and the dependency may be the one that is down.
 */
export async function reportRunFault(
    services: Services,
    drive: Pick<DriveRecord, 'id' | 'integrationId'>,
    e: unknown,
    log?: Logger,
): Promise<void> {
    const fault = dependencyFaultIn(e);
    if (!fault?.configuration) return;
    try {
        if (isCredentialFault(fault)) {
            const { reportCredentialFault } = await import('../../integration/credentialHealth');
            await reportCredentialFault(services, drive.integrationId, fault, log);
        } else {
            const { raiseDependencyAlert } = await import('../../alerts/dependencyAlerts');
            await raiseDependencyAlert(services, drive.integrationId, fault, { log });
        }
    } catch (reportError) {
        log?.warn('Could not record the dependency fault (it is in the run record)', {
            driveId: drive.id,
            code: fault.code,
            error: reportError,
        });
    }
}

/**
 * After a run's follow-up was decided: when the bounded retries ran out, ONE alert (for a transient
 * dependency fault, the integration's; otherwise the drive's); when a run finishes after failures,
 * those alerts are resolved. Never throws.
 */
export async function reportRunOutcome(
    services: Services,
    drive: DriveRecord,
    run: RunRecord,
    o: { gaveUp: boolean; failures?: ScheduleEntry['failures']; previousFailures?: ScheduleEntry['failures'] },
    log?: Logger,
): Promise<void> {
    try {
        const alerts = await import('../../alerts/dependencyAlerts');
        if (o.gaveUp && run.error && o.failures) {
            const code = run.error.code;
            if (isDependencyFaultCode(code) && !DEPENDENCY_FAULT_CODES[code].configuration)
                await alerts.raiseDependencyAlert(
                    services,
                    drive.integrationId,
                    { code, message: run.error.message, hint: run.error.hint, configuration: false },
                    {
                        log,
                        context: `${o.failures.count} runs of drive "${drive.name}" failed in a row; automatic retries stopped, the drive syncs at its schedule.`,
                    },
                );
            else await alerts.raiseSyncFailingAlert(services, drive, o.failures.count, run.error, log);
            return;
        }
        const previous = o.previousFailures;
        if (run.status === 'failed' || !previous || previous.count < RUN_RETRY.maxFailures) return;
        const { resolveAlert } = await import('../../alerts/raiseAlert');
        await resolveAlert(
            services,
            alerts.syncFailingAlertKey(drive.integrationId, drive.id),
            'A run finished again.',
        );
        if (isDependencyFaultCode(previous.code))
            await alerts.resolveDependencyAlerts(
                services,
                drive.integrationId,
                `A run of drive "${drive.name}" finished again.`,
                [previous.code],
            );
    } catch (e) {
        log?.warn('Could not update the sync alerts of a run', { driveId: drive.id, runId: run.runId, error: e });
    }
}
