import type { InvocationContext, Timer } from '@azure/functions';
import { timer } from './definition';

/**
 * Every 15 minutes: the signal lines the Azure Monitor alert rules read (poison-queue depth, drive
 * status, credential expiry; lib/monitoring). A rule looks back further than 15 minutes, so one
 * missed run does not resolve an alert.
 */
export async function serviceSignalsHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { reportServiceSignals }, { createLogger }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/monitoring/serviceSignals'),
        import('../lib/logging/logger'),
    ]);
    await reportServiceSignals(await getServices(), createLogger(context));
}

export const serviceSignals = timer('serviceSignals', { schedule: '0 */15 * * * *', handler: serviceSignalsHandler });
