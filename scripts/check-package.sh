#!/usr/bin/env bash
# What a user installs is what CI tested. Packs this checkout (`prepack` builds), then runs the
# same commands against
#   1. the tarball installed into an empty folder with production dependencies only, on the
#      pinned Node.js 22 (the `node` devDependency), as `npm i airbyte-secrets` would;
#   2. the container image built from the Dockerfile, with podman or docker when one can run
#      here (on a local stand-in for the base image, scripts/container-base.sh); without an
#      engine, its runtime stage reproduced: scripts/install-runtime.sh, the Dockerfile's own
#      install step, then run as a non-root user over read-only files.
# Commands: --version (must name this commit), --help, demo, sample seed into a fresh database,
# audit on it. Needs PostgreSQL on 127.0.0.1:5432 (PG_ADMIN_URL overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="$repo/node_modules/.bin:$PATH"
admin_url=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d /tmp/airbyte-secrets-package.XXXXXX)
chmod 0755 "$work"
# fresh_database runs in a command substitution (a subshell), so nothing it records reaches this
# shell: the cleanup drops every database of this run by its name instead (bash keeps $$ in subshells).
cleanup() {
  local db
  for db in $(psql -Atq "$admin_url" -c "select datname from pg_database where datname like 'airbyte\_secrets\_package\_$$\_%'" 2>/dev/null); do
    psql -q "$admin_url" -c "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true
  done
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '== %s\n' "$*"; }

commit=$(git rev-parse HEAD 2>/dev/null || true)
fresh_database() {
  local name="airbyte_secrets_package_$$_$1"
  PGOPTIONS='-c client_min_messages=warning' psql -q "$admin_url" -c "drop database if exists $name" -c "create database $name" >/dev/null
  printf '%s' "${admin_url%/*}/$name"
}

# Runs the checks with "$@" as the command that starts the CLI.
smoke() {
  local label=$1
  shift
  local version
  version=$("$@" --version)
  printf '%s\n' "$version" | sed 's/^/   /'
  if [ -n "$commit" ]; then
    grep -q "^commit $commit" <<<"$version" || { echo "$label: --version does not name commit $commit" >&2; exit 1; }
  fi
  local help
  help=$("$@" --help)
  grep -q 'USAGE' <<<"$help" || { echo "$label: --help printed no usage" >&2; exit 1; }
  "$@" demo >"$work/$label-demo.out" 2>&1 || { cat "$work/$label-demo.out" >&2; exit 1; }
  local url
  url=$(fresh_database "$label")
  "$@" sample seed --database-url "$url" --json >"$work/$label-seed.json"
  # The sample plants plaintext: the audit must find it and exit 1 (2 would be an error).
  local status=0
  "$@" audit --database-url "$url" --format json --fail-on critical >"$work/$label-audit.json" || status=$?
  [ "$status" = 1 ] || { echo "$label: audit exited $status, not 1 (critical findings)" >&2; exit 1; }
  node -e 'const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (!Array.isArray(a.findings) || a.findings.length === 0) process.exit(1);' "$work/$label-audit.json"
  say "$label: --version, --help, demo, sample seed, audit passed"
}

say "npm pack"
npm pack --pack-destination "$work" >/dev/null 2>"$work/pack.log" || { cat "$work/pack.log" >&2; exit 1; }
tarball=$(ls "$work"/airbyte-secrets-*.tgz)
packed=$(tar -tzf "$tarball" | sed 's|^package/||' | sort)
grep -qx 'src/sample/airbyte-schema.sql' <<<"$packed" || { echo "the package misses src/sample/airbyte-schema.sql" >&2; exit 1; }
grep -qx 'dist/build-info.json' <<<"$packed" || { echo "the package misses dist/build-info.json" >&2; exit 1; }
say "$(wc -l <<<"$packed") files, $(du -k "$tarball" | cut -f1) kB packed"

say "1. npm: the tarball in an empty folder, production dependencies only, Node $(node --version)"
mkdir "$work/npm"
(cd "$work/npm" && npm init -y >/dev/null && npm install --omit=dev --no-audit --no-fund "$tarball" >/dev/null 2>&1)
if [ -e "$work/npm/node_modules/typescript" ] || [ -e "$work/npm/node_modules/tsx" ]; then
  echo "the npm install holds dev dependencies" >&2; exit 1
fi
smoke npm "$work/npm/node_modules/.bin/airbyte-secrets"

# The container engine that can run here, with the flags it needs (a VM whose cgroups crun
# refuses and whose rlimits cannot be raised needs runc and explicit limits).
engine=
engine_flags=()
base=localhost/airbyte-secrets-ci-base:node22
pick_engine() {
  local candidate
  for candidate in podman docker; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    "$candidate" info >/dev/null 2>&1 || continue
    if [ -z "${NODE_IMAGE:-}" ]; then
      command -v debootstrap >/dev/null 2>&1 || continue
      bash scripts/container-base.sh "$candidate" "$base" || continue
    fi
    local image=${NODE_IMAGE:-$base}
    if "$candidate" run --rm "$image" node -e 0 >/dev/null 2>&1; then
      engine=$candidate; return 0
    fi
    local fallback=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
    if "$candidate" run --rm "${fallback[@]}" "$image" node -e 0 >/dev/null 2>&1; then
      engine=$candidate; engine_flags=("${fallback[@]}"); return 0
    fi
  done
  return 1
}

if [ "${AIRBYTE_SECRETS_NO_ENGINE:-}" != 1 ] && pick_engine; then
  image=localhost/airbyte-secrets:check
  say "2. container image: $engine build (base ${NODE_IMAGE:-$base})"
  "$engine" build "${engine_flags[@]}" -q --build-arg "NODE_IMAGE=${NODE_IMAGE:-$base}" \
    --build-arg "SOURCE_COMMIT=$commit" -t "$image" . >/dev/null
  run=("$engine" run --rm "${engine_flags[@]}" --read-only --network host --tmpfs /tmp
    -e XDG_CACHE_HOME=/tmp/.cache -e XDG_CONFIG_HOME=/tmp/.config -e XDG_DATA_HOME=/tmp/.local/share)
  # Runs as non-root, holds no compiler and no dev dependency, and its files are the package's.
  [ "$("${run[@]}" --entrypoint id "$image" -u)" != 0 ] || { echo "the image runs as root" >&2; exit 1; }
  "${run[@]}" --entrypoint sh "$image" -c '! command -v gcc && ! command -v cc && ! command -v make \
    && ! command -v g++ && [ ! -e node_modules/typescript ] && [ ! -e node_modules/tsx ] \
    && ! touch /app/package.json 2>/dev/null' >/dev/null || { echo "the image holds a toolchain or writable files" >&2; exit 1; }
  in_image=$("${run[@]}" --entrypoint sh "$image" -c 'cd /app && find . -path ./node_modules -prune -o -type f -print' \
    | sed 's|^\./||' | grep -vx 'package-lock.json' | sort)
  diff <(printf '%s\n' "$packed") <(printf '%s\n' "$in_image") >&2 || { echo "the image's files are not the package's" >&2; exit 1; }
  smoke image "${run[@]}" "$image"
  say "image size: $("$engine" image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')" \
    "(base $("$engine" image inspect "${NODE_IMAGE:-$base}" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"
else
  say "2. no container engine can run here: the Dockerfile's runtime stage reproduced"
  sh scripts/install-runtime.sh "$tarball" package-lock.json "$work/app" >/dev/null
  in_app=$(cd "$work/app" && find . -path ./node_modules -prune -o -type f -print | sed 's|^\./||' | grep -vx 'package-lock.json' | sort)
  diff <(printf '%s\n' "$packed") <(printf '%s\n' "$in_app") >&2 || { echo "the runtime files are not the package's" >&2; exit 1; }
  mkdir -m 1777 "$work/tmp"
  as_node=(setpriv --reuid 1000 --regid 1000 --clear-groups env HOME="$work/tmp" TMPDIR="$work/tmp"
    XDG_CACHE_HOME="$work/tmp/.cache" XDG_CONFIG_HOME="$work/tmp/.config" XDG_DATA_HOME="$work/tmp/.local/share"
    NODE_ENV=production)
  if "${as_node[@]}" touch "$work/app/package.json" 2>/dev/null; then echo "the runtime files are writable" >&2; exit 1; fi
  smoke runtime "${as_node[@]}" "$(command -v node)" "$work/app/bin/run.js"
  say "runtime size: $(du -sm "$work/app" | cut -f1) MB (the image adds it to node:22-bookworm-slim)"
fi
