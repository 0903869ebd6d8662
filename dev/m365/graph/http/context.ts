import type { Principal } from '../../contract';
import type { TempAuth } from '../content/tempauth';
import type { Faults } from '../faults/faults';
import type { SimState } from '../model/state';
import type { IdentitySet } from '../model/types';
import type { Exchange } from './exchange';

/** Everything a Graph route needs for one authenticated request. */
export interface GraphContext {
    state: SimState;
    ex: Exchange;
    principal: Principal;
    tempAuth: TempAuth;
    faults: Faults;
    /** `/v1.0` path below the version prefix, still percent-encoded. */
    path: string;
}

export function metadataUrl(state: SimState, fragment: string): string {
    return `${state.deps.baseUrl}/v1.0/$metadata#${fragment}`;
}

/** createdBy / lastModifiedBy for what this principal writes. */
export function identityOf(ctx: GraphContext): IdentitySet {
    const p = ctx.principal;
    const app = ctx.state.deps.directory.getApplication(p.tenantId, p.appId);
    if (p.kind === 'application' || !p.userId) {
        return { application: { id: p.appId, displayName: app?.displayName ?? p.appId } };
    }
    const user = ctx.state.deps.directory.getUser(p.tenantId, p.userId);
    return {
        application: { id: p.appId, displayName: app?.displayName ?? p.appId },
        user: { id: p.userId, displayName: user?.displayName ?? p.userId, email: user?.mail },
    };
}
