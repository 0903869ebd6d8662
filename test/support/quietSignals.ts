/**
 * Engine code run directly by tests has no invocation logger, so its SYNC_SIGNAL lines (one per run,
 * one per throttle) go to the console, where jest prints each with a stack: a long convergence run
 * wrote megabytes of them and buried real failures. They are dropped here; tests that check signals
 * read them through signalLine/parseSignal or the local host's log, not jest's console.
 * SHOW_SIGNALS=1 keeps them.
 */
import { SIGNAL_PREFIX } from '../../lib/monitoring/signals';

if (process.env.SHOW_SIGNALS !== '1') {
    const log = console.log.bind(console);
    console.log = (...args: unknown[]): void => {
        if (typeof args[0] === 'string' && args[0].startsWith(`${SIGNAL_PREFIX} `)) return;
        log(...args);
    };
}
