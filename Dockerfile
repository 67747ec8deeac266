# syntax=docker/dockerfile:1
# Runtime dependencies only: --omit=dev leaves out the compiler, the test tools and the project's
# own Node 24 (the `node` devDependency, a 189 MB download the image does not need: it runs on the
# base image's Node 24). Nothing native is built: better-sqlite3 ships prebuilt Node-API binaries.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

# Build stage: compiles the TypeScript on the base image's Node. --ignore-scripts keeps the `node`
# devDependency from fetching its binary (its install script does that); tsc needs no script.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

# Runtime stage: only what runs, as the unprivileged `node` user, on the image's Node 24.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DB_PATH=/app/data/clientflow.db
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The dashboard's static files, served as they are (no build step).
COPY --chown=node:node public ./public
COPY --chown=node:node package.json ./
# The `clientflow` command (npx clientflow backup …), which runs dist/cli.js here.
COPY --chown=node:node bin ./bin
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains gracefully; see SHUTDOWN_GRACE_MS.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
