export { planSync } from './planSync';
export { conflictName } from './conflictName';
export type * from './types';
