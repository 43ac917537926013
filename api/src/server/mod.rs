//! The HTTP surface (CONTRACT.md): GraphQL, the schema, health, readiness, metrics and the
//! portal. Every request gets an id that is on each of its log lines and on `INTERNAL` errors.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::{Server, Service};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, HttpServer, web};
use sea_orm::DatabaseConnection;
use tracing::Instrument;

use crate::auth::{JwtVerifier, Principal, Role};
use crate::error::ApiError;
use crate::graphql::context::RequestId;
use crate::graphql::cost::CostModel;
use crate::graphql::{self, ApiSchema};
use crate::pii::PiiCipher;
use crate::public_answers::PublicAnswers;
use crate::scope::JurisdictionTree;
use crate::throttle::Throttle;

mod documents;
mod files;
mod graphql_get;
mod graphql_post;
mod metrics;
mod pools;
mod reconciliations;
mod releases;
mod replica;
mod signin;
use files::{IMPORT_LIMIT, annual_statistics, export_download, import_upload, release_download, staff_template};
pub use files::{ImportsRunning, Running};
use graphql_get::graphql_get;
use graphql_post::graphql_post;
use metrics::metrics;
pub use metrics::{Metrics, metrics_text, serve_metrics};
use signin::authenticate;

/// Largest request body accepted (a GraphQL document with its variables).
const MAX_BODY: usize = 256 * 1024;

/// Per-request limits decided before a request runs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A request still running after this is stopped and answered `UNAVAILABLE` (its
    /// transaction, if any, rolled back).
    pub deadline: Duration,
    /// Largest answer sent; a larger one is replaced by an error.
    pub max_answer: usize,
    /// HTTP worker threads; `None`: one per CPU core (actix's default).
    pub workers: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Self { deadline: Duration::from_secs(15), max_answer: 8 * 1024 * 1024, workers: None }
    }
}

#[derive(Clone)]
pub struct AppState {
    /// The primary: every mutation, and every request when no read replica is configured.
    pub db: DatabaseConnection,
    /// Where queries and exports read: a streaming replica (`DATABASE_READ_URL`) or the primary.
    pub read_db: DatabaseConnection,
    pub verifier: Arc<JwtVerifier>,
    pub schema: ApiSchema,
    pub metrics: Metrics,
    pub public_answers: Arc<PublicAnswers>,
    /// Documents parsed before, per caller.
    pub documents: Arc<crate::parsed_documents::ParsedDocuments>,
    /// Automatic persisted queries' documents, by hash.
    pub persisted: Arc<crate::persisted_queries::PersistedQueries>,
    pub jurisdictions: Arc<JurisdictionTree>,
    pub cost: Arc<CostModel>,
    pub limits: Limits,
    pub throttle: Arc<Throttle>,
    /// Header naming the client's address, written by a trusted proxy (unset: the peer).
    pub proxy_header: Option<HeaderName>,
    /// Bearer token `/metrics` requires on the API's address; `None`: not served there.
    pub metrics_token: Option<String>,
    /// Origins a browser may call the API from (CORS); empty: none.
    pub cors_origins: Vec<String>,
    /// Whether the database was just seen unreachable (requests then answered at once).
    pub health: Arc<crate::db::Health>,
    /// Whether the read replica answers (reads go to the primary while it does not).
    replica: Arc<replica::Replica>,
    /// Sign-in with a password (`POST /auth/login`); `None` when the server cannot sign tokens.
    pub signin: Option<Arc<crate::signin::SignIn>>,
    /// Sign-in at an OpenID Connect provider instead of passwords (`OIDC_ISSUER`).
    pub oidc: Option<Arc<crate::oidc::Oidc>>,
    pii: PiiCipher,
    /// Stores maintained totals a read found marked (on the primary).
    pub settler: Arc<crate::totals::Settler>,
    /// The offices with an upload being imported (one each at a time).
    pub imports: Arc<ImportsRunning>,
    /// The key releases are signed with (one of its own unless `with_release_signer` gives one).
    pub release_signer: Arc<crate::disclosure::signing::ReleaseSigner>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, verifier: JwtVerifier, pii: PiiCipher) -> Self {
        // The connection is request data (primary or replica, per request), not schema data.
        let throttle = Arc::new(Throttle::default());
        let schema = build_schema(&pii, &throttle);
        let cost = Arc::new(CostModel::from_sdl(&schema.sdl()));
        Self {
            cost,
            limits: Limits::default(),
            throttle,
            proxy_header: None,
            metrics_token: None,
            health: Arc::default(),
            cors_origins: Vec::new(),
            signin: None,
            oidc: None,
            pii,
            settler: crate::totals::Settler::new(db.clone()),
            release_signer: Arc::new(crate::disclosure::signing::ReleaseSigner::generate()),
            read_db: db.clone(),
            db,
            verifier: Arc::new(verifier),
            schema,
            metrics: Metrics::new(),
            public_answers: Arc::default(),
            documents: Arc::default(),
            persisted: Arc::default(),
            replica: Arc::default(),
            jurisdictions: Arc::default(),
            imports: Arc::default(),
        }
    }

    /// Serves `POST /auth/login` and `/auth/logout`, and accepts the session cookie.
    pub fn with_signin(mut self, signin: crate::signin::SignIn) -> Self {
        self.signin = Some(Arc::new(signin));
        self
    }

    /// People sign in at `oidc` (`/auth/oidc/start`) and no longer with passwords.
    pub fn with_oidc(mut self, oidc: crate::oidc::Oidc) -> Self {
        self.oidc = Some(Arc::new(oidc));
        self
    }

    /// Sets the request limits (deadline, answer size).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the rate limits.
    pub fn with_throttle(mut self, throttle: Throttle) -> Self {
        self.throttle = Arc::new(throttle);
        self.schema = build_schema(&self.pii, &self.throttle);
        self
    }

    /// Takes the client's address from `header` (set only behind a proxy that writes it).
    pub fn with_proxy_header(mut self, header: Option<&str>) -> anyhow::Result<Self> {
        self.proxy_header = header.map(|h| HeaderName::from_bytes(h.as_bytes())).transpose()?;
        Ok(self)
    }

    /// Lets browsers on these origins call the API (CORS allow-list; empty: none).
    pub fn with_cors_origins(mut self, origins: Vec<String>) -> Self {
        self.cors_origins = origins.into_iter().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
        self
    }

    /// Serves `/metrics` on the API's address to requests bearing `token`.
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token;
        self
    }

    /// Signs releases with `signer` (the office's kept key) instead of a key of the state's own.
    pub fn with_release_signer(mut self, signer: crate::disclosure::signing::ReleaseSigner) -> Self {
        self.release_signer = Arc::new(signer);
        self
    }

    /// Sends queries and exports to `read_db` (a read-only streaming replica); mutations stay
    /// on the primary. A client reading right after its own write may see the replica's lag.
    pub fn with_read_replica(mut self, read_db: DatabaseConnection) -> Self {
        self.read_db = read_db;
        self.replica = Arc::new(replica::Replica::configured());
        self
    }

    /// Counts every SQL statement in `db_statements_total` (by pool), so statements per
    /// request can be read off `/metrics` under load, and gauges each pool's connections
    /// (`db_pool_connections`, `db_pool_max_connections`) and the replica's replay lag
    /// (`db_replica_lag_seconds`). Call after `with_read_replica`.
    pub fn count_statements(mut self) -> Self {
        let pools = vec![("primary", self.db.clone()), ("read", self.read_db.clone())];
        let gauges = pools::PoolGauges::new(pools, &self.replica);
        // Registered once per state; a second call (a test) keeps the first.
        if self.metrics.pools.set(gauges.clone()).is_ok() {
            let _ = self.metrics.registry.register(Box::new(gauges));
        }
        for (pool, db) in [("primary", &mut self.db), ("read", &mut self.read_db)] {
            let counter = self.metrics.statements.with_label_values(&[pool]);
            db.set_metric_callback(move |_| counter.inc());
        }
        self
    }
}

fn build_schema(pii: &PiiCipher, throttle: &Arc<Throttle>) -> ApiSchema {
    graphql::builder()
        .data(pii.clone())
        .data(throttle.clone())
        .data(crate::disclosure::ReleaseCache::default())
        .data(crate::findings::FindingsCache::default())
        .finish()
}

/// Starts serving on an already bound listener (port 0 in tests).
pub fn serve(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let workers = state.limits.workers;
    let server = HttpServer::new(move || {
        let mut cors = actix_cors::Cors::default()
            .allowed_methods(["GET", "POST"])
            .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-request-id")])
            .max_age(600);
        for origin in &state.cors_origins {
            cors = cors.allowed_origin(origin);
        }
        App::new()
            .wrap(state.metrics.http.clone())
            .wrap(cors)
            .app_data(web::Data::new(state.clone()))
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .wrap_fn(|req, service| {
                let request_id = client_request_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                let chinese = reads_chinese(&req);
                req.extensions_mut().insert(RequestId { id: request_id.clone(), chinese });
                let span = crate::telemetry::request_span(req.method().as_str(), req.path(), &request_id);
                if req.headers().contains_key("traceparent") {
                    use tracing_opentelemetry::OpenTelemetrySpanExt;
                    // Without an OpenTelemetry layer there is no trace to continue: nothing to do.
                    let _ = span.set_parent(crate::telemetry::remote_parent(req.headers()));
                }
                let started = Instant::now();
                // Probes (a load balancer's every few seconds) are logged only at DEBUG.
                let probe = matches!(req.path(), "/healthz" | "/readyz");
                let call = {
                    let _entered = span.enter();
                    service.call(req)
                };
                async move {
                    let mut response = call.await?;
                    let status = response.status().as_u16();
                    let span = tracing::Span::current();
                    span.record("http.response.status_code", status);
                    if status >= 500 {
                        span.record("otel.status_code", "ERROR");
                    }
                    let elapsed_ms = started.elapsed().as_millis() as u64;
                    if probe {
                        tracing::debug!(status, elapsed_ms, "request finished");
                    } else {
                        tracing::info!(status, elapsed_ms, "request finished");
                    }
                    if let Ok(value) = HeaderValue::from_str(&request_id) {
                        response.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
                    }
                    Ok(response)
                }
                .instrument(span)
            })
            .route("/graphql", web::post().to(graphql_post))
            .route("/graphql", read().to(graphql_get))
            .route("/graphiql/{file}", read().to(graphiql_asset))
            .route("/schema.graphql", read().to(schema_sdl))
            .route("/healthz", read().to(healthz))
            .route("/readyz", read().to(replica::readyz))
            .route("/metrics", read().to(metrics))
            .route("/exports/{file}", read().to(export_download))
            .route("/statistics/annual.xlsx", read().to(annual_statistics))
            .route("/releases/{id}.json", read().to(releases::signed_json))
            .route("/releases/{id}.json.sig", read().to(releases::signature))
            .route("/release-signing-key.pem", read().to(releases::public_key))
            .route("/release-signing-keys.json", read().to(releases::keys))
            .route("/releases/{file}", read().to(release_download))
            .route("/documents/verify/{code}", read().to(documents::verify))
            .route("/documents/{kind}/{file}", read().to(documents::pdf))
            .route("/imports/staff-template.xlsx", read().to(staff_template))
            .service(
                web::resource("/imports/{file}")
                    .app_data(web::PayloadConfig::new(IMPORT_LIMIT))
                    .route(web::post().to(import_upload)),
            )
            .service(
                web::resource("/reconciliations/{file}")
                    .app_data(web::PayloadConfig::new(reconciliations::PAYROLL_LIMIT))
                    .route(web::post().to(reconciliations::payroll))
                    .route(read().to(reconciliations::saved)),
            )
            .route("/auth/login", web::post().to(signin::login))
            .route("/auth/logout", web::post().to(signin::logout))
            .route("/auth/session", read().to(signin::session))
            .route("/auth/methods", read().to(signin::methods))
            .route("/auth/oidc/start", read().to(signin::oidc_start))
            .route("/auth/oidc/callback", read().to(signin::oidc_callback))
            .route("/", read().to(crate::portal::index))
            .route("/office/", read().to(crate::portal::console))
            .route("/office", read().to(crate::portal::console))
    });
    let server = match workers {
        Some(n) => server.workers(n.max(1)),
        None => server,
    };
    let server = server.listen(listener)?.run();
    Ok(server)
}

/// A route answering `GET` and `HEAD` alike (actix sends no body for `HEAD`).
fn read() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
}

/// A caller may pass its own request id (letters, digits and dashes, up to 64).
fn client_request_id(req: &actix_web::dev::ServiceRequest) -> Option<String> {
    let value = req.headers().get("x-request-id")?.to_str().ok()?;
    let valid = !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    valid.then(|| value.to_string())
}

fn request_id(req: &HttpRequest) -> RequestId {
    req.extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(|| RequestId { id: uuid::Uuid::new_v4().to_string(), chinese: false })
}

/// Whether the client's first language is Chinese (`Accept-Language: zh-CN,…`).
fn reads_chinese(req: &actix_web::dev::ServiceRequest) -> bool {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("zh"))
}

fn error_body(error: &ApiError, request_id: &RequestId) -> serde_json::Value {
    error.log();
    let mut extensions = serde_json::json!({ "code": error.code() });
    if matches!(error, ApiError::Internal(_)) {
        extensions["requestId"] = request_id.id.clone().into();
    }
    if let ApiError::Request(crate::error::RequestError::CostExceeded { cost, budget, .. }) = error {
        extensions["cost"] = (*cost).into();
        extensions["budget"] = (*budget).into();
    }
    let (english, chinese) = (error.message(), crate::labels::message_zh(error.code(), &error.message()));
    let message = if request_id.chinese {
        extensions["messageEn"] = english.into();
        chinese
    } else {
        extensions["messageZh"] = chinese.into();
        english
    };
    serde_json::json!({ "errors": [{ "message": message, "extensions": extensions }] })
}

fn status_of(code: &str) -> StatusCode {
    match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "CONFLICT" => StatusCode::CONFLICT,
        "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED" | "COST_EXCEEDED" => StatusCode::BAD_REQUEST,
        "PERSISTED_QUERY_NOT_FOUND" => StatusCode::OK,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error_response(error: ApiError, request_id: &RequestId) -> HttpResponse {
    let status = status_of(error.code());
    let mut response = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    if let Some(seconds) = error.retry_after() {
        response.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    response.json(error_body(&error, request_id))
}

/// A GraphQL request refused before it ran (over budget, too deep): answered as GraphQL
/// answers its own validation errors, with HTTP 200.
fn graphql_refusal(error: ApiError, request_id: &RequestId) -> HttpResponse {
    HttpResponse::Ok().json(error_body(&error, request_id))
}

/// The token of a `Bearer` credential; the scheme is case-insensitive (RFC 7235).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The client's address: the trusted proxy's header when configured (its last entry, the
/// one that proxy wrote), else the socket's peer.
fn client_address(req: &HttpRequest, proxy_header: Option<&HeaderName>) -> Option<std::net::IpAddr> {
    if let Some(name) = proxy_header {
        let value = req.headers().get(name)?.to_str().ok()?;
        return value.rsplit(',').next()?.trim().parse().ok();
    }
    req.peer_addr().map(|a| a.ip())
}

/// Counts a request against its caller's rate limit.
fn admit(state: &AppState, req: &HttpRequest, principal: &Principal) -> Result<(), ApiError> {
    if principal.role == Role::Public {
        match client_address(req, state.proxy_header.as_ref()) {
            Some(address) => state.throttle.public(address),
            None => Ok(()),
        }
    } else {
        state.throttle.subject(&format!("{}:{}", principal.role.word(), principal.subject))
    }
}

/// GraphiQL, from the binary: nothing it loads comes from another origin.
const GRAPHIQL_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

pub(super) fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", GRAPHIQL_POLICY))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(include_str!("../graphiql/index.html"))
}

/// GraphiQL's vendored assets (`api/src/graphiql/README.md` says which versions).
async fn graphiql_asset(file: web::Path<String>) -> HttpResponse {
    let (content_type, body): (&str, &'static [u8]) = match file.as_str() {
        "graphiql.min.js" => ("text/javascript; charset=utf-8", include_bytes!("../graphiql/graphiql.min.js")),
        "graphiql.min.css" => ("text/css; charset=utf-8", include_bytes!("../graphiql/graphiql.min.css")),
        "react.production.min.js" => {
            ("text/javascript; charset=utf-8", include_bytes!("../graphiql/react.production.min.js"))
        }
        "react-dom.production.min.js" => {
            ("text/javascript; charset=utf-8", include_bytes!("../graphiql/react-dom.production.min.js"))
        }
        "init.js" => ("text/javascript; charset=utf-8", include_bytes!("../graphiql/init.js")),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body)
}

async fn schema_sdl(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(crate::graphql::sdl_of(&state.schema))
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

#[cfg(test)]
mod tests {
    use async_graphql::ServerError;

    use super::graphql_post::finish_error;
    use super::*;

    #[test]
    fn an_error_without_a_code_is_internal_and_says_nothing() {
        let id = RequestId { id: "r-1".into(), chinese: false };
        let mut resolver = ServerError::new("no such table: staff_secret", None);
        resolver.path = vec![async_graphql::PathSegment::Field("person".into())];
        finish_error(&mut resolver, &id);
        let code = resolver.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("INTERNAL")));
        assert_eq!(resolver.message, "internal error");
        // async-graphql's own complaints about the document are its validation's.
        let mut syntax = ServerError::new("Unknown field \"nope\" on type \"Query\".", None);
        finish_error(&mut syntax, &id);
        let code = syntax.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("GRAPHQL_VALIDATION_FAILED")));
    }
}
