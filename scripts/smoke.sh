#!/usr/bin/env bash
# Runs the smoke test of the built package with the machine's own Node (not the Node 24 of node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
system_node=""
IFS=: read -ra dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
  case "$dir" in *node_modules*) continue ;; esac
  if [ -x "$dir/node" ]; then system_node="$dir/node"; break; fi
done
[ -n "$system_node" ] || { echo "smoke: no system node on PATH" >&2; exit 1; }
[ -f dist/index.js ] || { echo "smoke: dist/ is missing: run npm run build first" >&2; exit 1; }
"$system_node" test/smoke/client-smoke.mjs
