# syntax=docker/dockerfile:1
# airbyte-secrets as a container for unattended runs (see deploy/README.md).
#   docker build -t airbyte-secrets:0.1.0 .
#   docker run --rm -e DATABASE_URL=... airbyte-secrets:0.1.0 audit --format table
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Compile TypeScript with the full dev toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY commands ./commands
RUN npx tsc -p tsconfig.json

# 2. Production dependencies only, installed from the same lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: compiled code, production deps, and the files the CLI reads at run time.
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="airbyte-secrets" \
      org.opencontainers.image.description="Audit and move Airbyte connector secrets between secret stores" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY samples ./samples
# Files stay owned by root and read-only to the process; reports go to a mounted volume.
USER node
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["--help"]
