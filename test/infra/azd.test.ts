import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeArm, literal, moduleDeployment, ofType, repoRoot, resourcesOf, scopes } from './armTemplate';

const graphPermissions = JSON.parse(readFileSync(resolve(repoRoot, 'infra/graph-permissions.json'), 'utf8')) as {
    delegated: string[];
    application: string[];
};

describe('infrastructure: azd project files', () => {
    const azureYaml = readFileSync(resolve(repoRoot, 'azure.yaml'), 'utf8');

    it('azure.yaml deploys service api (TypeScript) to a function app from infra/main.bicep', () => {
        expect(azureYaml).toMatch(/^services:\n {2}api:\n(?: {4}.*\n)*? {4}language: ts$/m);
        expect(azureYaml).toMatch(/^services:\n {2}api:\n(?: {4}.*\n)*? {4}host: function$/m);
        expect(azureYaml).toMatch(/^infra:\n(?: {2}.*\n)*? {2}path: infra$/m);
    });

    it('the postprovision hooks exist and print the redirect URI and the Graph permissions', () => {
        const hooks = [...azureYaml.matchAll(/run: (\S+)/g)].map((m) => m[1]);
        expect(hooks).toEqual([
            './infra/hooks/postprovision.sh',
            './infra/hooks/postprovision.ps1',
            './infra/hooks/postdeploy.sh',
            './infra/hooks/postdeploy.ps1',
        ]);
        for (const hook of hooks.filter((h) => h.includes('postprovision'))) {
            const text = readFileSync(resolve(repoRoot, hook), 'utf8');
            for (const v of ['OAUTH_REDIRECT_URI', 'GRAPH_DELEGATED_PERMISSIONS', 'GRAPH_APPLICATION_PERMISSIONS'])
                expect(text).toContain(v);
            // Both keys, by how to read them; never the default host key (it would open the management routes' level below).
            for (const v of ['MANAGEMENT_ACCESS_COMMAND', 'PLATFORM_ACCESS_COMMAND']) expect(text).toContain(v);
            expect(text).not.toContain('functionKeys.default');
        }
    });

    it('the postdeploy hooks create the platform key (a named host key) if missing, and never print a key', () => {
        for (const hook of ['./infra/hooks/postdeploy.sh', './infra/hooks/postdeploy.ps1']) {
            const text = readFileSync(resolve(repoRoot, hook), 'utf8');
            expect(text).toMatch(/az functionapp keys set [^\n]*--key-type functionKeys --key-name platform/);
            expect(text).not.toMatch(/--key-value/);
            // What the keys list returns is kept in a variable, never echoed.
            expect(text).not.toMatch(/(echo|Write-Host)[^\n]*\$\{?existing/);
        }
    });

    it('the Graph permissions cover what the service asks Graph for', () => {
        expect(graphPermissions.delegated).toEqual(
            expect.arrayContaining(['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read', 'offline_access']),
        );
        expect(graphPermissions.application).toEqual(['Sites.ReadWrite.All']);
    });

    it('main.parameters.json maps the azd environment', () => {
        expect(existsSync(resolve(repoRoot, 'infra/main.parameters.json'))).toBe(true);
        const p = JSON.parse(readFileSync(resolve(repoRoot, 'infra/main.parameters.json'), 'utf8')).parameters;
        expect(p).toMatchObject({
            environmentName: { value: '${AZURE_ENV_NAME}' },
            location: { value: '${AZURE_LOCATION}' },
            principalId: { value: '${AZURE_PRINCIPAL_ID}' },
        });
    });
});

describeArm('infrastructure: azd conventions', (arm) => {
    it('deploys at subscription scope into one resource group tagged azd-env-name', () => {
        const main = scopes(arm())[0].template as { $schema?: string };
        expect(main.$schema).toContain('subscriptionDeploymentTemplate');
        const rgs = resourcesOf(arm()).filter((r) => r.type === 'Microsoft.Resources/resourceGroups');
        expect(rgs).toHaveLength(1);
        expect(rgs[0].tags).toBe("[variables('tags')]");
        expect(arm().variables?.tags).toEqual({ 'azd-env-name': "[parameters('environmentName')]" });
        expect(arm().variables?.resourceToken).toBe(
            "[toLower(uniqueString(subscription().id, parameters('environmentName'), parameters('location')))]",
        );
        // Every module tags its resources with the same azd-env-name.
        for (const s of scopes(arm()).slice(1)) {
            if (s.template.parameters?.tags)
                expect({ module: s.path, tags: s.passed.tags?.value }).toEqual({
                    module: s.path,
                    tags: "[variables('tags')]",
                });
        }
    });

    it('tags the function app azd-service-name: api', () => {
        const [{ resource: site, scope }] = ofType(arm(), 'Microsoft.Web/sites');
        expect(site.tags).toBe(
            "[union(parameters('tags'), createObject('azd-service-name', parameters('serviceName')))]",
        );
        expect(literal("[parameters('serviceName')]", scope)).toBe('api');
    });

    it('outputs the exact OAuth redirect URI from the generated host name, and the Graph permissions', () => {
        const outputs = arm().outputs!;
        const host =
            "reference(extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, format('rg-{0}', parameters('environmentName'))), 'Microsoft.Resources/deployments', 'functionapp'), '2025-04-01').outputs.defaultHostName.value";
        expect(outputs.OAUTH_REDIRECT_URI.value).toBe(`[format('https://{0}/oauth2/sharepoint/callback', ${host})]`);
        expect(outputs.FUNCTION_APP_HOSTNAME.value).toBe(`[${host}]`);
        const [{ resource: app }] = ofType(arm(), 'Microsoft.Web/sites');
        expect(app.name).toBe("[parameters('name')]");
        const fnOutputs = scopes(arm()).find((s) => s.path.join('/') === 'functionapp')!.template.outputs!;
        expect(fnOutputs.defaultHostName.value).toBe(
            "[reference(resourceId('Microsoft.Web/sites', parameters('name')), '2024-04-01').defaultHostName]",
        );

        expect(outputs.GRAPH_DELEGATED_PERMISSIONS.value).toBe("[join(variables('graphPermissions').delegated, ' ')]");
        expect(outputs.GRAPH_APPLICATION_PERMISSIONS.value).toBe(
            "[join(variables('graphPermissions').application, ' ')]",
        );
        expect(literal("[variables('graphPermissions').delegated]", scopes(arm())[0])).toEqual(
            graphPermissions.delegated,
        );
        expect(outputs.SERVICE_API_NAME).toBeDefined();
        // How to read the two keys (never the keys: outputs are not secret).
        expect(outputs.MANAGEMENT_ACCESS_COMMAND.value).toMatch(/az functionapp keys list .* --query masterKey -o tsv/);
        expect(outputs.PLATFORM_ACCESS_COMMAND.value).toMatch(
            /az functionapp keys list .* --query functionKeys\.platform -o tsv/,
        );
        expect(moduleDeployment(arm(), 'functionapp').properties!.parameters!.serviceName.value).toBe('api');
    });

    it('every parameter without a default is fed by main.parameters.json, and nothing else is', () => {
        const declared = arm().parameters!;
        const fed = Object.keys(
            JSON.parse(readFileSync(resolve(repoRoot, 'infra/main.parameters.json'), 'utf8')).parameters,
        );
        expect(fed.filter((n) => !(n in declared))).toEqual([]);
        expect(Object.keys(declared).filter((n) => !('defaultValue' in declared[n]) && !fed.includes(n))).toEqual([]);
    });
});
