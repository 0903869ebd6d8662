// Every data-plane role in the deployment, in one place: what the function app's identity needs for
// what the service does, and optionally the same data access for the person who ran azd up (to
// inspect queues, tables and secrets while troubleshooting). Each assignment is scoped to the one
// resource it is about (a container where a container is enough), and named
// guid(scope, principal, role) so re-deploying is idempotent.
// Pattern from Azure-Samples/functions-quickstart-typescript-azd infra/app/rbac.bicep.

@description('Storage account of the Functions host: AzureWebJobsStorage (keys, leases, timer locks) and the deployment package.')
param hostStorageAccountName string

@description('Storage account of the service\'s data: the platform store container, the sync and transfer queues, the state tables.')
param dataStorageAccountName string

@description('Platform store container in the data account (PLATFORM_CONTAINER).')
param platformContainerName string

@description('Key Vault holding the integrations\' credentials.')
param keyVaultName string

@description('Application Insights component the app sends telemetry to.')
param appInsightsName string

@description('Principal (object) id of the function app\'s user-assigned identity.')
param appPrincipalId string

@description('Principal id of the deployer; empty skips the deployer\'s assignments.')
param deployerPrincipalId string

@description('Principal type of the deployer (User for azd up at a desk, ServicePrincipal in a pipeline).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a' // Storage Blob Delegator
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
}

var withDeployer = !empty(deployerPrincipalId)

resource hostStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: hostStorageAccountName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: dataStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource platformContainer 'containers' existing = {
      name: platformContainerName
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// ---- The function app's identity: the host's own account ----

// Owner on the host's account only: Microsoft documents Storage Blob Data Owner as the minimum for
// identity-based AzureWebJobsStorage (coordination blobs, key store, timer-trigger locks), and Flex
// Consumption reads its package from the deployment container with the same identity. The service's
// data lives in another account, where this identity is no owner.
resource appHostBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The host's queue and table use of AzureWebJobsStorage (AzureWebJobsStorage__queueServiceUri/__tableServiceUri).
resource appHostQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageQueueDataContributor
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appHostTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageTableDataContributor
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The function app's identity: the service's data account ----

// Read and write blobs of the platform store container, and nothing else of any account. Upload slots
// are user delegation SAS: what they grant can never exceed this container.
resource appPlatformBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage::blobService::platformContainer.id, appPrincipalId, roles.storageBlobDataContributor)
  scope: dataStorage::blobService::platformContainer
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageBlobDataContributor
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Get User Delegation Key is an account-level action: this role grants that and no data access.
resource appDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, appPrincipalId, roles.storageBlobDelegator)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDelegator)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The sync and transfer queue triggers, the fan-out producers, and the host's -poison queues (the
// account holds no other queue).
resource appQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageQueueDataContributor
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Token cache, sync state, cursors, runs, transfer checkpoints (tables created under TABLE_PREFIX).
resource appTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageTableDataContributor
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Officer, not User: the service writes secrets (setup PUT, credential rotation) as well as reading them.
resource appSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry ingestion with Entra ID (APPLICATIONINSIGHTS_AUTHENTICATION_STRING); local auth is off.
resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The deployer (optional): read and repair the service's data while troubleshooting ----
// Contributor is enough for a person, and only on the data account: the host's keys are not theirs to read.

resource deployerBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(dataStorage.id, deployerPrincipalId, roles.storageBlobDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageBlobDataContributor
    )
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(dataStorage.id, deployerPrincipalId, roles.storageQueueDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageQueueDataContributor
    )
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(dataStorage.id, deployerPrincipalId, roles.storageTableDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageTableDataContributor
    )
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
