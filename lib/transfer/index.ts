/** Chunked, resumable, verified transfers (issue 6). What other parts of the service use. */
export { createTransferHandler } from './handler';
export { runTransfer, DEFAULT_BUDGET_MS, type TransferOptions, type DeliveryOutcome } from './runTransfer';
export { waitForThrottleGate, recordThrottle, ThrottleGate, parseRetryAfter } from './throttleGate';
export { readTransfer } from './journal';
export { replayTransfer } from './replay';
export { enqueueTransfer } from './enqueue';
export { SimulatedCrash, type TransferHooks } from './context';
