#!/usr/bin/env bash
# The main job: bootstrap, build everything, then run the default demonstration.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/bootstrap.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== generating an identity with ztk-idtool"
build/tools/ztk-idtool generate "$out/identity.secret" "$out/identity.public"
echo "identity.public: $(cat "$out/identity.public")"
build/tools/ztk-idtool validate "$out/identity.public"
