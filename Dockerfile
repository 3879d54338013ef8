# driftmon container image: `docker build -t driftmon .` (README, "Run it in production").
# Two stages: the build stage has the dev dependencies tsc needs; the runtime stage only the
# production dependencies and the compiled dist/src. Install steps are .ci/run's (npm ci --no-audit
# --no-fund) so the image resolves exactly package-lock.json.

# Node 20 is the oldest Node driftmon supports (package.json engines) and the one CI runs first.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until package-lock.json changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/gen-config-check.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# A container is reached from outside itself: listen on every interface, not the loopback default
# (the port stays the config's, 9464 unless set). State (checkpoints, report spool) goes to the
# volume, whatever the config says.
ENV NODE_ENV=production \
    DRIFTMON_HTTP_HOST=0.0.0.0 \
    DRIFTMON_STATE_DIR=/var/lib/driftmon
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /var/lib/driftmon /etc/driftmon \
    && chown 1000:1000 /var/lib/driftmon
COPY --from=build /app/dist/src ./dist/src
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
VOLUME ["/var/lib/driftmon"]
EXPOSE 9464
# No curl in the slim image: node's fetch asks /healthz (the process is alive).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.DRIFTMON_HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["run", "--config", "/etc/driftmon/driftmon.yaml"]
