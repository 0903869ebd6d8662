export { newRunId, runIdForDelivery, type RunRecord, type RunStatus } from './runRecord';
export { createRun, getRun, listRuns, updateRun, type RunPage } from './runStore';
export { listConflicts, OutcomeWriter, queryOutcomes, type OutcomeQuery } from './outcomeStore';
export { planOutcomes } from './planOutcomes';
