import { startDemoSimulator, type DemoSimulator } from '../../dev/m365/demoSimulator';
import type { User } from '../../dev/m365/entra';
import { startMicrosoftProxy, type MicrosoftProxy } from '../../dev/peers/microsoftProxy';
import type { RequestLog } from '../../dev/m365/requestLog';

/**
 * What every contender of bench:peers runs against: the Microsoft 365 simulator with the Contoso demo
 * tenant, one user and OneDrive (business) per contender, seeded with the same tree, and the proxy that
 * lets the peers reach it as graph.microsoft.com / login.microsoftonline.com / *.sharepoint.com.
 *
 * The resource-unit budget is off for every contender alike: the bench compares clients, not how each
 * waits out 429s (the default small-tenant budget would throttle a 10,000-file first sync).
 */
export interface ContenderDrive {
    user: User;
    driveId: string;
}

export interface World {
    sim: DemoSimulator;
    proxy: MicrosoftProxy;
    tenantId: string;
    domain: string;
    /** A user with a OneDrive of their own, named after the contender. */
    addContender(name: string): ContenderDrive;
    /** Requests the simulator answered since `mark()`: Graph (/v1.0), content URLs, Entra. */
    requestsSince(mark: number): { graph: number; content: number; entra: number };
    mark(): number;
    stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
    const sim = await startDemoSimulator();
    sim.simulator.budget.configure({ enabled: false });
    const proxy = await startMicrosoftProxy({ simulatorPort: sim.simulator.port });
    const tenantId = sim.demo.tenantId;
    const requests = sim.simulator.requests;
    return {
        sim,
        proxy,
        tenantId,
        domain: sim.demo.domain,
        addContender(name) {
            const user = sim.simulator.entra.createUser(tenantId, { userPrincipalName: name, displayName: name });
            const drive = sim.graph.createOneDrive(tenantId, user.id, { driveType: 'business' });
            return { user, driveId: drive.id };
        },
        mark: () => requests.entries.length,
        requestsSince: (mark) => countRequests(requests, mark),
        stop: async () => {
            await proxy.stop();
            await sim.stop();
        },
    };
}

/** Requests a simulator answered from entry `from` on: Graph (/v1.0), content (upload and download URLs), Entra. */
export function countRequests(log: RequestLog, from: number): { graph: number; content: number; entra: number } {
    const counts = { graph: 0, content: 0, entra: 0 };
    for (const r of log.entries.slice(from)) {
        if (r.path === '/v1.0' || r.path.startsWith('/v1.0/')) counts.graph++;
        else if (r.path.includes('/oauth2/') || r.path.includes('/.well-known/')) counts.entra++;
        else counts.content++;
    }
    return counts;
}
