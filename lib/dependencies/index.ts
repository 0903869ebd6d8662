/**
 * The failure taxonomy of the service's own dependencies (Key Vault, storage, identity, stored state):
 * what a fault is (dependencyFault.ts), how SDK errors map to one (classify.ts), what to do (hints.ts).
 */
export {
    DependencyFault,
    DEPENDENCY_FAULT_CODES,
    corruptRow,
    isCredentialFault,
    isDependencyFaultCode,
    type Dependency,
    type DependencyFaultCode,
    type FaultKind,
} from './dependencyFault';
export { dependencyFaultIn, isCredentialSecret } from './classify';
export { keyVaultHints, storageHints } from './hints';
