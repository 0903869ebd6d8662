// The one identity the service runs as. User-assigned (not system-assigned) so that its client id
// exists before the function app does: the app settings, the Flex deployment storage and the role
// assignments all need it at creation time.
// Shape mirrors br/public:avm/res/managed-identity/user-assigned-identity (0.4.x).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for the function app identity block and the Flex deployment storage.')
output resourceId string = identity.id

@description('Client id: what the app passes to ManagedIdentityCredential (AZURE_CLIENT_ID, *__clientId).')
output clientId string = identity.properties.clientId

@description('Object (principal) id: what the role assignments grant to.')
output principalId string = identity.properties.principalId
