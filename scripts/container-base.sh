#!/usr/bin/env bash
# Builds a local stand-in for node:22-bookworm-slim where no image registry can be reached:
# Debian bookworm (debootstrap, minbase), the Node.js 22 binary of the `node` devDependency,
# npm from the npm registry, and the `node` user (uid 1000) of the official image. A CA bundle
# named by NODE_EXTRA_CA_CERTS on this machine is copied in so npm can reach the registry here.
#
#   bash scripts/container-base.sh <engine> <image-tag>      # engine: podman or docker
set -euo pipefail
engine=$1
tag=$2
cd "$(dirname "$0")/.."
if "$engine" image inspect "$tag" >/dev/null 2>&1; then exit 0; fi

root=$(mktemp -d /tmp/airbyte-secrets-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
  "$root"/usr/share/man/* "$root"/usr/share/locale/*

install -m 0755 "$(readlink -f node_modules/.bin/node)" "$root/usr/local/bin/node"
npm_version=10.9.9
npm pack "npm@$npm_version" --pack-destination "$root/tmp" >/dev/null
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$root/tmp/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
rm "$root/tmp/npm-$npm_version.tgz"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

changes=(--change 'CMD ["node"]')
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  cp "$NODE_EXTRA_CA_CERTS" "$root/etc/ssl/certs/host-extra-ca.crt" 2>/dev/null \
    || { mkdir -p "$root/etc/ssl/certs" && cp "$NODE_EXTRA_CA_CERTS" "$root/etc/ssl/certs/host-extra-ca.crt"; }
  changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-extra-ca.crt')
fi
tar -C "$root" -c . | "$engine" import "${changes[@]}" - "$tag" >/dev/null
