//! Prometheus metrics: the registry every counter and gauge is in, `/metrics` on the API's
//! address (with its token) or on an address of its own (`METRICS_BIND`).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

use super::{AppState, bearer, pools};

#[derive(Clone)]
pub struct Metrics {
    pub(super) registry: Registry,
    /// HTTP requests and their latency by endpoint, method and status (actix-web-prom).
    pub(super) http: actix_web_prom::PrometheusMetrics,
    pub(super) statements: IntCounterVec,
    pub(super) graphql: IntCounterVec,
    /// How long executed GraphQL requests took, by the same bounded operation names.
    pub(super) latency: HistogramVec,
    pub(super) operations: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// The pools' gauges, once `count_statements` made them: sampled at each scrape.
    pub(super) pools: Arc<std::sync::OnceLock<pools::PoolGauges>>,
}

impl Metrics {
    pub(super) fn new() -> Self {
        let registry = Registry::new();
        // Unmatched paths share one label value, so probing random URLs adds no series.
        let http = actix_web_prom::PrometheusMetricsBuilder::new("")
            .registry(registry.clone())
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .expect("static metric definition");
        let statements =
            IntCounterVec::new(Opts::new("db_statements_total", "SQL statements sent, by pool"), &["pool"])
                .expect("static metric definition");
        registry.register(Box::new(statements.clone())).expect("metric registered once");
        let graphql = IntCounterVec::new(
            Opts::new("graphql_requests_total", "GraphQL requests by operation name and outcome (OK or an error code)"),
            &["operation", "code"],
        )
        .expect("static metric definition");
        registry.register(Box::new(graphql.clone())).expect("metric registered once");
        let latency = HistogramVec::new(
            HistogramOpts::new("graphql_request_duration_seconds", "Executed GraphQL requests' duration by operation")
                .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0]),
            &["operation"],
        )
        .expect("static metric definition");
        registry.register(Box::new(latency.clone())).expect("metric registered once");
        // The build, as a series of its own (value 1): `BUILD_COMMIT` is set when the image is built.
        let build = IntGaugeVec::new(Opts::new("build_info", "The running build"), &["version", "commit"])
            .expect("static metric definition");
        build.with_label_values(&[env!("CARGO_PKG_VERSION"), option_env!("BUILD_COMMIT").unwrap_or("unknown")]).set(1);
        registry.register(Box::new(build)).expect("metric registered once");
        #[cfg(target_os = "linux")]
        {
            let process = prometheus::process_collector::ProcessCollector::for_self();
            let _ = registry.register(Box::new(process));
        }
        Self { registry, http, statements, graphql, latency, operations: Arc::default(), pools: Arc::default() }
    }

    /// Counts a GraphQL outcome. Operation names come from clients, so only a bounded number
    /// of distinct, well-formed names get a series of their own; the rest count as `other`.
    pub(super) fn observe_graphql(&self, operation: Option<&str>, code: &str) {
        let name = self.operation_label(operation);
        self.graphql.with_label_values(&[name, code]).inc();
    }

    /// Records how long an executed GraphQL request took, under its bounded operation name.
    pub(super) fn observe_latency(&self, operation: Option<&str>, elapsed: Duration) {
        let name = self.operation_label(operation);
        self.latency.with_label_values(&[name]).observe(elapsed.as_secs_f64());
    }

    /// An operation name as a label: a bounded number of distinct, well-formed names, the
    /// rest `other`.
    fn operation_label<'a>(&self, operation: Option<&'a str>) -> &'a str {
        const MAX_OPERATIONS: usize = 500;
        match operation {
            None => "anonymous",
            Some(name) if name.len() > 64 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => "other",
            Some(name) => {
                let mut seen = self.operations.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if seen.contains(name) || seen.len() < MAX_OPERATIONS {
                    seen.insert(name.to_string());
                    name
                } else {
                    "other"
                }
            }
        }
    }
}

/// Serves `/metrics` alone on its own address (`METRICS_BIND`), for a scraper on a private
/// network.
pub fn serve_metrics(listener: TcpListener, metrics: Metrics) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        let metrics = metrics.clone();
        App::new().route(
            "/metrics",
            web::get().to(move || {
                let metrics = metrics.clone();
                async move { metrics_text(&metrics).await }
            }),
        )
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}

/// `/metrics` on the API's address: only with the configured token (operators scrape it;
/// the public must not read request counts and timings).
pub(super) async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let presented = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer);
    match (&state.metrics_token, presented) {
        (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.as_bytes()) => {
            metrics_text(&state.metrics).await
        }
        (Some(_), _) => HttpResponse::Unauthorized().insert_header((header::WWW_AUTHENTICATE, "Bearer")).finish(),
        (None, _) => HttpResponse::NotFound().finish(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Prometheus text of every metric, the pools' acquire times sampled first.
pub async fn metrics_text(metrics: &Metrics) -> HttpResponse {
    if let Some(pools) = metrics.pools.get() {
        pools.sample_acquire().await;
    }
    let mut buffer = Vec::new();
    let families = metrics.registry.gather();
    if TextEncoder::new().encode(&families, &mut buffer).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(buffer)
}
