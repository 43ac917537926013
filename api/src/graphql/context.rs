//! What every resolver reads from the request context.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::audit::Actor;
use crate::pii::PiiCipher;
use crate::scope::Scope;

/// The id of the HTTP request, on every log line and on `INTERNAL` errors.
#[derive(Debug, Clone)]
pub struct RequestId {
    pub id: String,
    /// The client reads Chinese (`Accept-Language: zh…`): error messages in Chinese, English
    /// under `extensions.messageEn`; otherwise English, Chinese under `extensions.messageZh`.
    pub chinese: bool,
}

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub fn scope<'a>(ctx: &Context<'a>) -> &'a Scope {
    ctx.data_unchecked::<Scope>()
}

pub fn pii<'a>(ctx: &Context<'a>) -> &'a PiiCipher {
    ctx.data_unchecked::<PiiCipher>()
}

pub fn actor(ctx: &Context<'_>) -> Actor {
    Actor::of(scope(ctx), ctx.data_opt::<RequestId>().map(|id| id.id.clone()))
}

/// Lets only non-public callers read a field: establishment figures, staff counts and
/// history are not public data (disclosure releases are).
pub struct InternalGuard;

impl async_graphql::Guard for InternalGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        scope(ctx).require_internal().map_err(Into::into)
    }
}

/// Relay's global id of a row (`nodeId`): base64 of `Type:id`, as graphql-relay makes them,
/// so it is unique across types; `node(id:)` reads it back.
pub fn global_id(type_name: &str, id: i32) -> async_graphql::ID {
    use base64::Engine;
    async_graphql::ID(base64::engine::general_purpose::STANDARD.encode(format!("{type_name}:{id}")))
}

/// The type and row id a global id names; anything else is the client's mistake.
pub fn parse_global_id(id: &async_graphql::ID) -> crate::error::ApiResult<(String, i32)> {
    use base64::Engine;
    let wrong = || crate::error::ApiError::bad_input(format!("`{}` is not a node id", id.as_str()));
    let decoded = base64::engine::general_purpose::STANDARD.decode(id.as_bytes()).map_err(|_| wrong())?;
    let text = String::from_utf8(decoded).map_err(|_| wrong())?;
    let (type_name, row) = text.split_once(':').ok_or_else(wrong)?;
    Ok((type_name.to_string(), row.parse().map_err(|_| wrong())?))
}

/// A GraphQL id as the row id it names; anything else is the client's mistake.
pub fn parse_id(id: &async_graphql::ID) -> crate::error::ApiResult<i32> {
    id.parse::<i32>().map_err(|_| crate::error::ApiError::bad_input(format!("`{}` is not an id", id.as_str())))
}
