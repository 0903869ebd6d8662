// One storage account for everything the service keeps: the Functions host's own storage
// (AzureWebJobsStorage: leases, timer locks, keys), the Flex Consumption deployment package, the
// platform store container, the sync and transfer queues, and the state tables (token cache, sync
// state, cursors, runs). Shared keys are disabled: every caller authenticates with Entra ID, so no
// connection string with a key exists anywhere.
// Shape mirrors br/public:avm/res/storage/storage-account (0.8.x) as used by the Flex quickstart.

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Blob container that Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('Blob container of the platform store (PLATFORM_CONTAINER).')
param platformContainerName string

@description('Queue names the service uses (SYNC_QUEUE_NAME, TRANSFER_QUEUE_NAME).')
param queueNames string[]

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Identity only: no account keys, no SAS signed with them. Upload slots are user delegation SAS.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    // Flex Consumption without VNet integration reaches storage over its public endpoint.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // A sync engine that deletes on the platform side must be recoverable when it gets it wrong.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource platformContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: platformContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

// Created up front so the queue triggers listen from the first start; the host creates the
// -poison queues itself (Storage Queue Data Contributor allows it).
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

// Tables are created by the service under TABLE_PREFIX; the service only needs the endpoint.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

@description('Storage account name.')
output name string = account.name

@description('Blob endpoint, e.g. https://<account>.blob.core.windows.net/ (trailing slash).')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint.')
output tableEndpoint string = account.properties.primaryEndpoints.table
