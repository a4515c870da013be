# syntax=docker/dockerfile:1
# Ferry's image. Node 24 runs the TypeScript sources directly (type stripping), so there is no build step:
# the image holds src/, package.json and the production dependencies, nothing else.
#
#   docker build -t ferry:0.1.0 .
#   docker run --rm ferry:0.1.0 --help
#
# The Node version follows the `node` devDependency in package.json, which is what the tests run on
# (test/integration/deploy/image.test.ts checks that they agree).
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. --ignore-scripts: no runtime dependency needs an install
# script, and running none means a compromised package cannot execute anything at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
# npm, npx, corepack and yarn are not needed at runtime; removing them leaves less for scanners to flag and
# for an attacker to use.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the runtime user: the process cannot modify its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd; the chart's
# podSecurityContext uses the same user and group.
USER 65532:65532
# Node as PID 1 is fine: every entry point handles SIGTERM itself, and Ferry starts no child processes to reap.
ENTRYPOINT ["node", "/app/src/cli/main.ts"]
CMD ["--help"]
