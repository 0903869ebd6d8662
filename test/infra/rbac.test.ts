import { ArmResource, describeArm, inner, literal, moduleDeployment, ofType, Scope } from './armTemplate';

/** Built-in role definition ids (azure-platform.md 1.2). */
const ROLE = {
    storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
    storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

const HOST = "resourceId('Microsoft.Storage/storageAccounts', parameters('hostStorageAccountName'))";
const DATA = "resourceId('Microsoft.Storage/storageAccounts', parameters('dataStorageAccountName'))";
const PLATFORM_CONTAINER =
    "resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('dataStorageAccountName'), 'default', parameters('platformContainerName'))";
const VAULT = "resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))";
const INSIGHTS = "resourceId('Microsoft.Insights/components', parameters('appInsightsName'))";
const APP = "parameters('appPrincipalId')";
const DEPLOYER = "parameters('deployerPrincipalId')";

/**
 * Exactly what the service does, each on the one resource it concerns; then the optional deployer.
 * Blob Data Owner only where the Functions host needs it (its own account: keys, leases, package);
 * on the service's data account, blob access is scoped to the platform container.
 */
const EXPECTED = [
    { principal: APP, role: ROLE.storageBlobDataOwner, scope: HOST },
    { principal: APP, role: ROLE.storageQueueDataContributor, scope: HOST },
    { principal: APP, role: ROLE.storageTableDataContributor, scope: HOST },
    { principal: APP, role: ROLE.storageBlobDataContributor, scope: PLATFORM_CONTAINER },
    { principal: APP, role: ROLE.storageBlobDelegator, scope: DATA },
    { principal: APP, role: ROLE.storageQueueDataContributor, scope: DATA },
    { principal: APP, role: ROLE.storageTableDataContributor, scope: DATA },
    { principal: APP, role: ROLE.keyVaultSecretsOfficer, scope: VAULT },
    { principal: APP, role: ROLE.monitoringMetricsPublisher, scope: INSIGHTS },
    { principal: DEPLOYER, role: ROLE.storageBlobDataContributor, scope: DATA },
    { principal: DEPLOYER, role: ROLE.storageQueueDataContributor, scope: DATA },
    { principal: DEPLOYER, role: ROLE.storageTableDataContributor, scope: DATA },
    { principal: DEPLOYER, role: ROLE.keyVaultSecretsOfficer, scope: VAULT },
];

interface Assignment {
    resource: ArmResource;
    scope: Scope;
    principal: string;
    role: string;
    roleExpr: string;
    target: string;
}

function assignments(arm: Parameters<typeof ofType>[0]): Assignment[] {
    return ofType(arm, 'Microsoft.Authorization/roleAssignments').map(({ resource, scope }) => {
        const props = resource.properties as { roleDefinitionId: string; principalId: string };
        const m = /^\[subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (.+)\)\]$/.exec(
            props.roleDefinitionId,
        );
        if (!m) throw new Error(`unexpected roleDefinitionId ${props.roleDefinitionId}`);
        return {
            resource,
            scope,
            principal: inner(props.principalId),
            role: String(literal(`[${m[1]}]`, scope)),
            roleExpr: m[1],
            target: inner(resource.scope),
        };
    });
}

describeArm('infrastructure: role assignments', (arm) => {
    it('grants exactly the intended roles, each scoped to its resource', () => {
        const actual = assignments(arm()).map(({ principal, role, target }) => ({ principal, role, scope: target }));
        const key = (a: { principal: string; role: string; scope: string }) => `${a.principal} ${a.role} ${a.scope}`;
        expect(actual.map(key).sort()).toEqual(EXPECTED.map(key).sort());
    });

    it('no role on the data account reaches beyond the platform container, and none owns it', () => {
        const onData = assignments(arm()).filter((a) => a.target === DATA || a.target === PLATFORM_CONTAINER);
        expect(onData.filter((a) => a.role === ROLE.storageBlobDataOwner)).toEqual([]);
        const appBlob = onData.filter(
            (a) =>
                a.principal === APP &&
                [ROLE.storageBlobDataContributor, ROLE.storageBlobDataOwner].includes(a.role as never),
        );
        expect(appBlob.map((a) => a.target)).toEqual([PLATFORM_CONTAINER]);
        // The deployer never gets the host's account (its keys).
        expect(assignments(arm()).filter((a) => a.principal === DEPLOYER && a.target === HOST)).toEqual([]);
    });

    it('names each assignment guid(scope, principal, role), so re-deploying is idempotent', () => {
        for (const a of assignments(arm())) {
            expect(a.resource.name).toBe(`[guid(${a.target}, ${a.principal}, ${a.roleExpr})]`);
        }
    });

    it('lives in the rbac module only; the app identity as ServicePrincipal, the deployer only when given', () => {
        for (const a of assignments(arm())) {
            expect(a.scope.path).toEqual(['rbac']);
            const props = a.resource.properties as { principalType: string };
            if (a.principal === APP) {
                expect(props.principalType).toBe('ServicePrincipal');
                expect(a.resource.condition).toBeUndefined();
            } else {
                expect(props.principalType).toBe("[parameters('deployerPrincipalType')]");
                expect(literal(a.resource.condition, a.scope)).toBe("[not(empty(parameters('deployerPrincipalId')))]");
            }
        }
        const withDeployer = literal("[variables('withDeployer')]", assignments(arm())[0].scope);
        expect(withDeployer).toBe("[not(empty(parameters('deployerPrincipalId')))]");
    });

    it("the function app's identity is the only application principal: the same identity runs the app and holds the roles", () => {
        const identity = (output: string) =>
            `[reference(extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, format('rg-{0}', parameters('environmentName'))), 'Microsoft.Resources/deployments', 'identity'), '2025-04-01').outputs.${output}.value]`;
        const rbac = moduleDeployment(arm(), 'rbac').properties!.parameters!;
        expect(rbac.appPrincipalId.value).toBe(identity('principalId'));
        expect(rbac.deployerPrincipalId.value).toBe("[parameters('principalId')]");
        const app = moduleDeployment(arm(), 'functionapp').properties!.parameters!;
        expect(app.identityId.value).toBe(identity('resourceId'));
        expect(app.identityClientId.value).toBe(identity('clientId'));
        expect(ofType(arm(), 'Microsoft.ManagedIdentity/userAssignedIdentities')).toHaveLength(1);
    });

    it('scopes point at the very resources the other modules create', () => {
        const passed = (m: string, p: string) => moduleDeployment(arm(), m).properties!.parameters![p].value;
        expect(passed('rbac', 'hostStorageAccountName')).toBe(passed('storage', 'name'));
        expect(passed('rbac', 'dataStorageAccountName')).toBe(passed('datastorage', 'name'));
        expect(passed('storage', 'name')).not.toBe(passed('datastorage', 'name'));
        expect(passed('rbac', 'keyVaultName')).toBe(passed('keyvault', 'name'));
        expect(passed('rbac', 'appInsightsName')).toBe(passed('monitoring', 'appInsightsName'));
        expect(passed('functionapp', 'appInsightsName')).toBe(passed('monitoring', 'appInsightsName'));
    });
});
