#!/usr/bin/env bash
# Installs every build and test dependency from Debian packages and fetches the lwIP 2.1.3
# source through Debian's source package into third_party/lwip (git-ignored).
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
lwip_dir="$top/third_party/lwip"

packages=(
  build-essential cmake pkg-config git ca-certificates xz-utils dpkg-dev
  libsodium-dev libssl-dev liblz4-dev libjansson-dev libmicrohttpd-dev libpcap-dev
  libcmocka-dev lcov clang libclang-rt-14-dev llvm python3 iproute2 valgrind
  chromium
)
# Extra packages a caller may ask for (ZTK_EXTRA_PACKAGES="...").
read -r -a extra <<< "${ZTK_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "bootstrap: need root to run: $*" >&2; exit 1; fi
}

missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f "$lwip_dir/src/core/tcp.c" ]; then
  exit 0
fi

# Fetch lwIP through a private apt configuration whose deb-src entries are derived from the
# machine's own deb entries, so no host is named here and the system's apt state is untouched.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  sed -E 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$f" > "$work/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  grep -E '^deb ' "$f" | sed -E 's/^deb /deb-src /' > "$work/parts/$(basename "$f").list" || true
done
aptopts=(-o "Dir::Etc::SourceList=$work/none.list" -o "Dir::Etc::SourceParts=$work/parts"
         -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
         -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
echo "bootstrap: fetching the lwip source package"
apt-get "${aptopts[@]}" -qq update
(cd "$work/src" && apt-get "${aptopts[@]}" -qq source --download-only lwip >/dev/null)
dsc=$(ls "$work"/src/lwip_2.1.3*.dsc | head -n 1)
dpkg-source --no-check -x "$dsc" "$work/src/lwip" >/dev/null
[ -f "$work/src/lwip/src/core/tcp.c" ] || { echo "bootstrap: lwip source incomplete" >&2; exit 1; }
mkdir -p "$top/third_party"
rm -rf "$lwip_dir"
mv "$work/src/lwip" "$lwip_dir"
echo "bootstrap: lwIP source in $lwip_dir"
