#!/usr/bin/env bash
# Installs the Debian 12 packages nitro-attest needs, only those that are missing.
# Usage: scripts/deps.sh [build|test|bench|fuzz]...   (default: build test)
set -euo pipefail
want=(build-essential cmake pkg-config libssl-dev libcli11-dev nlohmann-json3-dev
      libgtest-dev libgmock-dev openssl nettle-dev libgmp-dev python3 python3-pytest
      zlib1g-dev libdeflate-dev)
for what in "$@"; do  # build and test are always installed
  case "$what" in
    bench) want+=(libbenchmark-dev time python3 hyperfine) ;;
    fuzz) want+=(clang-14 libclang-rt-14-dev) ;;
  esac
done
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
