import { seedDemoTenant } from './demoTenant';
import { createGraphService, seedDemoContent, type GraphSimApi } from './graph';
import { budgetFromEnv } from './graph/budget/env';
import { IMMEDIATE_NOTIFICATION_DELAY } from './graph/model/options';
import { startM365Simulator } from './server';

/**
 * `npm run sim`: the Microsoft 365 simulator on a fixed port (SIM_PORT, default 8443) with the demo
 * tenant and its SharePoint content, printing what the service's settings need. Ctrl-C stops it.
 *
 * It behaves like production by default: time passes, the resource-unit budget of a small tenant
 * applies (SIM_BUDGET=off switches it off; SIM_RU_PER_MINUTE / SIM_RU_PER_DAY change it), and change
 * notifications arrive with Graph's documented latency (SIM_NOTIFICATION_DELAY=immediate for none).
 */
const DEFAULT_PORT = 8443;

async function main(): Promise<void> {
    const port = process.env.SIM_PORT ? Number(process.env.SIM_PORT) : DEFAULT_PORT;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`SIM_PORT must be a port number, got ${process.env.SIM_PORT}`);
    const delay = process.env.SIM_NOTIFICATION_DELAY ?? 'realistic';
    if (delay !== 'realistic' && delay !== 'immediate')
        throw new Error(`SIM_NOTIFICATION_DELAY must be realistic or immediate, got ${delay}`);
    let graphApi: GraphSimApi | undefined;
    const sim = await startM365Simulator({
        port,
        budget: budgetFromEnv(process.env),
        graph: (deps) => {
            const graph = createGraphService(deps);
            graphApi = graph.api;
            return graph;
        },
    });
    if (delay === 'immediate') graphApi?.setOptions({ notifications: { deliveryDelay: IMMEDIATE_NOTIFICATION_DELAY } });
    const demo = seedDemoTenant(sim.entra);
    const content = graphApi
        ? seedDemoContent(graphApi, demo.tenantId, [demo.users.adele, demo.users.megan])
        : undefined;
    const summary = {
        baseUrl: sim.baseUrl,
        authorityHost: sim.authorityHost,
        graphBaseUrl: sim.graphBaseUrl,
        controlUrl: sim.controlUrl,
        caPath: sim.caPath,
        tenantId: demo.tenantId,
        tenantDomain: demo.domain,
        clientId: demo.clientId,
        clientSecret: demo.clientSecret,
        clientSecretExpiresOn: demo.clientSecretExpiresOn,
        redirectUris: demo.redirectUris,
        users: [demo.users.adele.userPrincipalName, demo.users.megan.userPrincipalName],
        resourceBudget: sim.budget.options,
        notificationDelay: graphApi?.getOptions().notifications.deliveryDelay,
        ...(content
            ? { siteId: content.site.id, documentsDriveId: content.documentsDriveId, files: content.fileCount }
            : {}),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    const stop = () => {
        sim.stop().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
    process.stderr.write(`M365 simulator failed to start: ${(error as Error).message}\n`);
    process.exit(1);
});
