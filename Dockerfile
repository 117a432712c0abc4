# syntax=docker/dockerfile:1
# Vigil container image. Build: docker build -t vigil .   Run: see compose.yaml and deploy/ (Kubernetes).
# Two stages: "build" compiles TypeScript and the native sqlite3 module with the full toolchain, then drops
# the dev dependencies; the runtime stage gets only dist/, bin/, manifests/ and production node_modules.
# test/deploy/dockerfile.test.ts lints this file; scripts/fresh-machine-check.ts runs its steps for real.

ARG NODE_VERSION=20.20

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# npm ci runs the "prepare" script (tsc), which writes dist/; prune then removes every devDependency.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    VIGIL_HOST=0.0.0.0 \
    PORT=3000 \
    VIGIL_STORE_URL=sqlite:///data/vigil.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY manifests ./manifests
# The embedded SQLite store lives on the volume; with VIGIL_STORE_URL=redis://… nothing is written there.
# The image's "node" user (uid 1000) owns only /data: the application files stay read-only to it.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM/SIGINT itself; Vigil handles both (finishes the page in hand,
# keeps the checkpoint, exits within 30 s). Run with --init (compose: init: true) if you want zombie reaping too.
ENTRYPOINT ["node", "--max-semi-space-size=32", "bin/vigil.js"]
CMD ["serve"]
