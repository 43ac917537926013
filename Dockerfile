# The API server, as a multi-stage build:
#   docker build -t establishment-api .
#   docker run --env-file .env -p 8080:8080 establishment-api            # serve (PostgreSQL in DATABASE_URL)
#   docker run ... establishment-api api serve --demo                   # the demo city, explicitly
# Dependencies are compiled in a layer of their own (cargo-chef), so a change to the sources
# rebuilds only the workspace's crates.

FROM rust:1.95-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

# The dependency recipe: only manifests and the lock file decide this layer.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --recipe-path recipe.json -p api
COPY . .
RUN cargo build --release -p api --bin api

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/establishment --create-home establishment \
    && install -d -o establishment -g establishment -m 0700 /var/lib/establishment/data
COPY --from=build /src/target/release/api /usr/local/bin/api
USER establishment
WORKDIR /var/lib/establishment
# Generated keys and the default SQLite file live in DATA_DIR: mount a volume there.
ENV BIND=0.0.0.0:8080 DATA_DIR=/var/lib/establishment/data LOG_FORMAT=json
VOLUME ["/var/lib/establishment/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["api", "serve"]
