//! The one error type of the API. Each variant maps to a CONTRACT.md code; internal causes
//! are logged with the request id and never sent to the client.

use std::time::Duration;

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, RuntimeErr};

/// Deliberately not `Display`: async-graphql converts any `Display` type into an error
/// without a code, and every error of ours must carry one.
#[derive(Debug)]
pub enum ApiError {
    Unauthenticated(String),
    Forbidden(String),
    NotFound(String),
    BadInput(String),
    Conflict(String),
    /// The database (or another dependency) cannot be reached: answered at once with 503.
    Unavailable(String),
    /// Too many requests from this caller: 429 with `Retry-After`.
    RateLimited {
        retry_after: Duration,
    },
    Internal(anyhow::Error),
    /// A GraphQL request refused as a request, before it ran (GraphQL over HTTP's request
    /// errors: a document that does not parse or validate, one over its cost, a persisted
    /// query not known).
    Request(RequestError),
}

/// Why a GraphQL request was refused before it ran.
#[derive(Debug)]
pub enum RequestError {
    ParseFailed(String),
    ValidationFailed(String),
    /// Over the caller's budget (or nested too deep): what it costs and what is allowed.
    CostExceeded {
        message: String,
        cost: u64,
        budget: u64,
    },
    /// An automatic persisted query (APQ) whose text this server does not hold: the client
    /// sends it again with its text.
    PersistedQueryNotFound,
}

impl RequestError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::ParseFailed(_) => "GRAPHQL_PARSE_FAILED",
            Self::ValidationFailed(_) => "GRAPHQL_VALIDATION_FAILED",
            Self::CostExceeded { .. } => "COST_EXCEEDED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
        }
    }
}

/// What every service and resolver returns. Resolvers return it too (async-graphql accepts
/// any `Result` whose error converts into its own), so a `?` on a foreign error cannot reach
/// a client without passing through [`ApiError`].
pub type Result<T, E = ApiError> = std::result::Result<T, E>;
pub type ApiResult<T> = Result<T>;

/// What a client is told when the database cannot be reached.
pub const OUTAGE: &str = "the database is unavailable; try again shortly";

/// Longest log line an error writes; the rest is cut (a cause can quote a whole request).
const MAX_LOGGED: usize = 2048;

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadInput(_) => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL",
            Self::Request(refusal) => refusal.code(),
        }
    }

    /// What the client is told; internal causes are never part of it.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m) => format!("authentication required: {m}"),
            Self::Forbidden(m) | Self::NotFound(m) | Self::BadInput(m) | Self::Conflict(m) => m.clone(),
            Self::Unavailable(m) => m.clone(),
            Self::RateLimited { retry_after } => {
                format!("too many requests; try again in {} s", retry_after.as_secs().max(1))
            }
            Self::Internal(_) => "internal error".to_string(),
            Self::Request(RequestError::ParseFailed(m) | RequestError::ValidationFailed(m)) => m.clone(),
            Self::Request(RequestError::CostExceeded { message, .. }) => message.clone(),
            // Apollo's clients recognise the refusal by this message.
            Self::Request(RequestError::PersistedQueryNotFound) => "PersistedQueryNotFound".to_string(),
        }
    }

    /// Seconds a client should wait before trying again, for the answers that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Unavailable(_) => Some(crate::db::RETRY_AFTER.as_secs()),
            Self::RateLimited { retry_after } => Some(retry_after.as_secs().max(1)),
            _ => None,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadInput(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// Writes the cause of an internal fault to the log: its chain of causes
    /// on one bounded line, never a backtrace.
    pub fn log(&self) {
        if let Self::Internal(cause) = self {
            tracing::error!(error = %bounded(&format!("{cause:#}")), "internal error");
        }
    }
}

/// Cuts a log text to [`MAX_LOGGED`] bytes, on a character boundary.
pub fn bounded(text: &str) -> String {
    if text.len() <= MAX_LOGGED {
        return text.to_string();
    }
    let mut end = MAX_LOGGED;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes cut)", &text[..end], text.len() - end)
}

/// Whether a database error means the database cannot be reached (rather than a fault in
/// what was asked of it).
pub fn is_outage(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match error {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    matches!(
        sqlx.as_ref(),
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Tls(_) | Sqlx::Protocol(_)
    )
}

impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> Self {
        if is_outage(&error) {
            tracing::warn!(error = %bounded(&error.to_string()), "database unavailable");
            return Self::Unavailable(OUTAGE.into());
        }
        if is_timeout(&error) {
            return Self::Unavailable("the request took too long and was stopped; ask for less".into());
        }
        Self::Internal(error.into())
    }
}

/// PostgreSQL's `statement_timeout` stopped a statement (SQLSTATE 57014).
fn is_timeout(error: &DbErr) -> bool {
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            e.as_database_error().and_then(|d| d.code()).is_some_and(|code| code == "57014")
        }
        _ => false,
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        error.log();
        let retry_after = error.retry_after();
        async_graphql::Error::new(error.message()).extend_with(|_, extensions| {
            extensions.set("code", code);
            if let Some(seconds) = retry_after {
                extensions.set("retryAfter", seconds);
            }
        })
    }
}

/// Errors of the GraphQL layer itself (a loader's shared error, a guard's) enter our type
/// with their code when they have one; one without a code is an internal fault.
impl From<async_graphql::Error> for ApiError {
    fn from(error: async_graphql::Error) -> Self {
        let code = error.extensions.as_ref().and_then(|e| e.get("code")).and_then(|code| match code {
            async_graphql::Value::String(code) => Some(code.clone()),
            _ => None,
        });
        let message = error.message;
        match code.as_deref() {
            Some("UNAUTHENTICATED") => Self::Unauthenticated(message),
            Some("FORBIDDEN") => Self::Forbidden(message),
            Some("NOT_FOUND") => Self::NotFound(message),
            Some("BAD_USER_INPUT") => Self::BadInput(message),
            Some("CONFLICT") => Self::Conflict(message),
            Some("UNAVAILABLE") => Self::Unavailable(message),
            Some("RATE_LIMITED") => Self::RateLimited { retry_after: Duration::from_secs(1) },
            _ => Self::Internal(anyhow::anyhow!(message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_are_bounded_on_a_character_boundary() {
        let long = "长".repeat(5_000);
        let cut = bounded(&long);
        assert!(cut.len() < MAX_LOGGED + 64, "{}", cut.len());
        assert!(cut.ends_with("bytes cut)"));
        assert_eq!(bounded("short"), "short");
    }
}
