//! Signed releases over HTTP (CONTRACT.md): `/releases/{id}.json` (the release as signed),
//! `/releases/{id}.json.sig` (its Ed25519 signature, 64 raw bytes), `/release-signing-key.pem`
//! (the key in use) and `/release-signing-keys.json` (every key that has signed, with when it
//! was in use). All public: a release is public, and so is the means to check it; each request
//! counts against its caller's rate limit like any other (a release can be megabytes).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::release_signing_key;
use sea_orm::{EntityTrait, QueryOrder};

use super::{AppState, admit, authenticate, error_response, request_id};
use crate::disclosure::signing;
use crate::error::{ApiError, ApiResult};

/// Counts the request against its caller's rate limit.
async fn admitted(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    let principal = authenticate(state, req).await?;
    admit(state, req, &principal)
}

/// A release as signed (made and kept now for one published before signing).
async fn stored(state: &AppState, req: &HttpRequest, id: &str) -> ApiResult<entity::release_signature::Model> {
    admitted(state, req).await?;
    let id: i32 = id.parse().map_err(|_| ApiError::not_found("no such release"))?;
    signing::signed(&state.db, &state.release_signer, id).await
}

/// Public and never changing: a proxy may keep it for a day.
fn immutable(content_type: &str, name: String, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400, immutable"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(body)
}

pub(super) async fn signed_json(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    match stored(&state, &req, &id).await {
        Ok(row) => immutable("application/json", format!("{}.json", row.release_id), row.body.into_bytes()),
        Err(error) => error_response(error, &request_id(&req)),
    }
}

pub(super) async fn signature(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    match stored(&state, &req, &id).await {
        Ok(row) => immutable("application/octet-stream", format!("{}.json.sig", row.release_id), row.signature),
        Err(error) => error_response(error, &request_id(&req)),
    }
}

pub(super) async fn public_key(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/x-pem-file")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(state.release_signer.public_key_pem().to_string())
}

pub(super) async fn keys(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    match signing_keys(&state, &req).await {
        Ok(keys) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .json(serde_json::json!({ "keys": keys })),
        Err(error) => error_response(error, &request_id(&req)),
    }
}

/// Every key that has signed, oldest first, with when it was in use.
async fn signing_keys(state: &AppState, req: &HttpRequest) -> ApiResult<Vec<serde_json::Value>> {
    admitted(state, req).await?;
    let rows = release_signing_key::Entity::find()
        .order_by_asc(release_signing_key::Column::ValidFrom)
        .all(state.reads().await)
        .await?;
    Ok(rows
        .into_iter()
        .map(|key| {
            serde_json::json!({
                "fingerprint": key.fingerprint,
                "publicKeyPem": key.public_key_pem,
                "validFrom": key.valid_from,
                "validUntil": key.valid_until,
            })
        })
        .collect())
}
