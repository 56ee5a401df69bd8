#!/usr/bin/env bash
# The interop matrix: five code generators, the official MCP server and the v1 official SDK, each at a pinned
# version, against one sandbox. They are installed from the npm registry in a scratch project outside the
# repository (INTEROP_DIR, default $TMPDIR/feishu-meeting-chat-interop), never into its node_modules; an install
# whose package.json is unchanged is reused. --ignore-scripts: lark-mcp's optional keychain module (keytar)
# would build native code, and nothing here needs an install script.
set -euo pipefail
cd "$(dirname "$0")/../../.."

scratch="${INTEROP_DIR:-${TMPDIR:-/tmp}/feishu-meeting-chat-interop}"
mkdir -p "$scratch"
if ! cmp -s test/interop/matrix/scratch-package.json "$scratch/package.json" || [ ! -d "$scratch/node_modules" ]; then
  rm -rf "$scratch/node_modules" "$scratch/package-lock.json"
  cp test/interop/matrix/scratch-package.json "$scratch/package.json"
  (cd "$scratch" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

INTEROP_DIR="$scratch" npx vitest run --config test/interop/matrix/vitest.config.ts "$@"
