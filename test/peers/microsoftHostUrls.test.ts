import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { startDemoSimulator, type DemoSimulator } from '../../dev/m365/demoSimulator';
import { startMicrosoftProxy, type MicrosoftProxy } from '../../dev/peers/microsoftProxy';
import { delegatedTokens } from '../../bench/peers/signIn';

/**
 * URLs the simulator hands back follow the host a client came in on: a client that reached it as
 * graph.microsoft.com (through the peers' proxy) gets Graph links on graph.microsoft.com and upload and
 * download URLs on the drive's SharePoint host, as in production; the service, which uses its M365_*
 * settings (localhost), keeps getting localhost URLs.
 */
let demo: DemoSimulator;
let proxy: MicrosoftProxy;
let token: string;
let driveId: string;

beforeAll(async () => {
    demo = await startDemoSimulator();
    proxy = await startMicrosoftProxy({ simulatorPort: demo.simulator.port });
    const adele = demo.demo.users.adele;
    driveId = demo.graph.createOneDrive(demo.demo.tenantId, adele.id, { driveType: 'business' }).id;
    for (let i = 0; i < 3; i++) demo.graph.putFile(driveId, `folder/f${i}.txt`, `file ${i}`);
    token = (
        await delegatedTokens({
            authorityHost: demo.simulator.authorityHost,
            tenant: demo.demo.tenantId,
            clientId: demo.demo.clientId,
            clientSecret: demo.demo.clientSecret,
            redirectUri: demo.demo.redirectUris[0]!,
            scope: 'Files.ReadWrite.All offline_access',
            login: adele.userPrincipalName,
        })
    ).access_token;
});

afterAll(async () => {
    await proxy?.stop();
    await demo?.stop();
});

/** A Graph call as a peer makes it: CONNECT graph.microsoft.com:443 through the proxy, TLS to that name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph JSON, read field by field below
function viaProxy(method: string, pathname: string, body?: unknown): Promise<{ status: number; json: any }> {
    const ca = readFileSync(demo.simulator.caPath, 'utf8');
    const host = 'graph.microsoft.com';
    return new Promise((resolve, reject) => {
        const connect = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: `${host}:443` });
        connect.on('connect', (_res, socket: Socket) => {
            const secure = tlsConnect({ socket, servername: host, ca });
            const text = body === undefined ? undefined : JSON.stringify(body);
            const req = httpsRequest(
                {
                    host,
                    path: pathname,
                    method,
                    createConnection: () => secure,
                    headers: {
                        host,
                        authorization: `Bearer ${token}`,
                        ...(text
                            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
                            : {}),
                    },
                },
                (res) => {
                    let data = '';
                    res.setEncoding('utf8');
                    res.on('data', (chunk: string) => (data += chunk));
                    res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : {} }));
                },
            );
            req.on('error', reject);
            req.end(text);
        });
        connect.on('error', reject);
        connect.end();
    });
}

test('through Microsoft host names: links on graph.microsoft.com, content URLs on the drive’s SharePoint host', async () => {
    const listed = await viaProxy('GET', `/v1.0/drives/${driveId}/root:/folder:/children?$top=2`);
    expect(listed.status).toBe(200);
    expect(new URL(listed.json['@odata.nextLink']).host).toBe('graph.microsoft.com');
    expect(new URL(listed.json.value[0]['@microsoft.graph.downloadUrl']).host).toBe('contoso-my.sharepoint.com');

    const delta = await viaProxy('GET', `/v1.0/drives/${driveId}/root/delta`);
    expect(new URL(delta.json['@odata.deltaLink'] ?? delta.json['@odata.nextLink']).host).toBe('graph.microsoft.com');

    const session = await viaProxy('POST', `/v1.0/drives/${driveId}/root:/folder/new.bin:/createUploadSession`, {});
    expect(session.status).toBe(200);
    expect(new URL(session.json.uploadUrl).host).toBe('contoso-my.sharepoint.com');
});

test('at the simulator’s own address (the service’s M365_* settings) the URLs stay on localhost', async () => {
    const listed = await fetch(`${demo.simulator.graphBaseUrl}/drives/${driveId}/root:/folder:/children?$top=2`, {
        headers: { authorization: `Bearer ${token}` },
    });
    const json = (await listed.json()) as { value: Record<string, string>[]; '@odata.nextLink': string };
    const local = new URL(demo.simulator.baseUrl).host;
    expect(new URL(json['@odata.nextLink']).host).toBe(local);
    expect(new URL(json.value[0]!['@microsoft.graph.downloadUrl']!).host).toBe(local);
});
