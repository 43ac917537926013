//! `POST /graphql` (and `GET /graphql?query=…`, through [`answer`]): authenticate, admit,
//! resolve the caller's scope, run the document within its cost and deadline (a change in a
//! task of its own, never cut off), and answer with each error's code and the request's id, as
//! GraphQL over HTTP has it (`application/graphql-response+json` when the client asks for it).

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::ServerError;
use async_graphql::parser::types::OperationType;
use futures_util::FutureExt;
use tracing::Instrument;

use super::signin::authenticate;
use super::{AppState, Metrics, admit, error_response, graphql_refusal, request_id, status_of};
use crate::auth::Role;
use crate::error::{ApiError, RequestError};
use crate::graphql::context::RequestId;
use crate::graphql::cost::{CostModel, Refusal};
use crate::graphql::loaders::Loaders;
use crate::idempotency::Claim;
use crate::scope::Scope;

pub(super) async fn graphql_post(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    answer(state, req, body, false).await
}

/// The media type of the answer: GraphQL over HTTP's own when the client accepts it (request
/// errors then answer 4xx), else `application/json` (always 200 for a GraphQL answer).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Media {
    Json,
    GraphqlResponse,
}

pub(super) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

impl Media {
    fn of(req: &HttpRequest) -> Self {
        let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if accept.contains(GRAPHQL_RESPONSE) { Self::GraphqlResponse } else { Self::Json }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::GraphqlResponse => GRAPHQL_RESPONSE,
        }
    }
}

/// A request refused before it ran, in the client's media type: 200 for `application/json`,
/// the code's status for `application/graphql-response+json`.
fn refused(error: ApiError, request_id: &RequestId, media: Media) -> HttpResponse {
    let code = error.code();
    let mut response = graphql_refusal(error, request_id);
    if media == Media::GraphqlResponse {
        *response.status_mut() = status_of(code);
    }
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(media.content_type()));
    response
}

/// Answers one GraphQL request given as its JSON body (`over_get`: it came as `GET`, so it may
/// not write, and a public answer may be cached by a proxy).
pub(super) async fn answer(state: web::Data<AppState>, req: HttpRequest, body: Bytes, over_get: bool) -> HttpResponse {
    let request_id = request_id(&req);
    let media = Media::of(&req);
    let principal = match authenticate(&state, &req).await {
        Ok(principal) => principal,
        Err(error) => return error_response(error, &request_id),
    };
    if let Err(error) = admit(&state, &req, &principal) {
        state.metrics.observe_graphql(None, error.code());
        return error_response(error, &request_id);
    }
    let public = principal.role == Role::Public;
    let kept = if over_get { Kept::PublicGet } else { Kept::No };
    if public && let Some(answer) = state.public_answers.get(&body) {
        return json_bytes(answer, media, kept);
    }
    let mut request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => {
            let error = ApiError::bad_input("the body must be one GraphQL request as JSON");
            return error_response(error, &request_id);
        }
    };
    if let Err(error) = state.persisted.resolve(&mut request) {
        state.metrics.observe_graphql(None, error.code());
        return refused(error, &request_id, media);
    }
    state.documents.prepare(&principal, &mut request);
    if let Err(error) = request.parsed_query() {
        let error = ApiError::Request(RequestError::ParseFailed(error.to_string()));
        state.metrics.observe_graphql(None, error.code());
        return refused(error, &request_id, media);
    }
    let operation = operation_name(&mut request);
    if let Some(name) = &operation {
        tracing::Span::current().record("graphql.operation.name", name.as_str());
    }
    // Priced before anything runs: no statement is sent for a request over its budget.
    let budget = CostModel::budget(principal.role);
    let variables = request.variables.clone();
    if let Ok(document) = request.parsed_query()
        && let Err(refusal) = state.cost.check(document, &variables, budget)
    {
        tracing::info!(
            operation = operation.as_deref().unwrap_or("anonymous"),
            "refused before it ran: {}",
            refusal.message()
        );
        let error = match refusal {
            Refusal::OverBudget { cost, budget } => {
                ApiError::Request(RequestError::CostExceeded { message: refusal.message(), cost, budget })
            }
            Refusal::TooDeep { depth } => ApiError::Request(RequestError::CostExceeded {
                message: refusal.message(),
                cost: depth as u64,
                budget: crate::graphql::cost::MAX_DEPTH as u64,
            }),
            Refusal::TextTooLong { .. } => ApiError::bad_input(refusal.message()),
        };
        state.metrics.observe_graphql(operation.as_deref(), error.code());
        return refused(error, &request_id, media);
    }
    if state.health.is_down() {
        state.metrics.observe_graphql(operation.as_deref(), "UNAVAILABLE");
        return error_response(ApiError::Unavailable(crate::error::OUTAGE.into()), &request_id);
    }
    // A document with a mutation in it runs wholly on the primary (it reads its own writes);
    // one that does not parse goes there too, to fail in `execute` with its syntax error.
    let writes = request.parsed_query().map_or(true, |document| {
        document.operations.iter().any(|(_, operation)| operation.node.ty == OperationType::Mutation)
    });
    tracing::Span::current().record("graphql.operation.type", if writes { "mutation" } else { "query" });
    if writes && over_get {
        // GraphQL over HTTP: a GET never writes (a link, a prefetch or a proxy may repeat it).
        let error = ApiError::bad_input("a mutation is sent with POST, never GET");
        state.metrics.observe_graphql(operation.as_deref(), error.code());
        let mut response = refused(error, &request_id, media);
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    if writes && public && request.parsed_query().is_ok() {
        // The public writes nothing: refused before any rule is looked at.
        let error = ApiError::forbidden("the public may only read; sign in to change records");
        state.metrics.observe_graphql(operation.as_deref(), error.code());
        return refused(error, &request_id, media);
    }
    // Writes apply once: a key claimed before the write runs, its first answer kept.
    let claim = match req.headers().get(crate::idempotency::HEADER).filter(|_| writes) {
        Some(value) => {
            let caller = format!(
                "{}:{}:{}",
                principal.role.word(),
                principal.subject,
                principal.jurisdiction.as_deref().unwrap_or_default()
            );
            let key = value.to_str().unwrap_or_default();
            match crate::idempotency::claim(&state.db, &caller, key, &body).await {
                Ok(Claim::Run { id }) => Some(id),
                Ok(Claim::Replay { status, answer }) => {
                    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                    return HttpResponse::build(status)
                        .content_type("application/json")
                        .insert_header(("Idempotent-Replayed", "true"))
                        .body(answer);
                }
                Err(error) => return error_response(error, &request_id),
            }
        }
        None => None,
    };
    let kept = match (over_get, public) {
        (true, true) => Kept::PublicGet,
        (true, false) => Kept::Private,
        (false, _) => Kept::No,
    };
    let asked = Asked {
        principal,
        writes,
        public,
        body: &body,
        operation: operation.as_deref(),
        claim: claim.as_deref(),
        media,
        kept,
    };
    let (response, still_running) = run(&state, request, asked, &request_id).await;
    let Some(id) = claim else { return response };
    if still_running {
        return response; // its answer is kept when the write ends
    }
    keep_first_answer(&state, &id, response, &request_id).await
}

/// Keeps a claimed write's answer under its key, or gives the key up when the write was refused
/// before it could change anything (answered 503 or 429: a retry is a new try).
async fn keep_first_answer(state: &AppState, id: &str, response: HttpResponse, request_id: &RequestId) -> HttpResponse {
    let status = response.status();
    if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
        if let Err(error) = crate::idempotency::release(&state.db, id).await {
            error.log();
        }
        return response;
    }
    let (head, body) = response.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        return error_response(ApiError::internal(anyhow::anyhow!("answer not readable")), request_id);
    };
    if let Err(error) = crate::idempotency::keep(&state.db, id, status.as_u16(), &bytes).await {
        error.log();
    }
    head.set_body(bytes).map_into_boxed_body()
}

/// What a request asked for, as the part of the handler that runs it needs it.
struct Asked<'a> {
    principal: crate::auth::Principal,
    writes: bool,
    public: bool,
    body: &'a Bytes,
    operation: Option<&'a str>,
    /// The idempotency key claimed for this write, if any.
    claim: Option<&'a str>,
    media: Media,
    kept: Kept,
}

/// How long others may keep an answer: a public answer to a GET for a minute (it reads a
/// release, which never changes), a signed-in one nowhere; a POST's answer is not cacheable.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kept {
    No,
    PublicGet,
    Private,
}

/// Runs a request within its scope, cost and deadline; answers the response, and whether a
/// change is still running past the deadline (its answer then kept under its claim when it ends).
async fn run(
    state: &AppState,
    request: async_graphql::Request,
    asked: Asked<'_>,
    request_id: &RequestId,
) -> (HttpResponse, bool) {
    let Asked { principal, writes, public, body, operation, claim, media, kept } = asked;
    let mut db = if writes { &state.db } else { state.reads().await };
    let outage = |error: &ApiError| matches!(error, ApiError::Unavailable(m) if m == crate::error::OUTAGE);
    let mut resolved = Scope::resolve_cached(db, &state.jurisdictions, principal.clone()).await;
    if let Err(error) = &resolved
        && outage(error)
        && state.is_replica(db)
    {
        // The replica was lost since it last answered: this read goes to the primary.
        state.outage_on(db);
        db = &state.db;
        resolved = Scope::resolve_cached(db, &state.jurisdictions, principal).await;
    }
    let scope = match resolved {
        Ok(scope) => scope,
        Err(error) => {
            if outage(&error) {
                state.outage_on(db);
            }
            return (error_response(error, request_id), false);
        }
    };
    let loaders = Loaders::new(db, &scope, &state.pii);
    let request = request
        .data(scope)
        .data(loaders)
        .data(db.clone())
        .data(request_id.clone())
        .data(state.settler.clone())
        .data(state.release_signer.clone());
    let mut still_running = false;
    let deadline = state.limits.deadline;
    let started = std::time::Instant::now();
    // A panic in a resolver is a fault of ours: answered `INTERNAL`, never a dropped connection.
    let schema = state.schema.clone();
    let run = std::panic::AssertUnwindSafe(async move { schema.execute(request).await }).catch_unwind();
    let finished =
        if writes {
            // A change runs in a task of its own and is never cancelled between two of its
            // statements: not by a client that hangs up, not by the deadline. (sqlx 0.9.0 hands a
            // connection cancelled inside BEGIN back to the pool with the transaction still open,
            // transact-rs/sqlx#4385, and whoever borrows it next works inside that transaction,
            // holding its locks uncommitted.) Past the deadline the client is told so; the change
            // still ends whole or not at all.
            let mut task = tokio::spawn(run.in_current_span());
            match tokio::time::timeout(deadline, &mut task).await {
                Ok(joined) => Ok(joined
                    .unwrap_or_else(|_| Err(Box::new("the change's task failed") as Box<dyn std::any::Any + Send>))),
                Err(elapsed) => {
                    if let Some(id) = claim {
                        keep_when_done(state, id, task, request_id);
                        still_running = true;
                    }
                    let message = format!(
                        "the change is taking longer than {} s; it goes on and is recorded whole or not at all: \
                     read it back (or the audit log) before repeating it",
                        deadline.as_secs()
                    );
                    tracing::warn!(request_id = %request_id.id, "a change passed the deadline and goes on");
                    Err((elapsed, message))
                }
            }
        } else {
            tokio::time::timeout(deadline, run).await.map_err(|elapsed| {
                (elapsed, format!("the request ran longer than {} s and was stopped; ask for less", deadline.as_secs()))
            })
        };
    let mut response = match finished {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => {
            let error = ApiError::internal(anyhow::anyhow!("a resolver panicked"));
            return (error_response(error, request_id), false);
        }
        Err((_, message)) => return (error_response(ApiError::Unavailable(message), request_id), still_running),
    };
    for error in &mut response.errors {
        finish_error(error, request_id);
    }
    outcome(&state.metrics, operation, &response.errors);
    state.metrics.observe_latency(operation, started.elapsed());
    let Ok(answer) = serde_json::to_vec(&response).map(Bytes::from) else {
        let error = ApiError::Internal(anyhow::anyhow!("response not serialisable"));
        return (error_response(error, request_id), false);
    };
    if answer.len() > state.limits.max_answer {
        let error = ApiError::bad_input(format!(
            "the answer would be {} bytes, over the limit of {}: ask for fewer items or fields",
            answer.len(),
            state.limits.max_answer
        ));
        return (refused(error, request_id, media), false);
    }
    // An outage or a rate limit met while resolving is answered with its HTTP status.
    let code_of = |e: &ServerError| match e.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(code)) => code.clone(),
        _ => String::new(),
    };
    if response.errors.iter().any(|e| e.message == crate::error::OUTAGE) {
        state.outage_on(db);
    }
    if let Some(code) = response.errors.iter().map(code_of).find(|c| c == "UNAVAILABLE" || c == "RATE_LIMITED") {
        let retry = match code.as_str() {
            "UNAVAILABLE" => crate::db::RETRY_AFTER.as_secs(),
            _ => 1,
        };
        let response = HttpResponse::build(status_of(&code))
            .insert_header((header::RETRY_AFTER, retry.to_string()))
            .content_type(media.content_type())
            .body(answer);
        return (response, false);
    }
    // GraphQL over HTTP: a request that did not validate is a request error (4xx) when the
    // client reads the GraphQL media type.
    let invalid = response.errors.iter().any(|e| code_of(e) == "GRAPHQL_VALIDATION_FAILED");
    if invalid && media == Media::GraphqlResponse {
        let response = HttpResponse::BadRequest().content_type(media.content_type()).body(answer);
        return (response, false);
    }
    if response.errors.is_empty() {
        if writes {
            // What the public sees may have changed (a release, a department's name), and the
            // tree of jurisdictions (one added or renamed).
            state.public_answers.clear();
            state.jurisdictions.clear();
        } else if public {
            state.public_answers.put(body, answer.clone());
        }
    }
    // An answer with errors is never kept by others (a POST's stays uncacheable).
    let kept = if response.errors.is_empty() || kept == Kept::No { kept } else { Kept::Private };
    (json_bytes(answer, media, kept), false)
}

/// A change that passed the deadline goes on in its task: when it ends, its answer is kept
/// under its idempotency key, so a retry is answered with it rather than running it again.
fn keep_when_done(
    state: &AppState,
    id: &str,
    task: tokio::task::JoinHandle<Result<async_graphql::Response, Box<dyn std::any::Any + Send>>>,
    request_id: &RequestId,
) {
    let (db, id, request_id) = (state.db.clone(), id.to_string(), request_id.clone());
    tokio::spawn(async move {
        let Ok(Ok(mut response)) = task.await else { return };
        for error in &mut response.errors {
            finish_error(error, &request_id);
        }
        let kept = match serde_json::to_vec(&response) {
            Ok(answer) => crate::idempotency::keep(&db, &id, 200, &answer).await,
            Err(_) => crate::idempotency::release(&db, &id).await,
        };
        if let Err(error) = kept {
            error.log();
        }
    });
}

/// The operation a request runs: the name it asks for, or its document's only operation's.
fn operation_name(request: &mut async_graphql::Request) -> Option<String> {
    let asked = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    let mut named = document.operations.iter().filter_map(|(name, _)| name.map(|n| n.to_string()));
    match asked {
        // A name the document does not hold is not an operation's: metrics count it as `other`.
        Some(asked) => Some(if named.any(|name| name == asked) { asked } else { "other".to_string() }),
        None => named.next(),
    }
}

/// Counts and logs how a GraphQL request ended: `OK`, or its first error's code.
fn outcome(metrics: &Metrics, operation: Option<&str>, errors: &[ServerError]) {
    let codes: Vec<String> = errors
        .iter()
        .filter_map(|e| match e.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(code)) => Some(code.clone()),
            _ => None,
        })
        .collect();
    let code = codes.first().map_or("OK", String::as_str);
    metrics.observe_graphql(operation, code);
    if !errors.is_empty() {
        let name = operation.unwrap_or("anonymous");
        if codes.iter().any(|c| c == "INTERNAL") {
            tracing::warn!(operation = name, codes = ?codes, "graphql request failed");
        } else {
            tracing::info!(operation = name, codes = ?codes, "graphql request refused");
        }
    }
}

fn json_bytes(answer: Bytes, media: Media, kept: Kept) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type(media.content_type());
    match kept {
        Kept::No => {}
        Kept::PublicGet => {
            response.insert_header((header::CACHE_CONTROL, "public, max-age=60"));
        }
        Kept::Private => {
            response.insert_header((header::CACHE_CONTROL, "private, no-store"));
        }
    }
    response.body(answer)
}

/// Gives every error a CONTRACT.md code. Our resolvers' errors carry one (they are
/// `ApiError`s). async-graphql's own errors about the request (syntax, validation, an
/// argument that does not parse) are the client's; anything else without a code is an
/// internal fault.
pub(super) fn finish_error(error: &mut ServerError, request_id: &RequestId) {
    // An argument that does not parse is the caller's input; anything else said of the
    // document as a whole (no path) is that it does not validate against the schema.
    let input = error.message.starts_with("Invalid value for argument") || error.message.starts_with("Failed to parse");
    let invalid = error.path.is_empty() && !input;
    let existing = match error.extensions.as_ref().and_then(|e| e.get("code")) {
        Some(async_graphql::Value::String(code)) => Some(code.clone()),
        _ => None,
    };
    let code = match existing {
        Some(code) => code,
        None if invalid => "GRAPHQL_VALIDATION_FAILED".to_string(),
        None if input => "BAD_USER_INPUT".to_string(),
        None => {
            tracing::error!(error = %crate::error::bounded(&error.message), "internal error without a code");
            error.message = "internal error".into();
            "INTERNAL".to_string()
        }
    };
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code.as_str());
    if code == "INTERNAL" {
        extensions.set("requestId", request_id.id.clone());
    }
    let chinese = crate::labels::message_zh(&code, &error.message);
    if request_id.chinese {
        extensions.set("messageEn", std::mem::replace(&mut error.message, chinese));
    } else {
        extensions.set("messageZh", chinese);
    }
}
