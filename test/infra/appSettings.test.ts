import { settings, SettingName } from '../../lib/config/settings';
import { allResources, describeArm, literal, moduleDeployment, ofType, Scope } from './armTemplate';

/** Set by the Functions platform's own conventions, not read by lib/config. */
const PLATFORM = /^(AzureWebJobsStorage__|APPLICATIONINSIGHTS_|FUNCTIONS_)/;

/** What the service needs on Azure: the table's required settings plus identity-based storage and auth. */
const REQUIRED_ON_AZURE: SettingName[] = [
    ...(Object.keys(settings) as SettingName[]).filter((n) => settings[n].default === 'required'),
    'SyncStorage__blobServiceUri',
    'SyncStorage__queueServiceUri',
    'SyncStorage__tableServiceUri',
    'SyncStorage__credential',
    'SyncStorage__clientId',
    'AZURE_CREDENTIAL',
    'AZURE_CLIENT_ID',
    'SYNC_QUEUE_NAME',
    'TRANSFER_QUEUE_NAME',
    'TABLE_PREFIX',
    'PLATFORM_CONTAINER',
];

/** Local-only settings (Azurite connection string, simulators, Key Vault double) must never reach Azure. */
const LOCAL_ONLY: SettingName[] = [
    'SyncStorage',
    'KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION',
    'M365_AUTHORITY_HOST',
    'M365_GRAPH_BASE_URL',
];

function appSettings(arm: Parameters<typeof allResources>[0]): { values: Record<string, unknown>; scope: Scope } {
    const found = allResources(arm).filter(
        (l) => l.resource.type === 'Microsoft.Web/sites/config' && l.resource.name.includes("'appsettings'"),
    );
    expect(found).toHaveLength(1);
    const values = found[0].resource.properties;
    // A plain object (not union()/createObject()) keeps every name visible to this test.
    expect(typeof values).toBe('object');
    return { values: values as Record<string, unknown>, scope: found[0].scope };
}

describeArm('infrastructure: app settings match lib/config/settings.ts', (arm) => {
    it('sets every setting the service needs on Azure', () => {
        const names = Object.keys(appSettings(arm()).values);
        expect(REQUIRED_ON_AZURE.filter((n) => !names.includes(n))).toEqual([]);
        expect(names.filter((n) => n.startsWith('AzureWebJobsStorage__')).sort()).toEqual([
            'AzureWebJobsStorage__blobServiceUri',
            'AzureWebJobsStorage__clientId',
            'AzureWebJobsStorage__credential',
            'AzureWebJobsStorage__queueServiceUri',
            'AzureWebJobsStorage__tableServiceUri',
        ]);
    });

    it("sets nothing the settings table does not know, besides the platform's own, and nothing local-only", () => {
        const names = Object.keys(appSettings(arm()).values);
        expect(names.filter((n) => !(n in settings) && !PLATFORM.test(n))).toEqual([]);
        expect(names.filter((n) => (LOCAL_ONLY as string[]).includes(n))).toEqual([]);
    });

    it('uses the managed identity for storage, Key Vault and telemetry', () => {
        const { values } = appSettings(arm());
        expect(values).toMatchObject({
            AZURE_CREDENTIAL: 'managedidentity',
            SyncStorage__credential: 'managedidentity',
            AzureWebJobsStorage__credential: 'managedidentity',
        });
        for (const n of ['AZURE_CLIENT_ID', 'SyncStorage__clientId', 'AzureWebJobsStorage__clientId']) {
            expect({ n, v: values[n] }).toEqual({ n, v: "[parameters('identityClientId')]" });
        }
        // The service's data and the host's storage are two accounts (README "Security").
        const passed = moduleDeployment(arm(), 'functionapp').properties!.parameters!;
        for (const kind of ['blob', 'queue', 'table']) {
            const Kind = kind[0]!.toUpperCase() + kind.slice(1);
            expect(values[`SyncStorage__${kind}ServiceUri`]).toBe(`[parameters('${kind}Endpoint')]`);
            expect(values[`AzureWebJobsStorage__${kind}ServiceUri`]).toBe(`[parameters('host${Kind}Endpoint')]`);
            expect(passed[`${kind}Endpoint`].value).toMatch(
                /'datastorage'\), '[^']+'\)\.outputs\.\w+Endpoint\.value\]$/,
            );
            expect(passed[`host${Kind}Endpoint`].value).toMatch(
                /'storage'\), '[^']+'\)\.outputs\.\w+Endpoint\.value\]$/,
            );
        }
        expect(values.KEY_VAULT_URL).toBe("[parameters('keyVaultUri')]");
        expect(moduleDeployment(arm(), 'functionapp').properties!.parameters!.keyVaultUri.value).toMatch(
            /'keyvault'\), '[^']+'\)\.outputs\.uri\.value\]$/,
        );
        expect(values.PUBLIC_BASE_URL).toBe(
            "[format('https://{0}', reference(resourceId('Microsoft.Web/sites', parameters('name')), '2024-04-01').defaultHostName)]",
        );
    });

    it("every value known at build time passes the setting's own parser", () => {
        const { values, scope } = appSettings(arm());
        for (const [name, raw] of Object.entries(values)) {
            if (!(name in settings)) continue;
            const value = literal(raw, scope);
            if (typeof value !== 'string' || value.startsWith('[')) continue; // known only at deployment
            if (value === '') continue; // empty = absent for lib/config (optional settings left unset)
            expect(() => settings[name as SettingName].parse(value, name)).not.toThrow();
        }
    });

    it('the queues, the table prefix and the platform container are the ones storage creates', () => {
        const { values, scope } = appSettings(arm());
        // The data account's module (the host's account has no queue of the service).
        const [{ resource: queues, scope: storageScope }] = ofType(
            arm(),
            'Microsoft.Storage/storageAccounts/queueServices/queues',
        ).filter((l) => l.scope.path.join('/') === 'datastorage');
        expect(queues.copy).toBeDefined();
        const created = (literal("[parameters('queueNames')]", storageScope) as unknown[]).map((q) =>
            literal(q, storageScope.parent!),
        );
        expect(created.sort()).toEqual(
            [literal(values.SYNC_QUEUE_NAME, scope), literal(values.TRANSFER_QUEUE_NAME, scope)].sort(),
        );
        expect(literal(values.SYNC_QUEUE_NAME, scope)).toBe(settings.SYNC_QUEUE_NAME.default);
        expect(literal(values.TRANSFER_QUEUE_NAME, scope)).toBe(settings.TRANSFER_QUEUE_NAME.default);
        expect(literal(values.TABLE_PREFIX, scope)).toBe(settings.TABLE_PREFIX.default);

        const containers = (literal("[parameters('containerNames')]", storageScope) as unknown[]).map((c) =>
            literal(c, storageScope.parent!),
        );
        expect(containers).toEqual([literal(values.PLATFORM_CONTAINER, scope)]);
        expect(literal(values.PLATFORM_CONTAINER, scope)).toBe(settings.PLATFORM_CONTAINER.default);
    });
});
