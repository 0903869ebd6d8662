#!/bin/sh
# azd postdeploy hook: makes sure the platform's key exists. Management routes are authLevel admin
# (only the _master host key opens them); the platform calls every other route with a host key of its
# own, named "platform", so that key can be rotated or revoked without touching the management key.
# The host must be running to manage keys, hence after deploy. Key values are never printed.
set -eu

: "${AZURE_RESOURCE_GROUP:?missing: run through azd (azd deploy / azd up)}"
: "${SERVICE_API_NAME:?missing: run through azd (azd deploy / azd up)}"

if ! command -v az >/dev/null 2>&1; then
  echo "Azure CLI not found: create the platform key yourself:"
  echo "  az functionapp keys set -g $AZURE_RESOURCE_GROUP -n $SERVICE_API_NAME --key-type functionKeys --key-name platform"
  exit 0
fi

existing="$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$SERVICE_API_NAME" --query functionKeys.platform -o tsv 2>/dev/null || true)"
if [ -z "$existing" ]; then
  # No key value given: the host generates the key.
  az functionapp keys set -g "$AZURE_RESOURCE_GROUP" -n "$SERVICE_API_NAME" --key-type functionKeys --key-name platform --query name -o tsv >/dev/null
  echo "Created the platform key (host key 'platform')."
else
  echo "The platform key (host key 'platform') exists; kept as it is."
fi
unset existing

cat <<MSG
Read the keys (secrets: keep them in the platform's and the admins' secret stores):
  management key: ${MANAGEMENT_ACCESS_COMMAND:-az functionapp keys list -g $AZURE_RESOURCE_GROUP -n $SERVICE_API_NAME --query masterKey -o tsv}
  platform key:   ${PLATFORM_ACCESS_COMMAND:-az functionapp keys list -g $AZURE_RESOURCE_GROUP -n $SERVICE_API_NAME --query functionKeys.platform -o tsv}
MSG
