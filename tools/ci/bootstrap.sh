#!/usr/bin/env bash
# Makes Node >= 22 and the pinned pnpm available on PATH, installing both from the npm
# registry into a cache directory when the machine's own Node is older. Source it.
set -euo pipefail
MMGUARD_TOOLCHAIN="${MMGUARD_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/mmguard-toolchain}"
NODE_VERSION="24.21.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "bootstrap: unsupported machine $(uname -m)" >&2; exit 1 ;;
  esac
  nodepkg="node-linux-$arch"
  if [ ! -x "$MMGUARD_TOOLCHAIN/node-$NODE_VERSION/node_modules/$nodepkg/bin/node" ]; then
    echo "bootstrap: installing Node $NODE_VERSION from the npm registry into $MMGUARD_TOOLCHAIN"
    npm install --silent --no-save --no-audit --no-fund --prefix "$MMGUARD_TOOLCHAIN/node-$NODE_VERSION" "$nodepkg@$NODE_VERSION"
  fi
  export PATH="$MMGUARD_TOOLCHAIN/node-$NODE_VERSION/node_modules/$nodepkg/bin:$PATH"
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ ! -f "$MMGUARD_TOOLCHAIN/pnpm-$PNPM_VERSION/node_modules/pnpm/bin/pnpm.cjs" ]; then
    echo "bootstrap: installing pnpm $PNPM_VERSION from the npm registry"
    npm install --silent --no-save --no-audit --no-fund --prefix "$MMGUARD_TOOLCHAIN/pnpm-$PNPM_VERSION" "pnpm@$PNPM_VERSION"
  fi
  mkdir -p "$MMGUARD_TOOLCHAIN/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$MMGUARD_TOOLCHAIN/pnpm-$PNPM_VERSION/node_modules/pnpm/bin/pnpm.cjs" >"$MMGUARD_TOOLCHAIN/bin/pnpm"
  chmod +x "$MMGUARD_TOOLCHAIN/bin/pnpm"
  export PATH="$MMGUARD_TOOLCHAIN/bin:$PATH"
fi
echo "bootstrap: node $(node --version), pnpm $(pnpm --version)"
