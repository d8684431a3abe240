# syntax=docker/dockerfile:1
# Multi-stage image of the compiled gateway. It runs against MONGODB_URI
# (the embedded FerretDB is for development and tests, not for images).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall builds the embedded database launcher, not needed here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The dashboard page and GraphiQL (npm run build bundles them into dist/web).
COPY scripts/build-web.js ./scripts/
COPY web ./web
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# HOST: the gateway binds loopback by default; in a container it must
# listen on every interface to be reachable through the published port.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DEMO_DATA=false
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The node image's unprivileged user (uid/gid 1000).
USER 1000:1000
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
CMD ["node", "dist/src/index.js"]
