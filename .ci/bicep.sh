#!/usr/bin/env bash
# Builds, lints and format-checks the infrastructure (infra/main.bicep) with a Bicep CLI obtained from NuGet, and
# leaves the compiled ARM template at .bicep/main.json for test/infra. Warnings count as failures:
# infra/bicepconfig.json sets the linter rules to error, and any compiler warning left (BCP codes)
# fails here too. Needs only the .NET SDK. Exit status is non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bicep="${BICEP:-}"
if [[ -z "$bicep" ]]; then
  bicep="$(dev/tools/bicep/get-bicep.sh)"
fi
echo "bicep.sh: using $bicep"

mkdir -p .bicep
failed=0

# Runs one bicep command, prints its diagnostics, and fails on errors and on warnings alike.
run() {
  local what="$1"; shift
  local output status=0
  output="$("$bicep" "$@" 2>&1)" || status=$?
  if [[ -n "$output" ]]; then echo "$output"; fi
  if (( status != 0 )); then
    echo "bicep.sh: $what FAILED (exit $status)"
    failed=1
  elif grep -qE ' : Warning ' <<<"$output"; then
    echo "bicep.sh: $what FAILED: warnings are treated as errors"
    failed=1
  else
    echo "bicep.sh: $what ok"
  fi
}

run "build infra/main.bicep -> .bicep/main.json" build infra/main.bicep --outfile .bicep/main.json
run "lint infra/main.bicep" lint infra/main.bicep

# Layout is the formatter's (bicep format), so diffs stay about content.
unformatted=0
while IFS= read -r -d '' file; do
  if ! "$bicep" format --stdout "$file" | diff -u "$file" - >/dev/null; then
    echo "bicep.sh: $file is not formatted: run $bicep format $file"
    unformatted=1
  fi
done < <(find infra -name '*.bicep' -print0 | sort -z)
if (( unformatted )); then
  echo "bicep.sh: format check FAILED"
  failed=1
else
  echo "bicep.sh: format check ok"
fi

if (( failed )); then
  rm -f .bicep/main.json # never leave a template that did not pass for the tests to read
  exit 1
fi
echo "bicep.sh: infrastructure builds and lints cleanly; ARM template at .bicep/main.json ($(wc -c <.bicep/main.json) bytes)"
