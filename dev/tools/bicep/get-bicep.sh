#!/usr/bin/env bash
# Obtains the Bicep CLI from NuGet (package Azure.Bicep.CommandLine.linux-x64) with nothing but the
# .NET SDK, into the git-ignored .bicep/ folder at the repository root, and prints the path of the
# `bicep` executable on stdout (progress goes to stderr). Re-running reuses what is already there.
#
#   BICEP_VERSION  package version to restore (default 0.49.2, the version the template is linted with)
#
# Usage: bicep="$(dev/tools/bicep/get-bicep.sh)"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
version="${BICEP_VERSION:-0.49.2}"
out="$root/.bicep"
packages="$out/packages"
# NuGet lower-cases package ids in its folder layout; the executable ships under tools/.
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"

log() { echo "get-bicep: $*" >&2; }

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) log "only linux-x64 is wired up (found $(uname -s)/$(uname -m)); install Bicep another way and set BICEP=<path>"; exit 2 ;;
esac

if [[ ! -x "$bicep" ]]; then
  command -v dotnet >/dev/null || { log "the .NET SDK (dotnet) is required to fetch the Bicep CLI from NuGet"; exit 2; }
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  mkdir -p "$out/restore"
  cp "$here/bicep-cli.csproj" "$out/restore/bicep-cli.csproj"
  log "restoring Azure.Bicep.CommandLine.linux-x64 $version from NuGet into ${packages#"$root/"} (dotnet $(dotnet --version))"
  if ! dotnet restore "$out/restore/bicep-cli.csproj" --packages "$packages" -p:BicepVersion="$version" --verbosity quiet >&2; then
    log "dotnet restore failed"
    exit 1
  fi
  [[ -f "$bicep" ]] || { log "restore succeeded but $bicep is missing (package layout changed?)"; exit 1; }
  chmod +x "$bicep"
fi

"$bicep" --version >&2 || { log "$bicep does not run"; exit 1; }
echo "$bicep"
