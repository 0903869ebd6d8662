import { escapeHtml } from '../http';
import type { AadstsError } from './errors';
import type { AppRegistration, Tenant, User } from './model';

/**
 * The sign-in and consent page: a list of the tenant's enabled accounts to pick, the permissions the app
 * asks for, Accept and Cancel. Plain HTML with one form, so a test can drive it like a browser.
 */
export interface SignInPage {
    action: string;
    tenant: Tenant;
    app: AppRegistration;
    users: User[];
    requestedPermissions: string[];
    /** The original authorize parameters, posted back unchanged. */
    params: Record<string, string>;
    message?: string;
}

export function renderSignInPage(page: SignInPage): string {
    const hidden = Object.entries(page.params)
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join('\n');
    // login_hint pre-fills the account (Entra: "login_hint … pre-fill the username/email address field of
    // the sign-in page", learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow); the person can still pick another.
    const hint = page.params.login_hint?.toLowerCase();
    const chosen = Math.max(
        0,
        page.users.findIndex((u) => u.userPrincipalName.toLowerCase() === hint),
    );
    const accounts = page.users
        .map(
            (u, i) =>
                `<label><input type="radio" name="login" value="${escapeHtml(u.userPrincipalName)}"${i === chosen ? ' checked' : ''}> ${escapeHtml(u.displayName)} (${escapeHtml(u.userPrincipalName)})</label><br>`,
        )
        .join('\n');
    const permissions = page.requestedPermissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n');
    return layout(
        'Sign in to your account',
        `<h1>Sign in</h1>
<p>${escapeHtml(page.tenant.displayName)} &middot; <strong>${escapeHtml(page.app.displayName)}</strong> wants to sign you in.</p>
${page.message ? `<p id="message" role="alert">${escapeHtml(page.message)}</p>` : ''}
<form method="post" action="${escapeHtml(page.action)}">
${hidden}
<fieldset><legend>Pick an account</legend>
${accounts}
</fieldset>
<h2>Permissions requested</h2>
<ul id="permissions">
${permissions}
</ul>
<button type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>`,
    );
}

/**
 * Entra's "Need admin approval" interrupt: the user may not consent and no administrator has. The page
 * is all the user sees; the app hears nothing unless the user follows "Return to the application
 * without granting consent" (m365-quirks entry 12; Azure-Samples/active-directory-aspnetcore-webapp-
 * openidconnect-v2#44 quotes the page: "<app> needs permission to access resources in your organization
 * that only an admin can grant. Please ask an admin to grant permission to this app before you can use
 * it. Have an admin account? Sign in with that account. Return to the application without granting
 * consent").
 */
export function renderAdminApprovalPage(page: {
    action: string;
    app: AppRegistration;
    error: AadstsError;
    params: Record<string, string>;
    details: { traceId: string; correlationId: string; timestamp: string };
}): string {
    const hidden = Object.entries(page.params)
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join('\n');
    const name = escapeHtml(page.app.displayName);
    return layout(
        'Need admin approval',
        `<h1>Need admin approval</h1>
<p><strong>${name}</strong></p>
<p id="admin-approval">${name} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p>Have an admin account? Sign in with that account</p>
<form method="post" action="${escapeHtml(page.action)}">
${hidden}
<button type="submit" name="action" value="return_without_consent">Return to the application without granting consent</button>
</form>
<h2>Additional technical information</h2>
<p id="error" data-error="${escapeHtml(page.error.error)}" data-error-code="${page.error.code}">${escapeHtml(page.error.description)}</p>
<dl>
<dt>Request Id</dt><dd id="trace-id">${escapeHtml(page.details.traceId)}</dd>
<dt>Correlation Id</dt><dd id="correlation-id">${escapeHtml(page.details.correlationId)}</dd>
<dt>Timestamp</dt><dd id="timestamp">${escapeHtml(page.details.timestamp)}</dd>
</dl>`,
    );
}

/** Errors Entra shows on its own page instead of redirecting (bad client, redirect URI, tenant). */
export function renderErrorPage(
    error: AadstsError,
    details: { traceId: string; correlationId: string; timestamp: string },
): string {
    return layout(
        'Sign in to your account',
        `<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error" data-error="${escapeHtml(error.error)}" data-error-code="${error.code}">${escapeHtml(error.description)}</p>
<dl>
<dt>Request Id</dt><dd id="trace-id">${escapeHtml(details.traceId)}</dd>
<dt>Correlation Id</dt><dd id="correlation-id">${escapeHtml(details.correlationId)}</dd>
<dt>Timestamp</dt><dd id="timestamp">${escapeHtml(details.timestamp)}</dd>
</dl>`,
    );
}

/** response_mode=form_post: the browser posts the result to the redirect URI. */
export function renderFormPost(redirectUri: string, fields: Record<string, string>): string {
    const inputs = Object.entries(fields)
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join('\n');
    return layout(
        'Working...',
        `<form method="post" name="hiddenform" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>
</form>
<script>document.forms[0].submit();</script>`,
    );
}

export function renderErrorLookup(code: string): string {
    return layout(
        'Error lookup',
        `<h1>Error code lookup</h1><p>AADSTS${escapeHtml(code)}: see reference-error-codes in the Microsoft Entra documentation.</p>`,
    );
}

function layout(title: string, body: string): string {
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body></html>
`;
}
