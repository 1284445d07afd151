# syntax=docker/dockerfile:1
# Node 24 is the current LTS line and the newest one CI tests on (.ci/run); the deploy test keeps the
# two on the same major. better-sqlite3 and argon2 are native addons compiled (or fetched prebuilt)
# by `npm ci` below, so the runtime image must share the build image's libc and architecture:
# bookworm and bookworm-slim do.
FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
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
