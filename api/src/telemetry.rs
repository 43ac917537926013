//! Logs and traces. Logs go to standard error (text, or JSON with `LOG_FORMAT=json`); traces
//! are exported over OTLP (HTTP/protobuf) only when an endpoint is configured. Every request's
//! span carries its `request_id`, which becomes an attribute of the exported span.

use anyhow::Context;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Keeps the trace exporter alive; [`Telemetry::shutdown`] flushes what is pending.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends every finished span now (tests, and before the process exits).
    pub fn flush(&self) {
        if let Some(provider) = &self.provider {
            let _ = provider.force_flush();
        }
    }

    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            let _ = provider.shutdown();
        }
    }
}

/// The OTLP traces URL for a base endpoint (`http://collector:4318` -> `.../v1/traces`).
fn traces_url(endpoint: &str) -> String {
    let endpoint = endpoint.trim_end_matches('/');
    if endpoint.ends_with("/v1/traces") { endpoint.to_string() } else { format!("{endpoint}/v1/traces") }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
    /// No log lines (tests that only export traces).
    Off,
}

/// Installs the process's logging (filtered by `RUST_LOG`), and trace export of every span at
/// `info` and above when `otlp_endpoint` is set.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>, service_name: &str) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    let logs = match format {
        LogFormat::Json => Some(logs.json().with_filter(filter).boxed()),
        LogFormat::Text => Some(logs.with_filter(filter).boxed()),
        LogFormat::Off => None,
    };
    let provider = match otlp_endpoint.filter(|e| !e.trim().is_empty()) {
        Some(endpoint) => {
            use opentelemetry_otlp::WithExportConfig;
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_endpoint(traces_url(endpoint))
                .build()
                .context("building the OTLP span exporter")?;
            let resource = opentelemetry_sdk::Resource::builder().with_service_name(service_name.to_string()).build();
            Some(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
        }
        None => None,
    };
    let traces = provider.as_ref().map(|p| {
        let level = tracing_subscriber::filter::LevelFilter::INFO;
        tracing_opentelemetry::layer().with_tracer(p.tracer("establishment-api")).with_filter(level).boxed()
    });
    tracing_subscriber::registry().with(logs).with(traces).try_init().context("installing logging")?;
    Ok(Telemetry { provider })
}

/// The caller's trace, from its W3C trace-context headers (`traceparent`, `tracestate`): the
/// request's span continues it, so a trace crosses from the caller into this service.
pub fn remote_parent(headers: &actix_web::http::header::HeaderMap) -> opentelemetry::Context {
    use opentelemetry::propagation::{Extractor, TextMapPropagator};
    struct Headers<'a>(&'a actix_web::http::header::HeaderMap);
    impl Extractor for Headers<'_> {
        fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).and_then(|v| v.to_str().ok())
        }
        fn keys(&self) -> Vec<&str> {
            self.0.keys().map(|k| k.as_str()).collect()
        }
    }
    opentelemetry_sdk::propagation::TraceContextPropagator::new().extract(&Headers(headers))
}

/// A request's span under OpenTelemetry's HTTP server conventions: named by the method (no
/// route is known before routing), its attributes under their semantic names; the status and
/// the GraphQL operation are recorded when known.
pub fn request_span(method: &str, path: &str, request_id: &str) -> tracing::Span {
    tracing::info_span!(
        "request",
        otel.name = method,
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        request_id = request_id,
        http.request.method = method,
        url.path = path,
        http.response.status_code = tracing::field::Empty,
        graphql.operation.name = tracing::field::Empty,
        graphql.operation.type = tracing::field::Empty,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_base_endpoint_gets_the_traces_path() {
        assert_eq!(super::traces_url("http://c:4318"), "http://c:4318/v1/traces");
        assert_eq!(super::traces_url("http://c:4318/v1/traces"), "http://c:4318/v1/traces");
    }
}
