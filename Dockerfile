# syntax=docker/dockerfile:1
# Node 24 is the current LTS line and the newest one CI tests on (.ci/run); the deploy test keeps the
# two on the same major. better-sqlite3 and argon2 are native addons compiled (or fetched prebuilt)
# by `npm ci` below, so the runtime image must share the build image's libc and architecture:
# bookworm and bookworm-slim do.
FROM node:24-bookworm AS build
# better-sqlite3 12 is compiled against the headers of this Node 24 release, not the image's own:
# from 24.19 on, node::ObjectWrap in the headers can abort the process when V8 collects a
# better-sqlite3 statement (.ci/run says more; the deploy test keeps the two versions equal).
# Same ABI, so the addon loads into the image's newer runtime.
ARG NODE_ADDON_HEADERS=24.18.1
RUN headers="node-$(node -p 'process.platform + "-" + process.arch')" \
 && npm install --prefix /opt/addon-headers --no-save --no-package-lock --no-audit --no-fund \
      "$headers@$NODE_ADDON_HEADERS" \
 && mv "/opt/addon-headers/node_modules/$headers" /opt/node-headers \
 && rm -rf /opt/addon-headers /opt/node-headers/bin \
 && grep -q "^#define NODE_MODULE_VERSION $(node -p process.versions.modules)\$" \
      /opt/node-headers/include/node/node_version.h
WORKDIR /app
COPY package.json package-lock.json ./
# npm workspaces: `npm ci` needs every workspace's manifest.
COPY packages/client/package.json packages/client/
# From source (no prebuilt download, whatever headers built it), against those headers.
RUN npm_config_nodedir=/opt/node-headers npm_config_build_from_source=better-sqlite3 \
    npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# HOST: a container is reached through its own network interface, never its loopback.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/docker/healthcheck.mjs ./healthcheck.mjs
# The data directory is the only writable place: SQLite and session files when MONGO_URL is unset.
RUN mkdir -p /app/data && chown node:node /app/data
# The image's `node` user by number, so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
USER 1000:1000
EXPOSE 3000
# Liveness only: an instance whose Redis or MongoDB is away is alive and recovers by itself, so
# restarting it would not help. Load balancers and compose use readiness (/health/ready) instead.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "healthcheck.mjs", "/health/live"]
CMD ["node", "dist/main.js"]
