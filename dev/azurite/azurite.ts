import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Starts the pinned Azurite (3.35.0: the last release that runs on Node 20) as a child process and
 * resolves with its endpoints once all three services listen. `--skipApiVersionCheck` because the SDKs
 * send newer x-ms-version headers than Azurite knows; `--loose` for headers it does not implement.
 */
export interface Azurite {
    blobEndpoint: string;
    queueEndpoint: string;
    tableEndpoint: string;
    connectionString: string;
    pid: number;
    stop(): Promise<void>;
}

export interface AzuriteOptions {
    /** Folder for persistent data; omit for in-memory (tests). */
    location?: string;
    ports?: { blob: number; queue: number; table: number };
}

const ACCOUNT = 'devstoreaccount1';
// Azurite's well-known development key (public, documented in Azurite's README).
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
    const bin = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
    const ports = options.ports ?? { blob: 0, queue: 0, table: 0 };
    const args = [
        bin,
        '--skipApiVersionCheck',
        '--loose',
        '--disableTelemetry',
        '--blobPort',
        String(ports.blob),
        '--queuePort',
        String(ports.queue),
        '--tablePort',
        String(ports.table),
        ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
        const endpoints: Partial<Record<'Blob' | 'Queue' | 'Table', string>> = {};
        let output = '';
        const fail = (why: string) => {
            child.kill();
            reject(new Error(`Azurite did not start: ${why}\n${output}`));
        };
        const timer = setTimeout(() => fail('timed out after 30 s'), 30_000);
        child.on('exit', (code) => fail(`exited with ${code}`));
        child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
        child.stdout!.on('data', (d: Buffer) => {
            output += d.toString();
            for (const m of output.matchAll(
                /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/g,
            )) {
                endpoints[m[1] as 'Blob' | 'Queue' | 'Table'] = `${m[2]}/${ACCOUNT}`;
            }
            if (endpoints.Blob && endpoints.Queue && endpoints.Table) {
                clearTimeout(timer);
                child.removeAllListeners('exit');
                child.stdout!.removeAllListeners('data');
                child.stdout!.resume();
                child.stderr!.resume();
                resolve(describe(child, endpoints.Blob, endpoints.Queue, endpoints.Table));
            }
        });
    });
}

function describe(child: ChildProcess, blob: string, queue: string, table: string): Azurite {
    return {
        blobEndpoint: blob,
        queueEndpoint: queue,
        tableEndpoint: table,
        connectionString: azuriteConnectionString(blob, queue, table),
        pid: child.pid!,
        stop: () =>
            new Promise((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once('exit', () => resolve());
                child.kill('SIGTERM');
            }),
    };
}

export function azuriteConnectionString(blob: string, queue: string, table: string): string {
    return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${blob};QueueEndpoint=${queue};TableEndpoint=${table};`;
}
