# syntax=docker/dockerfile:1
# airbyte-secrets as a container for unattended runs (see deploy/README.md).
#   docker build --build-arg SOURCE_COMMIT=$(git rev-parse HEAD) -t airbyte-secrets:0.1.0 .
#   docker run --rm -e DATABASE_URL=... airbyte-secrets:0.1.0 audit --format table
# The image holds what `npm pack` publishes (package.json "files") with the production
# dependencies of package-lock.json: the package CI installs and runs (scripts/check-package.sh).
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Pack with the dev toolchain: prepack compiles into a clean dist/ and records the commit.
FROM ${NODE_IMAGE} AS pack
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG SOURCE_COMMIT=""
RUN AIRBYTE_SECRETS_COMMIT="$SOURCE_COMMIT" npm pack --pack-destination /tmp \
 && mv /tmp/airbyte-secrets-*.tgz /tmp/airbyte-secrets.tgz

# 2. The packed files and production dependencies only, every file read-only.
FROM ${NODE_IMAGE} AS install
COPY --from=pack /tmp/airbyte-secrets.tgz /src/package-lock.json /src/scripts/install-runtime.sh /tmp/
RUN sh /tmp/install-runtime.sh /tmp/airbyte-secrets.tgz /tmp/package-lock.json /app

# 3. Runtime: Node.js and the installed package; no compiler, no dev dependencies.
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="airbyte-secrets" \
      org.opencontainers.image.description="Audit and move Airbyte connector secrets between secret stores" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
# Owned by root and read-only to the process; reports go to a mounted volume.
COPY --from=install /app /app
WORKDIR /app
USER node
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["--help"]
