import { startDemoSimulator, type DemoSimulator } from '../../dev/m365/demoSimulator';
import { createSchemaRecorder, type SchemaRecorder } from '../../dev/m365/schema';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { completeSignIn, FlowEnd } from './browser';
import { startServiceEnvironment, type ServiceEnvironment, type ServiceEnvironmentOptions } from './serviceEnvironment';

/**
 * The service wired to a Microsoft 365 simulator with the Contoso demo tenant, the integration
 * configured through the API, and helpers to connect drives through the real sign-in flow.
 */
export interface ConnectedService {
    env: ServiceEnvironment;
    sim: DemoSimulator;
    /** PUTs the demo tenant's settings (overrides allowed) and returns the response. */
    configure(overrides?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
    /** Adds a drive and signs in as `login` (a user principal name, e.g. sim.demo.users.adele.userPrincipalName); returns the drive after the flow. */
    connectDrive(
        input: { name: string; kind: 'onedrive' | 'sharepoint' },
        login: string,
        action?: 'accept' | 'cancel',
        adminApproval?: 'stay' | 'return',
    ): Promise<{ drive: DriveRecord; end: FlowEnd }>;
    /** Every Graph body the simulator sent in this suite, checked against the v1.0 CSDL schema. */
    schema: SchemaRecorder;
    /** Where the browser helper sends requests meant for the service's public URL. */
    browser: { publicOrigin: string; serviceUrl: string };
    /** For a SharePoint drive: picks a library of the demo site (default Documents). */
    selectLibrary(driveId: string, library?: 'Documents' | 'Policies'): Promise<DriveRecord>;
    stop(): Promise<void>;
}

export const RETURN_URL = 'https://intranet.example.com/admin/drives';

export async function startConnectedService(options: ServiceEnvironmentOptions = {}): Promise<ConnectedService> {
    const schema = createSchemaRecorder();
    const sim = await startDemoSimulator({ observeResponse: schema.observeResponse });
    const env = await startServiceEnvironment({
        ...options,
        settings: {
            M365_AUTHORITY_HOST: sim.simulator.authorityHost,
            M365_GRAPH_BASE_URL: sim.simulator.graphBaseUrl,
            M365_TRUSTED_HOSTS: new URL(sim.simulator.baseUrl).host,
            ...options.settings,
        },
    });
    const browser = { publicOrigin: env.settings.PUBLIC_BASE_URL!, serviceUrl: env.host.url };
    const service: ConnectedService = {
        env,
        sim,
        schema,
        browser,
        configure: (overrides = {}) =>
            env.api('PUT', '/api/manage/integration', {
                body: {
                    tenantId: sim.demo.tenantId,
                    clientId: sim.demo.clientId,
                    clientSecret: sim.demo.clientSecret,
                    clientSecretExpiresOn: sim.demo.clientSecretExpiresOn,
                    ...overrides,
                },
            }),
        async connectDrive(input, login, action, adminApproval) {
            const added = await env.api('POST', '/api/drives', { body: { ...input, returnUrl: RETURN_URL } });
            if (added.status !== 201) throw new Error(`POST /api/drives answered ${added.status}: ${added.text}`);
            const { drive, connectUrl } = added.body as { drive: DriveRecord; connectUrl: string };
            const end = await completeSignIn(connectUrl, login, { ...browser, action, adminApproval });
            const after = await env.api('GET', `/api/drives/${drive.id}`);
            return { drive: after.body as DriveRecord, end };
        },
        async selectLibrary(driveId, library = 'Documents') {
            const siteId = sim.content.site.id;
            const libraries = await env.api(
                'GET',
                `/api/manage/sites/${encodeURIComponent(siteId)}/drives?driveId=${driveId}`,
            );
            const chosen = (libraries.body as { value: { id: string; name: string }[] }).value.find(
                (d) => d.name === library,
            );
            if (!chosen) throw new Error(`No library ${library}: ${libraries.text}`);
            const patched = await env.api('PATCH', `/api/drives/${driveId}`, {
                body: { siteId, graphDriveId: chosen.id },
            });
            if (patched.status !== 200) throw new Error(`PATCH answered ${patched.status}: ${patched.text}`);
            return patched.body as DriveRecord;
        },
        async stop() {
            await env.stop();
            await sim.stop();
            // A simulator body that breaks Graph's schema fails the suite that provoked it.
            schema.assertClean();
        },
    };
    return service;
}
