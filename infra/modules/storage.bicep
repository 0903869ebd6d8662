// One storage account of the deployment; main.bicep creates two with it (see there): the Functions
// host's own (AzureWebJobsStorage, the deployment package) and the service's data (platform store,
// queues, tables). Shared keys are disabled: every caller authenticates with Entra ID, so no
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

@description('Blob containers to create (publicAccess None).')
param containerNames string[]

@description('Queues to create.')
param queueNames string[] = []

@description('Private networking: public network access off, reachable only through private endpoints (main.bicep privateNetworking).')
param privateNetworking bool

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
    // Flex Consumption without VNet integration reaches storage over its public endpoint from
    // addresses no firewall rule can name, so public access stays on (Entra ID only) unless the
    // deployment joins a VNet: then it is off and the private endpoints are the only way in.
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: privateNetworking ? 'None' : 'AzureServices'
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

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

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

// Tables are created by whoever uses the account (the host, the service under TABLE_PREFIX).
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
