# syntax=docker/dockerfile:1
# One Dockerfile for every Conveyor image (the gateway and the four services), built from the
# repository root; the build arguments say which workspace the image runs:
#   docker build --build-arg WORKSPACE=services/orders --build-arg IMAGE_NAME=conveyor/orders \
#     --build-arg IMAGE_VERSION=0.1.0 --build-arg PORT=3002 -t conveyor/orders:0.1.0 .
# infra/compose/docker-compose.yml passes them for each image (infra/deploy checks them).
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

# 1. Split the context into the manifests the install needs and the sources of the workspace and
#    those it needs: the layers below are rebuilt only when their part changes.
FROM ${NODE_IMAGE} AS context
ARG WORKSPACE
WORKDIR /app
COPY . .
RUN node --experimental-strip-types infra/deploy/src/image-build-cli.ts context "$WORKSPACE" /context

# 2. Install from the lockfile (the workspace, those it needs, their build tools and the root's),
#    then compile each of them to JavaScript and lay out what the runtime stage holds.
FROM ${NODE_IMAGE} AS build
ARG WORKSPACE
WORKDIR /app
COPY --from=context /context/manifests/ ./
RUN --mount=type=cache,target=/root/.npm \
    node --experimental-strip-types infra/deploy/src/image-build-cli.ts install "$WORKSPACE"
COPY --from=context /context/sources/ ./
RUN node --experimental-strip-types infra/deploy/src/image-build-cli.ts runtime "$WORKSPACE" /runtime

# 3. The compiled workspaces with their production dependencies only, run by plain node (no tsx,
#    no TypeScript) as the unprivileged user of the base image.
FROM ${NODE_IMAGE} AS runtime
ARG WORKSPACE
ARG IMAGE_NAME
ARG IMAGE_VERSION
ARG PORT
LABEL org.opencontainers.image.title="${IMAGE_NAME}" \
      org.opencontainers.image.version="${IMAGE_VERSION}"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /runtime/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --workspace "$WORKSPACE" --omit=dev --omit=optional --omit=peer --ignore-scripts --no-audit --no-fund
USER node
# Listen on the container's address (with it, the process refuses the development JWT secret).
# The services read HOST and PORT, the gateway GATEWAY_HOST and GATEWAY_PORT: each reads its own.
ENV HOST=0.0.0.0 PORT=${PORT} GATEWAY_HOST=0.0.0.0 GATEWAY_PORT=${PORT}
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# main.js links to the workspace's dist/main.js (infra/deploy/src/runtime-tree.ts).
CMD ["node", "main.js"]
