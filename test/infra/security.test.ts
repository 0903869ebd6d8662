import { allResources, describeArm, inner, literal, moduleDeployment, ofType, scopes } from './armTemplate';

/** Secret-bearing ARM constructs: account keys, SAS, list*() calls that return keys or connection strings. */
const SECRET_PATTERNS = [
    /AccountKey=/i,
    /SharedAccessKey=/i,
    /SharedAccessSignature=/i,
    /\bsig=/i,
    /\blist[A-Za-z]*\s*\(/,
    /secureString|secureObject/,
];

describeArm('infrastructure: security posture', (arm) => {
    it('storage accepts Entra ID only, over HTTPS with TLS 1.2+, with no public blobs', () => {
        // Two accounts: the host's own (keys, leases, package) and the service's data.
        const accounts = ofType(arm(), 'Microsoft.Storage/storageAccounts');
        expect(accounts.map((a) => a.scope.path.join('/')).sort()).toEqual(['datastorage', 'storage']);
        for (const { resource } of accounts) {
            expect(resource.properties).toMatchObject({
                allowSharedKeyAccess: false,
                supportsHttpsTrafficOnly: true,
                allowBlobPublicAccess: false,
            });
            expect(['TLS1_2', 'TLS1_3']).toContain(resource.properties?.minimumTlsVersion);
        }
        for (const { resource } of ofType(arm(), 'Microsoft.Storage/storageAccounts/blobServices/containers')) {
            expect(resource.properties?.publicAccess).toBe('None');
        }
    });

    it('the function app runs on Flex Consumption, HTTPS only, as the user-assigned identity alone', () => {
        const [plan] = ofType(arm(), 'Microsoft.Web/serverfarms').map((l) => l.resource);
        expect(plan.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
        expect(plan.properties?.reserved).toBe(true);

        const sites = ofType(arm(), 'Microsoft.Web/sites');
        expect(sites).toHaveLength(1);
        const [{ resource: site, scope }] = sites;
        expect(site.kind).toBe('functionapp,linux');
        expect(site.identity?.type).toBe('UserAssigned');
        expect(site.properties).toMatchObject({
            httpsOnly: true,
            siteConfig: { minTlsVersion: '1.2', ftpsState: 'Disabled' },
        });

        const config = site.properties?.functionAppConfig as {
            runtime: { name: string; version: string };
            deployment: {
                storage: { type: string; authentication: { type: string; userAssignedIdentityResourceId: string } };
            };
        };
        expect(config.runtime.name).toBe('node');
        expect(literal(config.runtime.version, scope)).toBe('22');
        expect(config.deployment.storage.type).toBe('blobContainer');
        // The package is pulled with the same identity the app runs as, never with a storage key.
        expect(config.deployment.storage.authentication.type).toBe('UserAssignedIdentity');
        const identities = Object.keys(site.identity?.userAssignedIdentities as object);
        expect(identities).toEqual([
            `[format('{0}', ${inner(config.deployment.storage.authentication.userAssignedIdentityResourceId)})]`,
        ]);

        // No FTP / Kudu passwords: azd deploys to Flex with an Entra token.
        const policies = ofType(arm(), 'Microsoft.Web/sites/basicPublishingCredentialsPolicies').map((l) => l.resource);
        expect(policies.map((p) => [p.name.match(/'(ftp|scm)'/)?.[1], p.properties?.allow]).sort()).toEqual([
            ['ftp', false],
            ['scm', false],
        ]);
    });

    it('Key Vault uses RBAC, soft delete and purge protection, and exposes public access as a parameter', () => {
        const vaults = ofType(arm(), 'Microsoft.KeyVault/vaults');
        expect(vaults).toHaveLength(1);
        const [{ resource: vault, scope }] = vaults;
        expect(vault.properties).toMatchObject({
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            enablePurgeProtection: true,
        });
        expect(vault.properties?.accessPolicies ?? []).toEqual([]);
        expect(vault.properties?.publicNetworkAccess).toBe("[parameters('publicNetworkAccess')]");
        expect(vault.properties?.networkAcls).toEqual({
            defaultAction: "[if(equals(parameters('publicNetworkAccess'), 'Enabled'), 'Allow', 'Deny')]",
            bypass: 'AzureServices',
        });
        void scope;
        const main = scopes(arm())[0].template;
        expect(main.parameters?.keyVaultPublicNetworkAccess).toMatchObject({ allowedValues: ['Enabled', 'Disabled'] });
        // Private networking forces it off, whatever keyVaultPublicNetworkAccess says.
        expect(moduleDeployment(arm(), 'keyvault').properties!.parameters!.publicNetworkAccess).toBe(
            "[if(parameters('privateNetworking'), createObject('value', 'Disabled'), createObject('value', parameters('keyVaultPublicNetworkAccess')))]",
        );
    });

    describe('private networking (a parameter, off by default)', () => {
        it('is a boolean parameter, false unless PRIVATE_NETWORKING is set', () => {
            expect(arm().parameters?.privateNetworking).toMatchObject({ type: 'bool', defaultValue: false });
        });

        it('on: both storage accounts deny public traffic (publicNetworkAccess Disabled, defaultAction Deny, no bypass)', () => {
            for (const name of ['storage', 'datastorage'])
                expect(moduleDeployment(arm(), name).properties!.parameters!.privateNetworking.value).toBe(
                    "[parameters('privateNetworking')]",
                );
            for (const { resource } of ofType(arm(), 'Microsoft.Storage/storageAccounts')) {
                expect(resource.properties).toMatchObject({
                    publicNetworkAccess: "[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]",
                    networkAcls: {
                        defaultAction: "[if(parameters('privateNetworking'), 'Deny', 'Allow')]",
                        bypass: "[if(parameters('privateNetworking'), 'None', 'AzureServices')]",
                    },
                });
            }
        });

        it('on: private endpoints for blob, queue and table of both accounts and for the vault, with their DNS zones; the app joins the VNet', () => {
            expect(moduleDeployment(arm(), 'network').condition).toBe("[parameters('privateNetworking')]");
            const network = scopes(arm()).find((s) => s.path.join('/') === 'network')!;
            expect(network.passed.storageAccountNames.value).toEqual([
                "[variables('storageAccountName')]",
                "[variables('dataStorageAccountName')]",
            ]);
            const endpoints = ofType(arm(), 'Microsoft.Network/privateEndpoints');
            const groups = endpoints.flatMap(({ resource, scope }) =>
                (
                    resource.properties!.privateLinkServiceConnections as { properties: { groupIds: string[] } }[]
                ).flatMap((c) => c.properties.groupIds.map((g) => ({ g, copies: resource.copy ? scope : undefined }))),
            );
            expect(groups.map((x) => x.g).sort()).toEqual(["[variables('endpoints')[copyIndex()].service]", 'vault']);
            expect(literal("[variables('storageServices')]", network)).toEqual(['blob', 'queue', 'table']);
            expect(ofType(arm(), 'Microsoft.Network/privateDnsZones')).toHaveLength(2); // storage zones (a copy of 3) + vault
            const [{ resource: vnet }] = ofType(arm(), 'Microsoft.Network/virtualNetworks');
            const subnets = (
                vnet.properties!.subnets as { name: string; properties: { delegations?: unknown[] } }[]
            ).map((s) => [s.name, JSON.stringify(s.properties.delegations ?? [])]);
            expect(subnets).toEqual([
                ['app', expect.stringContaining('Microsoft.App/environments')], // Flex Consumption VNet integration
                ['private-endpoints', '[]'],
            ]);
            const [{ resource: site }] = ofType(arm(), 'Microsoft.Web/sites');
            expect(site.properties?.virtualNetworkSubnetId).toBe(
                "[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]",
            );
            expect(moduleDeployment(arm(), 'functionapp').properties!.parameters!.virtualNetworkSubnetId).toMatch(
                /^\[if\(parameters\('privateNetworking'\), createObject\('value', reference\(.*'network'\).*\.outputs\.appSubnetId\.value\), createObject\('value', ''\)\)\]$/,
            );
        });
    });

    it('Application Insights is workspace-based with local authentication disabled', () => {
        const components = ofType(arm(), 'Microsoft.Insights/components');
        expect(components).toHaveLength(1);
        expect(components[0].resource.properties).toMatchObject({ DisableLocalAuth: true });
        expect(components[0].resource.properties?.WorkspaceResourceId).toEqual(
            expect.stringContaining('Microsoft.OperationalInsights/workspaces'),
        );
    });

    it('no account key, SAS, list*() call or secure value appears anywhere in the template', () => {
        const text = JSON.stringify(arm());
        for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);
    });

    it('no output, in main or any module, carries a key, a secret or a connection string', () => {
        for (const scope of scopes(arm())) {
            for (const [name, output] of Object.entries(scope.template.outputs ?? {})) {
                const where = `${['main', ...scope.path].join('/')} output ${name}`;
                expect({ where, name }).not.toEqual({
                    where,
                    name: expect.stringMatching(/secret|password|connection_?string|sas|key(?!_?vault)/i),
                });
                expect({ where, type: output.type.toLowerCase() }).not.toEqual({
                    where,
                    type: expect.stringMatching(/^secure/),
                });
                expect({ where, value: JSON.stringify(output.value) }).not.toEqual({
                    where,
                    value: expect.stringMatching(/ConnectionString|list[A-Za-z]*\(|Key=/),
                });
            }
        }
    });

    it('no app setting holds a storage connection string; the telemetry one is read from the component', () => {
        const [settings] = allResources(arm()).filter(
            (l) => l.resource.type === 'Microsoft.Web/sites/config' && l.resource.name.includes("'appsettings'"),
        );
        const values = settings.resource.properties as Record<string, unknown>;
        expect(Object.keys(values)).not.toEqual(expect.arrayContaining(['AzureWebJobsStorage']));
        expect(Object.keys(values)).not.toEqual(expect.arrayContaining(['SyncStorage']));
        for (const [name, value] of Object.entries(values)) {
            for (const pattern of SECRET_PATTERNS)
                expect({ name, value }).not.toEqual({ name, value: expect.stringMatching(pattern) });
        }
        expect(values.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(
            "[reference(resourceId('Microsoft.Insights/components', parameters('appInsightsName')), '2020-02-02').ConnectionString]",
        );
        expect(values.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
            "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
        );
    });
});
