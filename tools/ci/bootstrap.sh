#!/usr/bin/env bash
# Makes Node >= 22 and the pinned pnpm available on PATH, installing both from the npm
# registry into a cache directory when the machine's own Node is older. Source it.
set -euo pipefail
MMGUARD_TOOLCHAIN="${MMGUARD_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/mmguard-toolchain}"
NODE_VERSION="24.21.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The machine's npm keeps its settings (a proxy's CA certificate in `cafile`, the proxy itself,
# the registry) in its global npmrc, which lives beside that npm. The npm that comes with the
# Node installed below would look beside itself and find nothing: point every npm and pnpm
# started from here at the machine's file instead, unless the caller chose one.
if [ -z "${npm_config_globalconfig:-}" ] && command -v npm >/dev/null 2>&1; then
  machine_npmrc="$(npm config get globalconfig 2>/dev/null || true)"
  if [ -n "$machine_npmrc" ] && [ -f "$machine_npmrc" ]; then
    export npm_config_globalconfig="$machine_npmrc"
  fi
fi

# npm install bounded in time, with npm's own network waits bounded too; names what it waited for.
npm_bounded() {
  local what="$1"; shift
  if ! timeout 600 npm install --silent --no-save --no-audit --no-fund --fetch-timeout=60000 \
    --fetch-retries=2 --fetch-retry-maxtimeout=10000 "$@"; then
    echo "bootstrap: installing $what from the npm registry ($(npm config get registry)) failed or took over 600 s." >&2
    echo "bootstrap: behind a TLS-intercepting proxy, give its CA certificate with NODE_EXTRA_CA_CERTS or npm's cafile." >&2
    exit 1
  fi
}

if [ "$(node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "bootstrap: unsupported machine $(uname -m)" >&2; exit 1 ;;
  esac
  nodepkg="node-linux-$arch"
  if [ ! -x "$MMGUARD_TOOLCHAIN/node-$NODE_VERSION/node_modules/$nodepkg/bin/node" ]; then
    echo "bootstrap: installing Node $NODE_VERSION from the npm registry into $MMGUARD_TOOLCHAIN"
    npm_bounded "Node $NODE_VERSION" --prefix "$MMGUARD_TOOLCHAIN/node-$NODE_VERSION" "$nodepkg@$NODE_VERSION"
  fi
  export PATH="$MMGUARD_TOOLCHAIN/node-$NODE_VERSION/node_modules/$nodepkg/bin:$PATH"
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ ! -f "$MMGUARD_TOOLCHAIN/pnpm-$PNPM_VERSION/node_modules/pnpm/bin/pnpm.cjs" ]; then
    echo "bootstrap: installing pnpm $PNPM_VERSION from the npm registry"
    npm_bounded "pnpm $PNPM_VERSION" --prefix "$MMGUARD_TOOLCHAIN/pnpm-$PNPM_VERSION" "pnpm@$PNPM_VERSION"
  fi
  mkdir -p "$MMGUARD_TOOLCHAIN/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$MMGUARD_TOOLCHAIN/pnpm-$PNPM_VERSION/node_modules/pnpm/bin/pnpm.cjs" >"$MMGUARD_TOOLCHAIN/bin/pnpm"
  chmod +x "$MMGUARD_TOOLCHAIN/bin/pnpm"
  export PATH="$MMGUARD_TOOLCHAIN/bin:$PATH"
fi
echo "bootstrap: node $(node --version), pnpm $(pnpm --version)"
