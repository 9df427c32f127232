# One image for both processes; the command chooses (deploy/docker-compose.yml):
#   sync server: node --max-semi-space-size=4 dist/server/main.js   (the default; compiled by npm run build)
#   web app:     node node_modules/next/dist/bin/next start
# docker build -t tandem .

FROM node:20-slim AS deps
WORKDIR /app
# better-sqlite3 and argon2 ship prebuilt binaries; the compiler is the fallback where none fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
RUN groupadd --system tandem \
 && useradd --system --gid tandem --home-dir /app --shell /usr/sbin/nologin tandem \
 && mkdir -p /data && chown tandem:tandem /data && chmod 0700 /data
# The code belongs to root and is read-only to the service user: only /data is writable.
COPY --from=build /app /app
USER tandem
VOLUME ["/data"]
EXPOSE 1234 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "--max-semi-space-size=4", "dist/server/main.js"]
