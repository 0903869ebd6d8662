import type { DevCertificates } from '../tls/devCertificates';
import type { GraphDeps } from './contract';
import { seedDemoTenant, type DemoTenant } from './demoTenant';
import { createGraphService, seedDemoContent, type GraphSimApi, type SeededContent } from './graph';
import { startM365Simulator, type M365Simulator } from './server';

/** The simulator with both halves and the Contoso demo tenant and content: what `npm start` and `npm run sim` serve. */
export interface DemoSimulator {
    simulator: M365Simulator;
    graph: GraphSimApi;
    demo: DemoTenant;
    content: SeededContent;
    users: string[];
    stop(): Promise<void>;
}

export async function startDemoSimulator(
    options: { port?: number; tls?: DevCertificates; observeResponse?: GraphDeps['observeResponse'] } = {},
): Promise<DemoSimulator> {
    let graph: GraphSimApi | undefined;
    const simulator = await startM365Simulator({
        port: options.port,
        tls: options.tls,
        observeResponse: options.observeResponse,
        graph: (deps) => {
            const service = createGraphService(deps);
            graph = service.api;
            return service;
        },
    });
    const demo = seedDemoTenant(simulator.entra);
    const content = seedDemoContent(graph!, demo.tenantId, [demo.users.adele, demo.users.megan]);
    return {
        simulator,
        graph: graph!,
        demo,
        content,
        users: [demo.users.adele.userPrincipalName, demo.users.megan.userPrincipalName],
        stop: () => simulator.stop(),
    };
}
