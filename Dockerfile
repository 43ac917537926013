# The API server. Build: docker build -t establishment-api .
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p api

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/api /usr/local/bin/api
WORKDIR /var/lib/establishment
ENV BIND=0.0.0.0:8080
EXPOSE 8080
CMD ["api", "serve", "--demo"]
