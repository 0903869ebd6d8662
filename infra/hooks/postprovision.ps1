# azd postprovision hook (Windows): prints what the Entra administrator must enter in the app
# registration. Same text as postprovision.sh; azd exports the deployment outputs as environment variables.
$ErrorActionPreference = 'Stop'

if (-not $env:OAUTH_REDIRECT_URI) { throw 'OAUTH_REDIRECT_URI missing: run through azd (azd provision / azd up)' }

Write-Host @"

== SharePoint & OneDrive sync: finish the Entra app registration ==================================
Function app:   $($env:SERVICE_API_NAME) (resource group $($env:AZURE_RESOURCE_GROUP), tenant $($env:AZURE_TENANT_ID))
Public URL:     $($env:PUBLIC_BASE_URL)

In the Microsoft Entra admin center > App registrations > (a registration dedicated to this
service, not the one used for email or calendar):

 1. Authentication > Add a platform > Web > Redirect URI, exactly (HTTPS, same casing, no trailing slash):
      $($env:OAUTH_REDIRECT_URI)
 2. API permissions > Add a permission > Microsoft Graph > Delegated permissions:
      $($env:GRAPH_DELEGATED_PERMISSIONS)
    (app-only drives instead use Application permissions: $($env:GRAPH_APPLICATION_PERMISSIONS))
    then "Grant admin consent": every permission must show a green check.
 3. Certificates & secrets > New client secret: copy the VALUE (not the secret ID) and its expiry,
    then PUT them with the tenant and client ids to /api/manage/integration (the secret goes to Key Vault).
 4. Check every setup checkpoint: GET $($env:PUBLIC_BASE_URL)/api/manage/integration/status

Two keys (not printed here; they are secrets). After azd deploy (its hook creates the platform key):
  management key (/api/manage/..., the /manage console; Azure's _master key):
    $($env:MANAGEMENT_ACCESS_COMMAND)
  platform key (every other /api route; the host key named platform):
    $($env:PLATFORM_ACCESS_COMMAND)
====================================================================================================
"@
