#!/bin/sh
# Installs what ipsec-doctor needs to build on Debian 12, only if something is missing.
set -e
PKGS="g++ cmake ninja-build pkg-config libre2-dev nlohmann-json3-dev libcli11-dev libfmt-dev doctest-dev zlib1g-dev libjemalloc-dev gzip"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "ipsec-doctor: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "ipsec-doctor: not root and no sudo; please install:$missing" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
