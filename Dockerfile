# syntax=docker/dockerfile:1
# better-sqlite3 and argon2 are native addons compiled (or fetched prebuilt) by `npm ci` below, so the
# runtime image must share the build image's libc and architecture: bookworm and bookworm-slim do.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm workspaces: `npm ci` needs every workspace's manifest.
COPY packages/client/package.json packages/client/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The data directory is the only writable place: SQLite and session files when MONGO_URL is unset.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
