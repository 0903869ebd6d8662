/**
 * The console's static markup: labelled fields, one section per concern. Everything dynamic is built by
 * the script with DOM APIs (textContent, never innerHTML), so API data cannot inject markup.
 */
function field(name: string, label: string, input: string, help = ''): string {
    return `<div class="field">
<label for="f-${name}">${label}</label>
${input}
${help ? `<p class="help" id="h-${name}">${help}</p>` : ''}
<p class="error" id="e-${name}" data-error-for="${name}"></p>
</div>`;
}

function text(name: string, label: string, help: string, extra = ''): string {
    return field(
        name,
        label,
        `<input type="text" id="f-${name}" name="${name}" aria-describedby="h-${name} e-${name}" autocomplete="off" spellcheck="false"${extra}>`,
        help,
    );
}

const setup = `<section id="setup" aria-labelledby="setup-h">
<h2 id="setup-h">Setup</h2>
<p class="help">The values from your Entra app registration (Overview, and Certificates &amp; secrets). Use an app registration dedicated to SharePoint and OneDrive: not the one used for Office 365 email or calendar.</p>
<form id="integration-form" novalidate>
<div class="grid">
${text('tenantId', 'Directory (tenant) ID', 'A GUID, or a verified domain such as contoso.onmicrosoft.com.', ' required')}
${text('clientId', 'Application (client) ID', "A GUID from the app registration's Overview page.", ' required')}
${field('clientSecret', 'Client secret value', '<input type="password" id="f-clientSecret" name="clientSecret" aria-describedby="h-clientSecret e-clientSecret" autocomplete="new-password">', 'The Value column (shown once), not the Secret ID. Leave empty to keep the stored secret.')}
${field('clientSecretExpiresOn', 'Secret expires on', '<input type="date" id="f-clientSecretExpiresOn" name="clientSecretExpiresOn" aria-describedby="h-clientSecretExpiresOn e-clientSecretExpiresOn">', 'The Expires column; you will be warned before it expires.')}
${field('cloud', 'Cloud', '<select id="f-cloud" name="cloud" aria-describedby="h-cloud e-cloud"><option value="global">Global (login.microsoftonline.com)</option><option value="usgov">US Government</option><option value="china">China (21Vianet)</option></select>', 'Where the tenant lives.')}
${text('redirectUri', 'Redirect URI', "Defaults to this service's URL + /oauth2/sharepoint/callback. HTTPS, exact, no trailing slash.")}
</div>
<p class="error" id="e-form" data-error-for="(body)" role="alert"></p>
<div class="actions"><button type="submit" id="save-integration">Save settings</button><span id="integration-result" role="status" aria-live="polite"></span></div>
</form>
<h3 id="checkpoints-h">Checkpoints</h3>
<div class="actions"><button type="button" class="secondary" id="recheck">Re-check now</button><span id="status-summary" role="status" aria-live="polite"></span></div>
<ul class="checklist" id="checkpoints" aria-labelledby="checkpoints-h"></ul>
</section>`;

const drives = `<section id="drives" aria-labelledby="drives-h">
<h2 id="drives-h">Drives</h2>
<form id="add-drive-form" novalidate>
<div class="grid">
${text('driveName', 'Drive name', 'How the platform shows it, e.g. "Intranet documents".')}
${field('driveKind', 'Type', '<select id="f-driveKind" name="kind" aria-describedby="h-driveKind e-driveKind"><option value="sharepoint">SharePoint library</option><option value="onedrive">OneDrive</option></select>', 'A SharePoint drive picks its library after sign-in.')}
</div>
<p class="error" id="e-drive-form" role="alert"></p>
<div class="actions"><button type="submit" id="add-drive">Add drive and sign in</button><span id="drive-result" role="status" aria-live="polite"></span></div>
</form>
<h3>External drives</h3>
<div class="actions"><button type="button" class="secondary" id="refresh-drives">Refresh</button></div>
<div id="drive-list" class="cards" aria-live="polite"></div>
</section>`;

const runs = `<section id="runs" aria-labelledby="runs-h">
<h2 id="runs-h">Runs</h2>
<div class="notice unavailable" id="runs-unavailable" hidden></div>
<div id="runs-panel">
<div class="filters">
${field('runDrive', 'Drive', '<select id="f-runDrive" aria-describedby="h-runDrive"></select>', 'Whose run history to show.')}
${field('outcomeStatus', 'Outcome', '<select id="f-outcomeStatus"><option value="">All outcomes</option><option value="failed">Failed</option><option value="skipped">Skipped</option><option value="conflict">Conflict</option><option value="held">Held</option><option value="retrying">Retrying</option><option value="queued">Queued</option><option value="ok">OK</option></select>')}
${field('whyPath', "Why didn't this file sync?", '<input type="search" id="f-whyPath" placeholder="Part of a path or file name" aria-describedby="h-whyPath">', 'Searches the outcomes of the recent runs.')}
</div>
<div class="actions"><button type="button" class="secondary" id="refresh-runs">Refresh runs</button><span id="runs-status" role="status" aria-live="polite"></span></div>
<div id="why-result" aria-live="polite"></div>
<div id="transfers"></div>
<div id="run-list"></div>
</div>
</section>`;

const credentials = `<section id="credentials" aria-labelledby="credentials-h">
<h2 id="credentials-h">Credentials</h2>
<div class="notice unavailable" id="credentials-unavailable" hidden></div>
<div id="credentials-panel">
<p class="help">Rotation without downtime: add the new secret, promote it once verified, then retire the old one.</p>
<div id="credential-list"></div>
<form id="credential-form" novalidate>
<div class="grid">
${field('newSecret', 'New client secret value', '<input type="password" id="f-newSecret" name="value" autocomplete="new-password" aria-describedby="e-newSecret">')}
${field('newSecretExpiresOn', 'Expires on', '<input type="date" id="f-newSecretExpiresOn" name="expiresOn" aria-describedby="e-newSecretExpiresOn">')}
</div>
<p class="error" id="e-credential-form" role="alert"></p>
<div class="actions"><button type="submit">Add credential</button><span id="credential-result" role="status" aria-live="polite"></span></div>
</form>
</div>
</section>`;

const alerts = `<section id="alerts" aria-labelledby="alerts-h">
<h2 id="alerts-h">Alerts</h2>
<div class="notice unavailable" id="alerts-unavailable" hidden></div>
<div id="alerts-panel"><div class="actions"><button type="button" class="secondary" id="refresh-alerts">Refresh</button></div><div id="alert-list"></div></div>
</section>`;

const properties = `<section id="properties" aria-labelledby="properties-h">
<h2 id="properties-h">Properties</h2>
<form id="properties-form" novalidate>
<div class="grid" id="property-fields"></div>
<p class="error" id="e-properties-form" role="alert"></p>
<div class="actions"><button type="submit">Save properties</button><span id="properties-result" role="status" aria-live="polite"></span></div>
</form>
</section>`;

export const CONSOLE_BODY = `<a class="visually-hidden" href="#setup">Skip to setup</a>
<header>
<h1>SharePoint &amp; OneDrive Sync: admin console</h1>
<nav aria-label="Sections"><ul>
<li><a href="#setup">Setup</a></li><li><a href="#drives">Drives</a></li><li><a href="#runs">Runs</a></li>
<li><a href="#credentials">Credentials</a></li><li><a href="#alerts">Alerts</a></li><li><a href="#properties">Properties</a></li>
</ul></nav>
</header>
<main>
<div class="notice bad" id="key-notice" role="alert" hidden>
<form id="key-form"><div class="field"><label for="f-functionKey">Master (management) key</label><input type="password" id="f-functionKey" autocomplete="off" aria-describedby="h-functionKey"><p class="help" id="h-functionKey">The service refused the key (or none was given). The console manages the integration, credentials and properties, so it needs the <strong>master key</strong> (on Azure: <code>az functionapp keys list -g &lt;group&gt; -n &lt;app&gt; --query masterKey</code>); the platform key is refused on management routes by design. The key stays in this browser tab only.</p></div><div class="actions"><button type="submit">Use key</button></div></form>
</div>
${setup}
${drives}
${runs}
${credentials}
${alerts}
${properties}
</main>`;
