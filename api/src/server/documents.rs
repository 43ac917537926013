//! Documents over HTTP (CONTRACT.md): `/documents/{kind}/{id}.pdf`, made for the caller through
//! its scope, never public and never kept by a cache; and `/documents/verify/{code}`, which
//! tells an office whether a paper copy's verification code still matches the record.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{AppState, admit, authenticate, error_response, request_id};
use crate::documents::{self, Kind};
use crate::error::{ApiError, ApiResult};
use crate::scope::Scope;

async fn reader(state: &AppState, req: &HttpRequest) -> ApiResult<Scope> {
    let principal = authenticate(state, req).await?;
    admit(state, req, &principal)?;
    Scope::resolve_cached(state.reads().await, &state.jurisdictions, principal).await
}

async fn made(state: &AppState, req: &HttpRequest, kind: &str, file: &str) -> ApiResult<documents::Issued> {
    let missing = || ApiError::not_found("no such document");
    let kind = Kind::from_segment(kind).ok_or_else(missing)?;
    let id: i32 = file.strip_suffix(".pdf").and_then(|id| id.parse().ok()).ok_or_else(missing)?;
    let scope = reader(state, req).await?;
    documents::issue(state.reads().await, &scope, &state.pii, kind, id).await
}

/// `GET /documents/{kind}/{id}.pdf`.
pub(super) async fn pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (kind, file) = path.into_inner();
    match made(&state, &req, &kind, &file).await {
        Ok(document) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", document.name)))
            .insert_header(("X-Verification-Code", document.code))
            .body(document.bytes),
        Err(error) => error_response(error, &request_id(&req)),
    }
}

/// `GET /documents/verify/{code}`: JSON (see [`documents::Verdict`]).
pub(super) async fn verify(state: web::Data<AppState>, req: HttpRequest, code: web::Path<String>) -> HttpResponse {
    let verdict = async {
        let scope = reader(&state, &req).await?;
        documents::verify(state.reads().await, &scope, &state.pii, &code).await
    };
    match verdict.await {
        Ok(verdict) => HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "private, no-store")).json(verdict),
        Err(error) => error_response(error, &request_id(&req)),
    }
}
