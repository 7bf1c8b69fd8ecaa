#!/bin/sh
# Installs a packed airbyte-secrets tarball the way the container image holds it: the files
# `npm pack` publishes (package.json "files", the one list of runtime files), the production
# dependencies of package-lock.json and nothing else, every file read-only. The Dockerfile runs
# this script, and scripts/check-package.sh runs it too when no container engine can run.
#
#   sh scripts/install-runtime.sh <airbyte-secrets-x.y.z.tgz> <package-lock.json> <destination>
set -eu
tarball=$1
lockfile=$2
destination=$3

mkdir -p "$destination"
tar -xzf "$tarball" -C "$destination" --strip-components=1 --no-same-owner
cp "$lockfile" "$destination/package-lock.json"
cache=$(mktemp -d)
(cd "$destination" && npm ci --omit=dev --no-audit --no-fund --cache "$cache")
rm -rf "$cache"
# Owned by whoever installed (root in the image); nobody, not even the owner, may write.
chmod -R a-w,a+rX "$destination"
