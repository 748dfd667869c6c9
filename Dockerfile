# Meeting Admin container image. The build steps are README's (scripts/install-tools.sh, then
# `build_release` in scripts/env.sh) with the same pinned tools from scripts/tools.env.
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tools first, so this layer is cached while the code changes.
COPY scripts/ scripts/
COPY end2end/package.json end2end/package-lock.json end2end/
RUN scripts/install-tools.sh
COPY . .
ENV CARGO_TARGET_DIR=/src/target
RUN . scripts/env.sh && build_release

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data meeting-admin \
 && mkdir -p /data && chown meeting-admin /data
COPY --from=build /src/target/server-release/meeting-admin /app/meeting-admin
# The hashed asset names the pages ask for: read from beside the binary, checked at start-up.
COPY --from=build /src/target/server-release/hash.txt /app/hash.txt
COPY --from=build /src/target/site /app/site
COPY scripts/postgres-app-role.sql /app/postgres-app-role.sql
# SQLite in the volume by default; several replicas set DATABASE_URL=postgres://... (README).
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    DATABASE_URL=sqlite:///data/meeting-admin.db \
    LOG_FORMAT=json
VOLUME /data
WORKDIR /data
USER 10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["/app/meeting-admin", "healthcheck"]
ENTRYPOINT ["/app/meeting-admin"]
CMD ["serve"]
