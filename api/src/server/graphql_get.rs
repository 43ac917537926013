//! `GET /graphql`, as GraphQL over HTTP has it: `?query=…&variables=…&operationName=…&extensions=…`
//! runs a query (never a mutation: 405) through the same path as a POST, and a public answer may
//! be kept by a proxy for a minute; a browser asking for HTML without a query gets GraphiQL.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use super::graphql_post::answer;
use super::{AppState, error_response, graphiql, request_id};
use crate::error::ApiError;

pub(super) async fn graphql_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let params = params.into_inner();
    if !params.contains_key("query") && !params.contains_key("extensions") {
        let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        // A browser (or any client taking anything) reads the page; a GraphQL client is told.
        if accept.is_empty() || accept.contains("text/html") || accept.contains("*/*") {
            return graphiql();
        }
        let error =
            ApiError::bad_input("a GET asks with `query` (and `variables`, `operationName`, `extensions` as JSON)");
        return error_response(error, &request_id(&req));
    }
    match body_of(&params) {
        Ok(body) => answer(state, req, body, true).await,
        Err(error) => error_response(error, &request_id(&req)),
    }
}

/// The request as the JSON body a POST would carry: `variables` and `extensions` are JSON texts.
fn body_of(params: &HashMap<String, String>) -> Result<Bytes, ApiError> {
    let json = |name: &str| -> Result<serde_json::Value, ApiError> {
        match params.get(name).map(String::as_str) {
            None | Some("") => Ok(serde_json::Value::Object(Default::default())),
            Some(text) => serde_json::from_str(text)
                .map_err(|_| ApiError::bad_input(format!("`{name}` is a JSON object in a GET's query string"))),
        }
    };
    let body = serde_json::json!({
        "query": params.get("query").cloned().unwrap_or_default(),
        "operationName": params.get("operationName"),
        "variables": json("variables")?,
        "extensions": json("extensions")?,
    });
    Ok(Bytes::from(body.to_string()))
}
