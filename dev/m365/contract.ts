/**
 * The seam between the simulator's two halves: Entra ID (tokens, tenants, users, app registrations)
 * in dev/m365/entra and Microsoft Graph (sites, drives, items, delta, uploads, subscriptions) in
 * dev/m365/graph. The server (dev/m365/server.ts) wires them together.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Simulated time, in epoch milliseconds. Tests advance it; nothing in dev/m365 reads Date.now(). */
export interface Clock {
    now(): number;
}

/** Who an access token was issued to, as Graph sees it after validating the token. */
export interface Principal {
    tenantId: string;
    /** The client id (appid / azp claim). */
    appId: string;
    kind: 'delegated' | 'application';
    /** Entra object id of the signed-in user (delegated tokens only). */
    userId?: string;
    /** Delegated permissions (scp claim), e.g. Files.ReadWrite.All, Sites.ReadWrite.All. */
    scopes: string[];
    /** Application permissions (roles claim), e.g. Sites.Selected, Files.ReadWrite.All. */
    roles: string[];
    /** Epoch ms (simulated clock). */
    expiresAt: number;
}

export type AuthResult =
    | { ok: true; principal: Principal }
    /** Graph answers 401 with error.code InvalidAuthenticationToken and this message. */
    | { ok: false; message: string };

export interface DirectoryUser {
    id: string;
    tenantId: string;
    userPrincipalName: string;
    displayName: string;
    mail: string;
    accountEnabled: boolean;
}

/** An app registration and its service principal in one tenant, as Graph's directory routes show it. */
export interface DirectoryApplication {
    appId: string;
    /** Object id of the application object. */
    id: string;
    servicePrincipalId: string;
    displayName: string;
    /** Registered web redirect URIs, exactly as entered. */
    redirectUris: string[];
    /** Delegated Graph permissions with admin consent (oauth2PermissionGrant scope). */
    consentedScopes: string[];
    /** Application Graph permissions granted (appRoleAssignments), e.g. Sites.Selected. */
    grantedRoles: string[];
    /** Credential metadata only: never the secret value. */
    passwordCredentials: { keyId: string; displayName?: string; hint: string; endDateTime: string }[];
}

/** Read access to Entra's directory, for Graph's /me, /users, OneDrive owners and directory objects. */
export interface Directory {
    getUser(tenantId: string, idOrUpn: string): DirectoryUser | undefined;
    listUsers(tenantId: string): DirectoryUser[];
    getApplication(tenantId: string, appId: string): DirectoryApplication | undefined;
}

/** What the Graph half needs from the rest of the simulator. */
export interface GraphDeps {
    clock: Clock;
    directory: Directory;
    /** Validates an `Authorization` header value (Bearer access token issued by the Entra half). */
    authenticate(authorizationHeader: string | undefined): AuthResult;
    /** https://localhost:<port>, the simulator's own origin (upload and download URLs live under it). */
    baseUrl: string;
    /**
     * Called with every JSON body the Graph half sends, so tests can validate it against the v1.0
     * schema (dev/m365/schema). Absent in normal runs.
     */
    observeResponse?(observed: { method: string; path: string; status: number; body: unknown }): void;
}

/** The Graph half, mounted by the server. */
export interface GraphService {
    /** `/v1.0/**` plus the pre-authenticated upload and download URLs the Graph half hands out. */
    handle: RouteHandler;
    /** `/__control/graph/**`: seeding, user-side edits, fault injection, notification triggers. */
    control: RouteHandler;
    /** Stops timers (notification delivery, retries). */
    close(): Promise<void>;
}

export type GraphFactory = (deps: GraphDeps) => GraphService;

/** A handler for part of the URL space. Resolves true when it answered the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
