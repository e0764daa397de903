#!/usr/bin/env bash
# The main job: bootstrap, build everything, then run the default simulator scenario
# (scenarios/default.py): a root, a controller and four members joining a network and moving
# TCP and UDP traffic, with a readable summary. The network's Ethernet frames are written to a
# pcap, summarized with tshark when it is installed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/bootstrap.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
out=${ZTK_DEMO_OUT:-$(mktemp -d)}
mkdir -p "$out"
echo "== a fresh ZeroTier identity (ztk-idtool generate):"
build/tools/ztk-idtool generate "$out/identity.secret" "$out/identity.public" >/dev/null
echo "   $(cut -d: -f1-3 "$out/identity.public" | cut -c1-40)..."
echo "== the default simulator scenario (build/tools/ztk-sim run scenarios/default.py)"
ZTK_DEMO_OUT="$out" build/tools/ztk-sim run scenarios/default.py --no-shrink
if command -v tshark >/dev/null 2>&1; then
  echo "== the network's frames ($out/network.pcap), first lines as tshark reads them:"
  tshark -n -r "$out/network.pcap" 2>/dev/null | head -n 12
else
  echo "== the network's frames: $out/network.pcap (install tshark to decode them)"
fi
