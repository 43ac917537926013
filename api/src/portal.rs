//! The public disclosure portal: one page, built into the binary, that reads only the public
//! GraphQL fields over released snapshots (no personal data, no outside requests). Chinese
//! labels with an English toggle; `?j=CODE` picks the area, `?q=` a search, `?lang=en`.

use std::sync::LazyLock;

use actix_web::HttpResponse;

/// Where a page takes the product's labels of its enumerations.
const LABELS_MARK: &str = "/*LABELS*/{}";

/// The portal and the console with the product's labels in place.
static PORTAL: LazyLock<String> = LazyLock::new(|| with_labels(include_str!("portal/index.html")));
static CONSOLE: LazyLock<String> = LazyLock::new(|| with_labels(include_str!("console/index.html")));

fn with_labels(page: &str) -> String {
    page.replacen(LABELS_MARK, &crate::labels::enumerations_json(), 1)
}

/// The page may talk to its own origin only: a browser refuses any other request.
const POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                      connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", POLICY))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(PORTAL.as_str())
}

/// The console for staffing offices, departments and evaluators (`GET /office/`): sign in, then
/// the office's overview, institutions and records, findings, and evaluation rounds, through the
/// same GraphQL API and scope as any client. Built into the binary; nothing from another origin.
pub async fn console() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", POLICY))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("X-Frame-Options", "DENY"))
        .body(CONSOLE.as_str())
}
