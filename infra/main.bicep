// SharePoint & OneDrive sync service: everything `azd up` provisions. Thin on purpose: naming, tags
// and wiring live here; each concern is one module under modules/. Local modules only, shaped like
// the Azure Verified Modules the Flex quickstart uses (Azure-Samples/functions-quickstart-typescript-azd),
// so that the template builds and is tested without registry access.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds the resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for every resource. It must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deployer (azd sets AZURE_PRINCIPAL_ID); empty grants the deployer nothing.')
param principalId string = ''

@description('Type of that principal.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Node.js major version of the Functions runtime: 22 LTS (Node.js 20 reached end of life on 2026-04-30; package.json engines still allows it).')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@description('Key Vault public network access when privateNetworking is off (with it on, it is always Disabled).')
@allowed([
  'Enabled'
  'Disabled'
])
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Private networking: the app joins a VNet; both storage accounts and Key Vault get private endpoints and turn public network access off (defaultAction Deny). Off by default: it adds a VNet, 7 private endpoints and 4 private DNS zones, which cost more than the rest of the deployment. The app itself stays public (OAuth callback, Graph notifications).')
param privateNetworking bool = false

@description('Days a deleted vault or secret stays recoverable (7-90).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Comma-separated origins the OAuth flow may redirect back to (PLATFORM_ALLOWED_ORIGINS).')
param platformAllowedOrigins string = ''

@description('Optional URL that receives alerts and the change feed as signed POSTs (PLATFORM_WEBHOOK_URL).')
param platformWebhookUrl string = ''

@description('Resource id of an Azure Monitor action group the alert rules notify (e-mail, SMS, Teams, webhook); empty: the alerts show in the portal only.')
param alertActionGroupId string = ''

@description('Failed sync runs within an hour that raise the failed-runs alert.')
@minValue(1)
param failedRunsAlertThreshold int = 5

// Stable per (subscription, environment, region): re-running azd up updates in place.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${resourceToken}'
// Names known before deployment (not module outputs), so what-if can predict the role assignments.
// Two storage accounts: the Functions host's own (its keys, leases, the deployment package) and the
// service's data (platform store, queues, tables), so the data identity never holds Blob Data Owner
// over the host's keys, and upload slots (user delegation SAS) can reach the platform container only.
var storageAccountName = 'st${resourceToken}'
var dataStorageAccountName = 'stp${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var appInsightsName = 'appi-${resourceToken}'
// The Flex quickstart's naming for the package container (container names stop at 63 characters).
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

// Names the service uses inside storage. They are also app settings (lib/config/settings.ts
// defaults), set explicitly so that the resources created here and the settings cannot drift apart.
var syncQueueName = 'sync'
var transferQueueName = 'transfer'
var tablePrefix = 'sync'
var platformContainerName = 'platform'

var graphPermissions = loadJsonContent('graph-permissions.json')

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
    ]
    privateNetworking: privateNetworking
  }
}

module dataStorage 'modules/storage.bicep' = {
  name: 'datastorage'
  scope: rg
  params: {
    name: dataStorageAccountName
    location: location
    tags: tags
    containerNames: [
      platformContainerName
    ]
    queueNames: [
      syncQueueName
      transferQueueName
    ]
    privateNetworking: privateNetworking
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    publicNetworkAccess: privateNetworking ? 'Disabled' : keyVaultPublicNetworkAccess
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    storageAccountNames: [
      storageAccountName
      dataStorageAccountName
    ]
    keyVaultName: keyVaultName
  }
  dependsOn: [
    storage
    dataStorage
    keyVault
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: appInsightsName
    location: location
    tags: tags
  }
}

// Alert rules (poison messages, drives needing sign-in, credential expiry, failed runs, sustained
// throttling) and the workbook, over the service's signal lines in Application Insights.
module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: 'alert-${resourceToken}'
    appInsightsName: appInsightsName
    location: location
    tags: tags
    actionGroupId: alertActionGroupId
    failedRunsThreshold: failedRunsAlertThreshold
  }
  dependsOn: [
    monitoring
  ]
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    hostStorageAccountName: storageAccountName
    dataStorageAccountName: dataStorageAccountName
    platformContainerName: platformContainerName
    keyVaultName: keyVaultName
    appInsightsName: appInsightsName
    // The principal id exists only once the identity does, and it must be part of each assignment's
    // name (one assignment per principal and role), so what-if cannot predict these names.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
  dependsOn: [
    storage
    dataStorage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    nodeVersion: nodeVersion
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    blobEndpoint: dataStorage.outputs.blobEndpoint
    queueEndpoint: dataStorage.outputs.queueEndpoint
    tableEndpoint: dataStorage.outputs.tableEndpoint
    hostBlobEndpoint: storage.outputs.blobEndpoint
    hostQueueEndpoint: storage.outputs.queueEndpoint
    hostTableEndpoint: storage.outputs.tableEndpoint
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    deploymentContainerName: deploymentContainerName
    platformContainerName: platformContainerName
    syncQueueName: syncQueueName
    transferQueueName: transferQueueName
    tablePrefix: tablePrefix
    keyVaultUri: keyVault.outputs.uri
    appInsightsName: appInsightsName
    platformAllowedOrigins: platformAllowedOrigins
    platformWebhookUrl: platformWebhookUrl
  }
  // The host starts as soon as the app exists: its data roles come first.
  dependsOn: [
    monitoring
    rbac
  ]
}

// azd stores these in .azure/<env>/.env; the postprovision hook prints the last four.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output PUBLIC_BASE_URL string = functionApp.outputs.publicBaseUrl
@description('The redirect URI to register (platform type Web) in the Entra app registration: exact, HTTPS, no trailing slash.')
output OAUTH_REDIRECT_URI string = 'https://${functionApp.outputs.defaultHostName}/oauth2/sharepoint/callback'
@description('Microsoft Graph delegated permissions to grant, with admin consent.')
output GRAPH_DELEGATED_PERMISSIONS string = join(graphPermissions.delegated, ' ')
@description('Microsoft Graph application permissions, only for app-only drives.')
output GRAPH_APPLICATION_PERMISSIONS string = join(graphPermissions.application, ' ')
// The two keys are secrets, so no output holds them: these say how to read them (README "Security").
@description('Prints the management key: the _master host key, the only key the /api/manage routes and the /manage console accept (authLevel admin).')
output MANAGEMENT_ACCESS_COMMAND string = 'az functionapp keys list -g ${rg.name} -n ${functionApp.outputs.name} --query masterKey -o tsv'
@description('Prints the platform key: the host key named platform (created by the postdeploy hook), for every /api route but /api/manage.')
output PLATFORM_ACCESS_COMMAND string = 'az functionapp keys list -g ${rg.name} -n ${functionApp.outputs.name} --query functionKeys.platform -o tsv'
@description('Whether storage and Key Vault are reachable only through private endpoints.')
output PRIVATE_NETWORKING bool = privateNetworking
