import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider, type Configuration } from '@azure/msal-node';
import forge from 'node-forge';
import type { AppRegistration, CreatedSecret, Tenant, User } from '../../../dev/m365/entra';
import { startM365Simulator, type M365Simulator } from '../../../dev/m365/server';

/** Shared set-up for the Entra tests: a simulator, a tenant, users and an app, and a browser stand-in. */

export const REDIRECT_URI = 'https://localhost:7071/oauth2/sharepoint/callback';
export const GRAPH_SCOPES = ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read'];

export interface Fixture {
    sim: M365Simulator;
    tenant: Tenant;
    adele: User;
    megan: User;
    app: AppRegistration;
    secret: CreatedSecret;
}

export async function startFixture(options: { userConsentAllowed?: boolean } = {}): Promise<Fixture> {
    const sim = await startM365Simulator({ seed: 7 });
    return { sim, ...seedFixture(sim, options) };
}

export function seedFixture(sim: M365Simulator, options: { userConsentAllowed?: boolean } = {}): Omit<Fixture, 'sim'> {
    const tenant = sim.entra.createTenant({ name: 'fabrikam', userConsentAllowed: options.userConsentAllowed });
    const adele = sim.entra.createUser(tenant.id, { userPrincipalName: 'AdeleV', displayName: 'Adele Vance' });
    const megan = sim.entra.createUser(tenant.id, { userPrincipalName: 'MeganB', displayName: 'Megan Bowen' });
    const app = sim.entra.registerApp(tenant.id, {
        displayName: 'Sync test app',
        redirectUris: [REDIRECT_URI],
        consentedScopes: [...GRAPH_SCOPES, 'offline_access', 'openid', 'profile'],
        grantedRoles: ['Sites.Selected'],
    });
    const secret = sim.entra.addClientSecret(tenant.id, app.appId, { displayName: 'test' });
    return { tenant, adele, megan, app, secret };
}

/** Microsoft's own client, configured as the service configures it against a non-Microsoft authority host. */
export function msalClient(
    sim: M365Simulator,
    tenant: string,
    clientId: string,
    credential: Configuration['auth'],
): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
        auth: {
            ...credential,
            clientId,
            authority: `${sim.authorityHost}/${tenant}`,
            knownAuthorities: [`localhost:${sim.port}`],
        },
    });
}

export function secretClient(fixture: Fixture, secret = fixture.secret.secretText): ConfidentialClientApplication {
    return msalClient(fixture.sim, fixture.tenant.id, fixture.app.appId, {
        clientId: fixture.app.appId,
        clientSecret: secret,
    });
}

export interface SignedIn {
    code: string;
    state: string | null;
    verifier: string;
    location: URL;
}

/** getAuthCodeUrl with PKCE, then the sign-in page as a browser would drive it. */
export async function signInWithMsal(
    client: ConfidentialClientApplication,
    login: string,
    options: { scopes?: string[]; state?: string; nonce?: string; redirectUri?: string } = {},
): Promise<SignedIn> {
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await client.getAuthCodeUrl({
        scopes: options.scopes ?? GRAPH_SCOPES,
        redirectUri: options.redirectUri ?? REDIRECT_URI,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        state: options.state ?? 'state-123',
        nonce: options.nonce,
    });
    const location = await submitSignIn(url, { login });
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`No code in redirect: ${location.toString()}`);
    return { code, state: location.searchParams.get('state'), verifier, location };
}

/** GETs the authorize URL, fills the form, posts it, and returns the redirect's Location. */
export async function submitSignIn(
    authorizeUrl: string,
    choice: { login?: string; action?: 'accept' | 'cancel' },
): Promise<URL> {
    const page = await fetch(authorizeUrl);
    const html = await page.text();
    if (page.status !== 200) throw new Error(`Sign-in page answered ${page.status}: ${html}`);
    const form = parseForm(html);
    if (choice.login) form.fields.login = choice.login;
    form.fields.action = choice.action ?? 'accept';
    const posted = await postForm(new URL(form.action, authorizeUrl).toString(), form.fields);
    if (posted.status !== 302) throw new Error(`Sign-in post answered ${posted.status}: ${await posted.text()}`);
    return new URL(posted.headers.get('location')!);
}

export function postForm(
    url: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
): Promise<Response> {
    return fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
    });
}

/** The page's single form: its action, hidden inputs and the checked radio button. */
export function parseForm(html: string): { action: string; fields: Record<string, string> } {
    const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`No form in page: ${html}`);
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="(hidden|radio)" name="([^"]*)" value="([^"]*)"([^>]*)>/g)) {
        if (m[1] === 'radio' && !m[4]!.includes('checked')) continue;
        fields[unescape(m[2]!)] = unescape(m[3]!);
    }
    return { action: unescape(action), fields };
}

function unescape(s: string): string {
    return s
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}

export function jwtClaims(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A self-signed certificate for a client-assertion credential, valid between the given times. */
export function makeCertificate(
    notBefore: Date,
    notAfter: Date,
): { certificatePem: string; privateKeyPem: string; privateKey: KeyObject } {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(
        privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    cert.serialNumber = '0a';
    cert.validity.notBefore = notBefore;
    cert.validity.notAfter = notAfter;
    const name = [{ name: 'commonName', value: 'sync-service' }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.sign(forgeKey, forge.md.sha256.create());
    return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem, privateKey };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
    try {
        await fn();
    } catch (error) {
        return error as Record<string, unknown>;
    }
    throw new Error('Expected the call to fail, but it succeeded.');
}
