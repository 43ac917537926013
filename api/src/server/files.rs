//! Files over HTTP: exports and releases to download, the staff import by upload and its
//! template. Each authenticates and scopes its caller as a GraphQL request does.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::{AppState, RequestId, admit, authenticate, error_response, request_id};
use crate::audit::{self, Actor, Change};
use crate::error::ApiError;
use crate::import::{ReadLimits, Within};
use crate::scope::{Reach, Scope};

#[derive(serde::Deserialize)]
pub(super) struct ExportParams {
    jurisdiction: String,
    #[serde(default)]
    include_descendants: bool,
    /// `zh` for Chinese column headers.
    #[serde(default)]
    lang: Option<String>,
    /// A release id (the latest when omitted).
    #[serde(default)]
    release: Option<i32>,
}

#[derive(serde::Deserialize)]
pub(super) struct LangParam {
    lang: Option<String>,
}

/// `GET /releases/ID.{csv|xlsx}[?lang=zh]`: a published release as the public may download it.
pub(super) async fn release_download(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    params: web::Query<LangParam>,
) -> HttpResponse {
    let request_id = request_id(&req);
    let result = async {
        let principal = authenticate(&state, &req).await?;
        admit(&state, &req, &principal)?;
        let (id, format) = file.rsplit_once('.').ok_or_else(|| ApiError::not_found("no such release"))?;
        let id: i32 = id.parse().map_err(|_| ApiError::not_found("no such release"))?;
        let format = crate::export::Format::parse(format).ok_or_else(|| ApiError::not_found("no such release"))?;
        let chinese = params.lang.as_deref() != Some("en");
        let file = crate::export::published_release(state.reads().await, id, format, chinese).await?;
        Ok::<_, ApiError>((format.content_type(), file.bytes, file.name))
    }
    .await;
    download(result, &request_id)
}

/// A file to download (`Content-Disposition: attachment`), or the error.
fn download(result: Result<(&'static str, Vec<u8>, String), ApiError>, request_id: &RequestId) -> HttpResponse {
    match result {
        Ok((content_type, body, name)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
            .body(body),
        Err(error) => error_response(error, request_id),
    }
}

/// `GET /exports/{overview|findings|release}.{csv|xlsx}?jurisdiction=CODE[&lang=zh]`, for
/// staffing offices (the same files `api export` writes).
pub(super) async fn export_download(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    params: web::Query<ExportParams>,
) -> HttpResponse {
    let request_id = request_id(&req);
    let result = async {
        let principal = authenticate(&state, &req).await?;
        admit(&state, &req, &principal)?;
        let scope = Scope::resolve_cached(state.reads().await, &state.jurisdictions, principal).await?;
        let (kind, format) = file.rsplit_once('.').ok_or_else(|| ApiError::not_found("no such export"))?;
        let format =
            crate::export::Format::parse(format).ok_or_else(|| ApiError::not_found("exports are .csv or .xlsx"))?;
        let request = crate::export::ExportRequest {
            kind,
            jurisdiction: &params.jurisdiction,
            include_descendants: params.include_descendants,
            release: params.release,
            format,
            chinese: params.lang.as_deref() == Some("zh"),
            pii: &state.pii,
            writer: &state.db,
        };
        let file = crate::export::build(state.reads().await, &scope, &request).await?;
        Ok::<_, ApiError>((format.content_type(), file.bytes, file.name))
    }
    .await;
    download(result, &request_id)
}

#[derive(serde::Deserialize)]
pub(super) struct StatisticsParams {
    jurisdiction: String,
    year: i32,
    #[serde(default)]
    include_descendants: bool,
}

/// `GET /statistics/annual.xlsx?jurisdiction=CODE&year=YYYY[&include_descendants=true]`: the
/// annual establishment statistics (机构编制统计年报), for staffing offices.
pub(super) async fn annual_statistics(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<StatisticsParams>,
) -> HttpResponse {
    let request_id = request_id(&req);
    let result = async {
        let principal = authenticate(&state, &req).await?;
        admit(&state, &req, &principal)?;
        let scope = Scope::resolve_cached(state.reads().await, &state.jurisdictions, principal).await?;
        let book = crate::statistics::annual(
            state.reads().await,
            &scope,
            &state.pii,
            &params.jurisdiction,
            params.year,
            params.include_descendants,
        )
        .await?;
        Ok::<_, ApiError>((crate::export::Format::Xlsx.content_type(), book.bytes, book.name))
    }
    .await;
    download(result, &request_id)
}

/// `GET /imports/staff-template.xlsx`: the staff import's template (headers, drop-downs, no data).
pub(super) async fn staff_template(req: HttpRequest) -> HttpResponse {
    let result = crate::import::staff_template()
        .map(|bytes| (crate::export::Format::Xlsx.content_type(), bytes, "staff-template.xlsx".to_string()))
        .map_err(ApiError::Internal);
    download(result, &request_id(&req))
}

/// Largest file an office may upload for import.
pub(super) const IMPORT_LIMIT: usize = 20 * 1024 * 1024;

/// The offices with an import running: one at a time each, so an office cannot hold several
/// files' worth of memory and the write connection at once.
#[derive(Default)]
pub struct ImportsRunning(Mutex<HashSet<i32>>);

/// An office's place as the one import it runs; given back when dropped.
pub struct Running {
    imports: Arc<ImportsRunning>,
    office: i32,
}

impl ImportsRunning {
    /// Takes the office's place, or refuses (`RATE_LIMITED`) while another import of it runs.
    pub fn start(self: &Arc<Self>, office: i32) -> Result<Running, ApiError> {
        let mut running = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !running.insert(office) {
            return Err(ApiError::RateLimited { retry_after: std::time::Duration::from_secs(5) });
        }
        Ok(Running { imports: Arc::clone(self), office })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut running = self.imports.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        running.remove(&self.office);
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ImportParams {
    /// Accept people over establishment (inherited), as `api import --accept-over-establishment`.
    #[serde(default, rename = "acceptOverEstablishment")]
    accept_over_establishment: bool,
    /// `en` for English reasons; Chinese by default.
    #[serde(default)]
    lang: Option<String>,
    /// Answer how the file would be read (its columns and first rows), writing nothing.
    #[serde(default)]
    preview: bool,
    /// On a refusal, answer the file itself with a column of each line's reasons (CSV).
    #[serde(default)]
    annotated: bool,
}

/// `POST /imports/{staff|institutions|departments}.{csv|xlsx}`: a staffing office imports people
/// into its own jurisdiction's institutions, or institutions or departments into its own
/// jurisdiction, the file as the body; all rows or none, with each bad row's line and reason (in Chinese unless `?lang=en`).
/// The same checks as `api import staff`. With `Accept: application/x-ndjson` the answer is a
/// stream of lines as the import goes (`{"stage", "done", "total"}`: rows read, checked every
/// 500, checked, written per batch), then `{"report": …}` or `{"error": …}`.
pub(super) async fn import_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    params: web::Query<ImportParams>,
    body: web::Bytes,
) -> HttpResponse {
    let request_id = request_id(&req);
    let streamed = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/x-ndjson"));
    let started = async {
        let principal = authenticate(&state, &req).await?;
        admit(&state, &req, &principal)?;
        let scope = Scope::resolve_cached(&state.db, &state.jurisdictions, principal).await?;
        let own = scope.office()?.id;
        let readable = match &scope.reach {
            Reach::Office { readable, .. } => Arc::clone(readable),
            _ => return Err(ApiError::forbidden("only a staffing office imports")),
        };
        let (kind, extension) = file.rsplit_once('.').ok_or_else(|| ApiError::not_found("no such import"))?;
        let kind = match kind {
            "staff" => FileKind::Staff,
            "institutions" => FileKind::Institutions,
            "departments" => FileKind::Departments,
            _ => return Err(ApiError::not_found("imports are staff, institutions or departments, .csv or .xlsx")),
        };
        let actor = Actor::of(&scope, Some(request_id.id.clone()));
        // A file that met people or institutions held elsewhere counts against the same
        // allowance as a refused hire: whoever used it up imports nothing until it renews.
        let prober = format!("{}:{}", actor.role, actor.subject);
        state.throttle.probe_allowed(&prober)?;
        let running = state.imports.start(own)?;
        Ok::<_, ApiError>(Upload {
            kind,
            extension: extension.to_ascii_lowercase(),
            own,
            readable,
            prober,
            _running: running,
            actor,
            accept_over_establishment: params.accept_over_establishment,
            preview: params.preview,
            annotated: params.annotated && !streamed,
            chinese: params.lang.as_deref() != Some("en"),
            document: format!("导入:{}", request_id.id.chars().take(8).collect::<String>()),
        })
    }
    .await;
    let upload = match started {
        Ok(upload) => upload,
        Err(error) => return error_response(error, &request_id),
    };
    if !streamed {
        return match upload.run(&state, &body, None).await {
            Ok(Answer::Report(report)) => HttpResponse::Ok().json(report),
            Ok(Answer::Annotated(csv)) => HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"reasons.csv\""))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(csv),
            Err(error) => error_response(error, &request_id),
        };
    }
    // The import runs on its own task and tells the stream how far it has gone; a client that
    // goes away does not stop it (the file still goes in whole or not at all).
    let (lines, mut heard) = tokio::sync::mpsc::unbounded_channel::<web::Bytes>();
    let send = |lines: &tokio::sync::mpsc::UnboundedSender<web::Bytes>, value: serde_json::Value| {
        let mut line = value.to_string().into_bytes();
        line.push(b'\n');
        let _ = lines.send(line.into());
    };
    actix_web::rt::spawn(async move {
        let tell = |stage: &str, done: usize, total: usize| {
            send(&lines, serde_json::json!({ "stage": stage, "done": done, "total": total }));
        };
        let last = match upload.run(&state, &body, Some(&tell)).await {
            Ok(Answer::Report(report)) => serde_json::json!({ "report": report }),
            Ok(Answer::Annotated(_)) => serde_json::json!({ "report": null }),
            Err(error) => super::error_body(&error, &request_id),
        };
        send(&lines, last);
    });
    let stream =
        futures_util::stream::poll_fn(move |cx| heard.poll_recv(cx).map(|line| line.map(Ok::<_, actix_web::Error>)));
    HttpResponse::Ok()
        .content_type("application/x-ndjson; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(stream)
}

/// What an upload holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Staff,
    Institutions,
    Departments,
}

impl FileKind {
    fn word(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Institutions => "institutions",
            Self::Departments => "departments",
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Staff => &crate::import::STAFF_COLUMNS,
            Self::Institutions => &crate::import::INSTITUTION_COLUMNS,
            Self::Departments => &crate::import::DEPARTMENT_COLUMNS,
        }
    }

    fn optional(self) -> &'static [&'static str] {
        match self {
            Self::Staff => &crate::import::STAFF_OPTIONAL,
            Self::Institutions => &crate::import::INSTITUTION_OPTIONAL,
            Self::Departments => &crate::import::DEPARTMENT_OPTIONAL,
        }
    }
}

/// An upload admitted: what to import, for whom.
struct Upload {
    kind: FileKind,
    extension: String,
    own: i32,
    /// The jurisdictions whose people and institutions the office reads.
    readable: Arc<[i32]>,
    /// Who is counted when the file meets records held elsewhere.
    prober: String,
    _running: Running,
    actor: Actor,
    accept_over_establishment: bool,
    preview: bool,
    annotated: bool,
    chinese: bool,
    document: String,
}

/// What an upload answers: its report, or (asked for, on a refusal) the file with its reasons.
enum Answer {
    Report(serde_json::Value),
    Annotated(Vec<u8>),
}

impl Upload {
    /// Reads and imports the file; answers the report as the client reads it.
    async fn run(
        &self,
        state: &AppState,
        body: &web::Bytes,
        progress: crate::import::Progress<'_>,
    ) -> Result<Answer, ApiError> {
        let columns = self.kind.columns();
        if self.preview {
            return self.preview(body, columns).await.map(Answer::Report);
        }
        // Parsing is CPU work: on a blocking thread, within the upload's limits.
        let (bytes, extension) = (body.clone(), self.extension.clone());
        let read = tokio::task::spawn_blocking(move || {
            crate::import::read_rows_from(&bytes, &extension, columns, ReadLimits::UPLOAD)
        })
        .await
        .map_err(ApiError::internal)?;
        let within = Some(Within { own: self.own, readable: &self.readable });
        let (report, rows) = match read {
            Ok(rows) if self.kind == FileKind::Staff => {
                if let Some(tell) = progress {
                    tell("read", rows.len(), rows.len());
                }
                let accept = self.accept_over_establishment;
                let report = crate::import::import_staff_rows(
                    &state.db,
                    &state.pii,
                    &rows,
                    accept,
                    within,
                    &self.actor,
                    progress,
                )
                .await
                .map_err(ApiError::Internal)?;
                (report, Some(rows))
            }
            Ok(rows) if self.kind == FileKind::Departments => {
                let report = crate::import::import_departments_rows(&state.db, &rows, within, &self.actor)
                    .await
                    .map_err(ApiError::Internal)?;
                (report, Some(rows))
            }
            Ok(rows) => {
                let report =
                    crate::import::import_institutions_rows(&state.db, &rows, within, &self.actor, &self.document)
                        .await
                        .map_err(ApiError::Internal)?;
                (report, Some(rows))
            }
            Err(errors) => (crate::import::ImportReport::refused(errors), None),
        };
        if report.held_elsewhere {
            self.record_probe(state, report.errors.len()).await?;
        }
        if let (true, false, Some(rows)) = (self.annotated, report.errors.is_empty(), &rows) {
            let reason = |e: &crate::import::RowError| crate::labels::reason_zh_in(&e.reason, self.kind.word());
            return Ok(Answer::Annotated(crate::import::annotated_csv(rows, &report.errors, reason)));
        }
        let errors: Vec<serde_json::Value> = report
            .errors
            .iter()
            .map(|e| {
                let reason = if self.chinese {
                    crate::labels::reason_zh_in(&e.reason, self.kind.word())
                } else {
                    e.reason.clone()
                };
                let line = (e.line > 0).then_some(e.line);
                serde_json::json!({ "line": line, "reason": reason })
            })
            .collect();
        Ok(Answer::Report(serde_json::json!({
            "written": report.written,
            "createdDepartments": report.created_departments,
            "overEstablishment": report.over_establishment,
            "pastRetirementAge": report.past_retirement_age,
            "notices": report
                .notices
                .iter()
                .map(|n| if self.chinese { crate::labels::notice_zh(n) } else { n.clone() })
                .collect::<Vec<_>>(),
            "errors": errors,
            "errorCount": report.error_count,
        })))
    }

    /// How the file would be read: its columns and first rows, the cells refused; nothing written.
    async fn preview(
        &self,
        body: &web::Bytes,
        columns: &'static [&'static str],
    ) -> Result<serde_json::Value, ApiError> {
        let known = self.kind.optional();
        let (bytes, extension) = (body.clone(), self.extension.clone());
        let read = tokio::task::spawn_blocking(move || {
            crate::import::preview_from(&bytes, &extension, columns, known, ReadLimits::UPLOAD, 5)
        })
        .await
        .map_err(ApiError::internal)?;
        let mut answer = match read {
            Ok(answer) => answer,
            Err(errors) => {
                let report = crate::import::ImportReport::refused(errors);
                let errors: Vec<serde_json::Value> =
                    report.errors.iter().map(|e| serde_json::json!({ "line": e.line, "reason": e.reason })).collect();
                serde_json::json!({ "columns": [], "rows": [], "rowCount": 0, "errors": errors, "errorCount": report.error_count })
            }
        };
        // Each column the file's headers name, with its Chinese header: what the office checks.
        if let Some(columns) = answer["columns"].as_array_mut() {
            for column in columns {
                let label = column["column"].as_str().and_then(|c| crate::labels::column_zh(c, self.kind.word()));
                column["label"] = label.into();
            }
        }
        if self.chinese
            && let Some(errors) = answer["errors"].as_array_mut()
        {
            for error in errors {
                let reason =
                    crate::labels::reason_zh_in(error["reason"].as_str().unwrap_or_default(), self.kind.word());
                error["reason"] = reason.into();
            }
        }
        Ok(answer)
    }

    /// A file that met a record held outside the office: counted against its allowance and
    /// audited in its own transaction (the import's own was rolled back).
    async fn record_probe(&self, state: &AppState, errors: usize) -> Result<(), ApiError> {
        state.throttle.probe_refused(&self.prober);
        let staff = self.kind == FileKind::Staff;
        let what = if staff { "staff.import.refused" } else { "institution.import.refused" };
        let refusal = Change {
            action: what,
            entity: "jurisdiction",
            entity_id: Some(self.own),
            jurisdiction_id: Some(self.own),
            before: None,
            after: Some(serde_json::json!({
                "reason": if staff { "one person, one slot (一人一编)" } else { "credit code registered elsewhere" },
                "errors": errors,
            })),
        };
        let txn = crate::db::begin_write(&state.db).await?;
        audit::record(&txn, &self.actor, refusal).await?;
        crate::write::commit(txn).await?;
        Ok(())
    }
}
