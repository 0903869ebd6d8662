import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * /api/manage/integration/credentials: list (GET, metadata only), add a pending credential (POST,
 * verified against Entra first); /{credentialId}: inspect (GET) or retire now (DELETE).
 */
export const manageCredentialsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, credentials] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/credentials/credentialService'),
    ]);
    const services = await getServices();
    const id = request.params.credentialId;
    if (request.method === 'GET') {
        const list = await credentials.listCredentials(services);
        if (!id) return { status: 200, jsonBody: list };
        const one = list.value.find((c) => c.id === id);
        if (one) return { status: 200, jsonBody: one };
        const { ApiError } = await import('../lib/http/apiError');
        throw new ApiError(
            404,
            'credential_not_found',
            `No credential has the id ${id}.`,
            'List credentials with GET /api/manage/integration/credentials.',
        );
    }
    if (request.method === 'DELETE') {
        if (!id) return methodNotAllowedHere(request);
        return { status: 200, jsonBody: await credentials.retireCredential(services, id, actorOf(request)) };
    }
    if (id) return methodNotAllowedHere(request);
    const [{ readJsonBody }, { addCredentialInput }] = await Promise.all([
        import('../lib/http/requestBody'),
        import('../lib/credentials/credentialSchemas'),
    ]);
    const added = await credentials.addCredential(
        services,
        await readJsonBody(request, addCredentialInput()),
        actorOf(request),
    );
    return { status: 201, jsonBody: added, headers: { location: `/api/manage/integration/credentials/${added.id}` } };
});

async function methodNotAllowedHere(request: HttpRequest): Promise<HttpResponseInit> {
    const { methodNotAllowed } = await import('../lib/http/apiError');
    return methodNotAllowed(request.method, request.params.credentialId ? ['GET', 'DELETE'] : ['GET', 'POST']);
}

/** POST /api/manage/integration/credentials/{credentialId}/promote: token requests use it from now on. */
export const manageCredentialPromoteHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { promoteCredential }, { readJsonBody }, { promoteInput }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/credentials/credentialService'),
        import('../lib/http/requestBody'),
        import('../lib/credentials/credentialSchemas'),
    ]);
    const body = request.headers.get('content-type') ? await readJsonBody(request, promoteInput) : {};
    return {
        status: 200,
        jsonBody: await promoteCredential(await getServices(), request.params.credentialId!, body, actorOf(request)),
    };
});

/** POST /api/manage/integration/app-drives: a SharePoint library synced app-only (Sites.Selected grant, no account). */
export const manageAppDrivesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, appDrives, { readJsonBody }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/credentials/appOnly/appOnlyDrives'),
        import('../lib/http/requestBody'),
    ]);
    const drive = await appDrives.addAppOnlyDrive(
        await getServices(),
        await readJsonBody(request, appDrives.addAppOnlyDriveInput),
    );
    return { status: 201, jsonBody: { drive }, headers: { location: `/api/drives/${drive.id}` } };
});

export const manageCredentials = http('manageCredentials', {
    route: 'api/manage/integration/credentials',
    methods: ['GET', 'POST'],
    authLevel: 'function',
    handler: manageCredentialsHandler,
});

export const manageCredential = http('manageCredential', {
    route: 'api/manage/integration/credentials/{credentialId}',
    methods: ['GET', 'DELETE'],
    authLevel: 'function',
    handler: manageCredentialsHandler,
});

export const manageCredentialPromote = http('manageCredentialPromote', {
    route: 'api/manage/integration/credentials/{credentialId}/promote',
    methods: ['POST'],
    authLevel: 'function',
    handler: manageCredentialPromoteHandler,
});

export const manageAppDrives = http('manageAppDrives', {
    route: 'api/manage/integration/app-drives',
    methods: ['POST'],
    authLevel: 'function',
    handler: manageAppDrivesHandler,
});
