// The service itself: a Linux Function App on the Flex Consumption plan (FC1), running as the
// user-assigned identity. Every connection is identity-based, so no app setting holds a secret.
// Shape mirrors br/public:avm/res/web/serverfarm (0.1.x) and br/public:avm/res/web/site (0.15.x) as
// used by Azure-Samples/functions-quickstart-typescript-azd (infra/app/api.bicep).

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to the plan and the app; the app also gets azd-service-name.')
param tags object

@description('azd service name in azure.yaml; azd finds the deploy target by this tag.')
param serviceName string

@description('Node.js major version of the Functions runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Blob endpoint of the service\'s data account (trailing slash): the platform store.')
param blobEndpoint string

@description('Queue endpoint of the service\'s data account: the sync and transfer queues.')
param queueEndpoint string

@description('Table endpoint of the service\'s data account: the state tables.')
param tableEndpoint string

@description('Blob endpoint of the host\'s storage account (AzureWebJobsStorage, the deployment package).')
param hostBlobEndpoint string

@description('Queue endpoint of the host\'s storage account.')
param hostQueueEndpoint string

@description('Table endpoint of the host\'s storage account.')
param hostTableEndpoint string

@description('Subnet the app joins (VNet integration, main.bicep privateNetworking); empty: none.')
param virtualNetworkSubnetId string = ''

@description('Blob container the Flex plan deploys the package to.')
param deploymentContainerName string

@description('Platform store container (PLATFORM_CONTAINER).')
param platformContainerName string

@description('Queue carrying one message per drive sync (SYNC_QUEUE_NAME).')
param syncQueueName string

@description('Queue carrying one message per file transfer (TRANSFER_QUEUE_NAME).')
param transferQueueName string

@description('Prefix of the tables the service creates (TABLE_PREFIX).')
param tablePrefix string

@description('Key Vault URI (KEY_VAULT_URL).')
param keyVaultUri string

@description('Application Insights component the host sends telemetry to.')
param appInsightsName string

@description('Comma-separated origins the OAuth flow may redirect back to (PLATFORM_ALLOWED_ORIGINS).')
param platformAllowedOrigins string

@description('Optional URL receiving alerts as signed POSTs (PLATFORM_WEBHOOK_URL); empty means none (lib/config treats an empty setting as absent).')
param platformWebhookUrl string

@description('Maximum number of instances the Flex plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// Read here rather than passed in, so no deployment output carries a connection string. It only
// identifies the component: with local auth disabled, ingestion needs the identity's Entra token.
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // With private networking, outbound calls (storage, Key Vault) go through the VNet's private endpoints.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// azd deploys Flex apps with an Entra token (OneDeploy); publishing passwords are never needed.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

var publicBaseUrl = 'https://${app.properties.defaultHostName}'

// Settings names: the Functions platform's own (AzureWebJobsStorage__*, APPLICATIONINSIGHTS_*) and
// the service's, exactly as lib/config/settings.ts names them (test/infra checks both ways). Flex
// Consumption rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: functionAppConfig.runtime
// replaces them. A separate resource because PUBLIC_BASE_URL needs the app's generated host name.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // Host storage, identity-based (leases, timer locks, keys): its own account, apart from the data.
    AzureWebJobsStorage__blobServiceUri: hostBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: hostQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: hostTableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Telemetry through Entra ID (the component has local auth disabled).
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The service's storage: the queue triggers' connection (functions/definition.ts
    // STORAGE_CONNECTION) and the SDK clients, the data account, same identity. No SyncStorage
    // connection string: it would need an account key.
    SyncStorage__blobServiceUri: blobEndpoint
    SyncStorage__queueServiceUri: queueEndpoint
    SyncStorage__tableServiceUri: tableEndpoint
    SyncStorage__credential: 'managedidentity'
    SyncStorage__clientId: identityClientId
    SYNC_QUEUE_NAME: syncQueueName
    TRANSFER_QUEUE_NAME: transferQueueName
    TABLE_PREFIX: tablePrefix
    PLATFORM_CONTAINER: platformContainerName
    KEY_VAULT_URL: keyVaultUri
    AZURE_CREDENTIAL: 'managedidentity'
    AZURE_CLIENT_ID: identityClientId
    PUBLIC_BASE_URL: publicBaseUrl
    PLATFORM_ALLOWED_ORIGINS: platformAllowedOrigins
    PLATFORM_WEBHOOK_URL: platformWebhookUrl
  }
}

@description('Function app name.')
output name string = app.name

@description('Default host name, e.g. <name>-<hash>.<region>-01.azurewebsites.net (never assumed: new sites get a unique one).')
output defaultHostName string = app.properties.defaultHostName

@description('PUBLIC_BASE_URL as configured.')
output publicBaseUrl string = publicBaseUrl
