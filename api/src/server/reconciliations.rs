//! `POST /reconciliations/payroll.{csv|xlsx}[?jurisdiction=CODE&include_descendants=true&lang=en]`
//! (CONTRACT.md): a staffing office's payroll or HR list checked against its real-name roster
//! (`crate::reconciliation`). The file is read on a blocking thread within the upload limits,
//! one upload of the office at a time; the roster is not changed, the run is saved.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{AppState, admit, authenticate, error_response, request_id};
use crate::audit::Actor;
use crate::error::{ApiError, ApiResult};
use crate::reconciliation::{self, Outcome};
use crate::scope::Scope;

/// Largest payroll accepted (HTTP 413 above): a province's 600,000 people as CSV are about 30 MiB.
pub(super) const PAYROLL_LIMIT: usize = 64 * 1024 * 1024;

#[derive(serde::Deserialize)]
pub(super) struct Params {
    /// The jurisdiction whose roster is checked (the office's own when omitted).
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    include_descendants: bool,
    /// `en` for English reasons; Chinese by default.
    #[serde(default)]
    lang: Option<String>,
}

/// What the upload answers: the lists, or the rows that kept the file from being read.
enum Answer {
    Lists(Outcome),
    Unread(serde_json::Value),
}

async fn run(state: &AppState, req: &HttpRequest, file: &str, params: &Params, body: web::Bytes) -> ApiResult<Answer> {
    let principal = authenticate(state, req).await?;
    admit(state, req, &principal)?;
    let scope = Scope::resolve_cached(&state.db, &state.jurisdictions, principal).await?;
    let own = scope.office()?.clone();
    let extension = match file {
        "payroll.csv" => "csv",
        "payroll.xlsx" => "xlsx",
        _ => return Err(ApiError::not_found("reconciliations take payroll.csv or payroll.xlsx")),
    };
    let code = params.jurisdiction.clone().unwrap_or_else(|| own.code.clone());
    let jurisdictions = scope.narrow(&state.db, &code, params.include_descendants).await?;
    let _running = state.imports.start(own.id)?;
    // The roster first (streamed from the database), then the file row by row against it on a
    // blocking thread: neither is kept whole as rows.
    let roster = reconciliation::roster(&state.db, &scope, &jurisdictions).await?;
    let (bytes, pii) = (body.clone(), state.pii.clone());
    let (roster, read) = tokio::task::spawn_blocking(move || {
        let read = reconciliation::check(&roster, &pii, &bytes, extension);
        (roster, read)
    })
    .await
    .map_err(ApiError::internal)?;
    let chinese = params.lang.as_deref() != Some("en");
    let checked = match read? {
        Ok(checked) => checked,
        Err(errors) => {
            let (errors, count) = errors.into_sorted();
            let errors: Vec<serde_json::Value> = errors
                .iter()
                .map(|e| {
                    let reason = if chinese { crate::labels::reason_zh(&e.reason) } else { e.reason.clone() };
                    serde_json::json!({ "line": (e.line > 0).then_some(e.line), "reason": reason })
                })
                .collect();
            return Ok(Answer::Unread(serde_json::json!({ "errors": errors, "errorCount": count })));
        }
    };
    let actor = Actor::of(&scope, Some(request_id(req).id.clone()));
    let mut outcome = reconciliation::finish(
        &state.db,
        &scope,
        &state.pii,
        &actor,
        &jurisdictions,
        params.include_descendants,
        &roster,
        checked,
        &body,
    )
    .await?;
    if chinese {
        for item in &mut outcome.unreadable {
            item.reason = item.reason.as_deref().map(crate::labels::reason_zh);
        }
    }
    Ok(Answer::Lists(outcome))
}

#[derive(serde::Deserialize)]
pub(super) struct LangParam {
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /reconciliations/{id}.xlsx[?lang=en]`: a saved run of the caller's office as a workbook.
pub(super) async fn saved(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    params: web::Query<LangParam>,
) -> HttpResponse {
    let made = async {
        let principal = authenticate(&state, &req).await?;
        admit(&state, &req, &principal)?;
        let scope = Scope::resolve_cached(state.reads().await, &state.jurisdictions, principal).await?;
        let missing = || ApiError::not_found("no such reconciliation");
        let id: i32 = file.strip_suffix(".xlsx").and_then(|id| id.parse().ok()).ok_or_else(missing)?;
        let chinese = params.lang.as_deref() != Some("en");
        let bytes = reconciliation::workbook(state.reads().await, &scope, id, chinese).await?;
        Ok::<_, ApiError>((id, bytes))
    };
    match made.await {
        Ok((id, bytes)) => HttpResponse::Ok()
            .content_type(crate::export::Format::Xlsx.content_type())
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"reconciliation-{id}.xlsx\"")))
            .body(bytes),
        Err(error) => error_response(error, &request_id(&req)),
    }
}

pub(super) async fn payroll(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    params: web::Query<Params>,
    body: web::Bytes,
) -> HttpResponse {
    match run(&state, &req, &file, &params, body).await {
        Ok(Answer::Lists(outcome)) => {
            HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(outcome)
        }
        Ok(Answer::Unread(errors)) => {
            HttpResponse::BadRequest().insert_header((header::CACHE_CONTROL, "no-store")).json(errors)
        }
        Err(error) => error_response(error, &request_id(&req)),
    }
}
