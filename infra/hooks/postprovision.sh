#!/bin/sh
# azd postprovision hook: prints what the Entra administrator must enter in the app registration.
# azd exports the deployment outputs (infra/main.bicep) as environment variables before running it.
set -eu

: "${OAUTH_REDIRECT_URI:?missing: run through azd (azd provision / azd up)}"

cat <<MSG

== SharePoint & OneDrive sync: finish the Entra app registration ==================================
Function app:   ${SERVICE_API_NAME:-?} (resource group ${AZURE_RESOURCE_GROUP:-?}, tenant ${AZURE_TENANT_ID:-?})
Public URL:     ${PUBLIC_BASE_URL:-?}

In the Microsoft Entra admin center > App registrations > (a registration dedicated to this
service, not the one used for email or calendar):

 1. Authentication > Add a platform > Web > Redirect URI, exactly (HTTPS, same casing, no trailing slash):
      ${OAUTH_REDIRECT_URI}
 2. API permissions > Add a permission > Microsoft Graph > Delegated permissions:
      ${GRAPH_DELEGATED_PERMISSIONS:-?}
    (app-only drives instead use Application permissions: ${GRAPH_APPLICATION_PERMISSIONS:-?})
    then "Grant admin consent": every permission must show a green check.
 3. Certificates & secrets > New client secret: copy the VALUE (not the secret ID) and its expiry,
    then PUT them with the tenant and client ids to /api/manage/integration (the secret goes to Key Vault).
 4. Check every setup checkpoint: GET ${PUBLIC_BASE_URL:-https://<host>}/api/manage/integration/status

Two keys (not printed here; they are secrets). After azd deploy (its hook creates the platform key):
  management key (/api/manage/..., the /manage console; Azure's _master key):
    ${MANAGEMENT_ACCESS_COMMAND:-az functionapp keys list -g <rg> -n <app> --query masterKey -o tsv}
  platform key (every other /api route; the host key named platform):
    ${PLATFORM_ACCESS_COMMAND:-az functionapp keys list -g <rg> -n <app> --query functionKeys.platform -o tsv}
====================================================================================================
MSG
