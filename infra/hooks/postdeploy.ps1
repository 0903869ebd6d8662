# azd postdeploy hook (Windows): makes sure the platform's key exists (the host key named "platform").
# Same steps as postdeploy.sh; management routes take only the _master key. Key values are never printed.
$ErrorActionPreference = 'Stop'

if (-not $env:AZURE_RESOURCE_GROUP -or -not $env:SERVICE_API_NAME) { throw 'AZURE_RESOURCE_GROUP / SERVICE_API_NAME missing: run through azd (azd deploy / azd up)' }

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Write-Host "Azure CLI not found: create the platform key yourself:"
    Write-Host "  az functionapp keys set -g $($env:AZURE_RESOURCE_GROUP) -n $($env:SERVICE_API_NAME) --key-type functionKeys --key-name platform"
    exit 0
}

$existing = az functionapp keys list -g $env:AZURE_RESOURCE_GROUP -n $env:SERVICE_API_NAME --query functionKeys.platform -o tsv 2>$null
if (-not $existing) {
    # No key value given: the host generates the key.
    az functionapp keys set -g $env:AZURE_RESOURCE_GROUP -n $env:SERVICE_API_NAME --key-type functionKeys --key-name platform --query name -o tsv | Out-Null
    Write-Host "Created the platform key (host key 'platform')."
} else {
    Write-Host "The platform key (host key 'platform') exists; kept as it is."
}
Remove-Variable existing

Write-Host @"
Read the keys (secrets: keep them in the platform's and the admins' secret stores):
  management key: $($env:MANAGEMENT_ACCESS_COMMAND)
  platform key:   $($env:PLATFORM_ACCESS_COMMAND)
"@
