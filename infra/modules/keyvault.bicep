// Key Vault for the integrations' client secrets and certificates (with expiresOn and tags, read by
// the expiry-alert timer) and the token-cache key. Access is Azure RBAC only (no access policies),
// so the role assignments in rbac.bicep are the complete list of who can read a secret.
// Shape mirrors br/public:avm/res/key-vault/vault (0.13.x).

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the vault.')
param tags object

@description('Public network access. Disabled requires a private endpoint and VNet integration of the app, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string

@description('Days a deleted vault or secret stays recoverable (7-90). With purge protection the vault name stays reserved for this long after azd down.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      // Standard: secrets only; Premium (HSM keys) buys nothing for client secrets.
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // A deleted client secret would disconnect every drive: deletion must always be recoverable.
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
    }
  }
}

@description('Vault name.')
output name string = vault.name

@description('Vault URI, e.g. https://<name>.vault.azure.net/ (KEY_VAULT_URL).')
output uri string = vault.properties.vaultUri
