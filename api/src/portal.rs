//! The public disclosure portal's entry page. Disclosure releases and the full portal come
//! with the disclosure work; until then the page says what the public can query.

use actix_web::HttpResponse;

pub async fn index() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(include_str!("portal/index.html"))
}
