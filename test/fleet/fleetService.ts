import type { DriveRecord } from '../../lib/drives/driveRecord';
import { functions as registry } from '../../functions/registry';
import { Fleet } from '../../dev/fleet/fleet';
import type { FleetHostOptions } from '../../dev/fleet/hostOptions';
import { IMMEDIATE_NOTIFICATION_DELAY } from '../../dev/m365/graph/model/options';
import { resetConfigForTests } from '../../lib/config/config';
import { resetServicesForTests } from '../../lib/runtime/services';
import { testHostJson } from '../host/hostFixture';
import { startConnectedService, type ConnectedService } from '../support/connectedService';
import { azuriteConnectionString, uniqueSuffix } from '../support/uniqueNames';

/**
 * The service as a scaled-out app: this process serves HTTP (the platform's calls, sign-ins and Graph's
 * webhook: an instance that is never recycled) and a fleet of host processes does the queue and timer
 * work, each with its own memory, all on one Azurite, one Key Vault double and one simulator.
 * Drives are real: users with their own OneDrives and libraries of the demo site, each connected through
 * the sign-in flow, with a little content each.
 */
export interface FleetService {
    svc: ConnectedService;
    drives: FleetDrive[];
    fleet: Fleet;
    hostOptions: FleetHostOptions;
    stop(): Promise<void>;
}

export interface FleetDrive {
    record: DriveRecord;
    graphDriveId: string;
    kind: 'onedrive' | 'sharepoint';
}

export interface FleetServiceOptions {
    /** Drives to connect; every `libraryEvery`-th is a SharePoint library, the others OneDrives of their own users. */
    drives: number;
    libraryEvery?: number;
    /** Files seeded in each drive. */
    filesPerDrive?: number;
    /** Timer schedules of the fleet (default: the scheduler every 5 s, the others only when fired). */
    schedules?: FleetHostOptions['schedules'];
    queueLeaseSeconds?: number;
    hostJsonQueues?: Parameters<typeof testHostJson>[0];
    functionTimeout?: string;
    /** Connect this many drives at once (sign-ins are independent browsers). */
    connectConcurrency?: number;
}

/** Everything but queue and timer triggers: this process is the fleet's HTTP front. */
const httpOnly = registry.filter((f) => f.kind === 'http');

export async function startFleetService(options: FleetServiceOptions): Promise<FleetService> {
    // host.json as tests ship it (read from the sources, so a bench running from dist/ finds it too).
    const svc = await startConnectedService({ functions: httpOnly, hostJson: testHostJson() });
    try {
        svc.sim.graph.setOptions({ notifications: { deliveryDelay: IMMEDIATE_NOTIFICATION_DELAY } });
        const configured = await svc.configure();
        if (configured.status !== 201) throw new Error(`configure answered ${configured.status}`);
        // Graph must reach the webhook: the public URL becomes this host's real address (the registered
        // redirect URI stays http://localhost:7071, which the test browser maps to the host).
        process.env.PUBLIC_BASE_URL = svc.env.host.url;
        resetConfigForTests();
        resetServicesForTests();
        const props = await svc.env.api('PATCH', '/api/manage/properties', {
            // Random folder and file deletes are intended: the big-delete guard is tested elsewhere.
            body: { BigDeleteMaxCount: 100_000, BigDeleteMaxPercent: 100 },
        });
        if (props.status !== 200) throw new Error(`PATCH properties answered ${props.status}`);
        const drives = await connectDrives(svc, options);
        const hostJson = testHostJson({ maxPollingInterval: '00:00:00.500', ...options.hostJsonQueues });
        hostJson.functionTimeout = options.functionTimeout ?? '00:02:00';
        const hostOptions: FleetHostOptions = {
            hostJson,
            functionKey: svc.env.host.functionKey,
            platformKey: svc.env.host.platformKey,
            queueLeaseSeconds: options.queueLeaseSeconds ?? 8,
            schedules: options.schedules ?? {
                syncScheduler: '*/5 * * * * *',
                syncSweep: null,
                subscriptionRenewal: null,
                maintenance: null,
                driveHealth: null,
                credentialExpiry: null,
            },
            timerLock: { leaseSeconds: 15, recoveryPollSeconds: 1 },
        };
        const fleet = new Fleet({
            env: {
                AzureWebJobsStorage: azuriteConnectionString(),
                AzureFunctionsWebHost__hostid: `fleet-${uniqueSuffix()}`,
            },
            host: hostOptions,
            echo: !!process.env.DEBUG_FLEET,
        });
        return {
            svc,
            drives,
            fleet,
            hostOptions,
            async stop() {
                await fleet.stop();
                await svc.stop();
            },
        };
    } catch (e) {
        await svc.stop().catch(() => undefined);
        throw e;
    }
}

async function connectDrives(svc: ConnectedService, options: FleetServiceOptions): Promise<FleetDrive[]> {
    const { tenantId } = svc.sim.demo;
    const libraryEvery = options.libraryEvery ?? 3;
    const files = options.filesPerDrive ?? 4;
    const adele = svc.sim.demo.users.adele.userPrincipalName;
    const out: FleetDrive[] = [];
    const connectOne = async (i: number): Promise<FleetDrive> => {
        const library = i % libraryEvery === libraryEvery - 1;
        if (library) {
            const lib = svc.sim.graph.createLibrary(svc.sim.content.site.id, `Fleet Library ${i}`);
            seed(svc, lib.id, i, files);
            const { drive } = await svc.connectDrive({ name: `Library ${i}`, kind: 'sharepoint' }, adele);
            const patched = await svc.env.api('PATCH', `/api/drives/${drive.id}`, {
                body: { siteId: svc.sim.content.site.id, graphDriveId: lib.id },
            });
            if (patched.status !== 200) throw new Error(`PATCH library answered ${patched.status}: ${patched.text}`);
            return { record: patched.body as DriveRecord, graphDriveId: lib.id, kind: 'sharepoint' };
        }
        const user = svc.sim.simulator.entra.createUser(tenantId, {
            userPrincipalName: `FleetUser${i}`,
            displayName: `Fleet User ${i}`,
        });
        const oneDrive = svc.sim.graph.createOneDrive(tenantId, user.id);
        seed(svc, oneDrive.id, i, files);
        const { drive } = await svc.connectDrive({ name: `OneDrive ${i}`, kind: 'onedrive' }, user.userPrincipalName);
        if (drive.status !== 'connected') throw new Error(`OneDrive ${i} did not connect: ${drive.status}`);
        return { record: drive, graphDriveId: oneDrive.id, kind: 'onedrive' };
    };
    const concurrency = Math.max(1, options.connectConcurrency ?? 4);
    for (let start = 0; start < options.drives; start += concurrency) {
        const batch = Array.from({ length: Math.min(concurrency, options.drives - start) }, (_, k) => start + k);
        out.push(...(await Promise.all(batch.map(connectOne))));
    }
    return out;
}

function seed(svc: ConnectedService, graphDriveId: string, i: number, files: number): void {
    for (let f = 0; f < files; f++)
        svc.sim.graph.putFile(graphDriveId, `/F/${f % 2 ? 'b' : 'a'}/seed-${f}.txt`, `drive ${i} file ${f}\n`);
}
