//! Signing in and out over HTTP (CONTRACT.md): a password at `POST /auth/login`, or the
//! OpenID Connect provider through `/auth/oidc/start` and `/auth/oidc/callback`; the session
//! cookie read back by `/auth/session`; and who a request's caller is.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{AppState, bearer, client_address, error_response, request_id};
use crate::auth::Principal;
use crate::error::ApiError;

/// The caller: the `Authorization` header's token, else the sign-in cookie's (which needs the
/// session's `X-CSRF-Token` on a `POST`), else `PUBLIC`; anything unverifiable is an error, and
/// a token of an ended session no longer works.
pub(super) async fn authenticate(state: &AppState, req: &HttpRequest) -> Result<Principal, ApiError> {
    let (token, from_cookie) = match req.headers().get(header::AUTHORIZATION) {
        Some(value) => {
            let value =
                value.to_str().map_err(|_| ApiError::Unauthenticated("malformed Authorization header".into()))?;
            let token = bearer(value)
                .ok_or_else(|| ApiError::Unauthenticated("Authorization must be `Bearer <token>`".into()))?;
            (token.to_string(), false)
        }
        None => match (cookie(req, crate::signin::COOKIE), &state.signin) {
            (Some(token), Some(_)) => (token, true),
            _ => return Ok(Principal::public()),
        },
    };
    let (principal, sid) = state.verifier.verify_session(&token)?;
    if let Some(sid) = sid {
        let signin = state.signin.as_ref().ok_or_else(|| ApiError::Unauthenticated("sign-in is off".into()))?;
        if from_cookie && req.method() == actix_web::http::Method::POST {
            let sent = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
            if sent != signin.csrf(&sid) {
                return Err(ApiError::Forbidden("a signed-in request needs its X-CSRF-Token".into()));
            }
        }
        signin.check(&state.db, &sid).await?;
    } else if from_cookie {
        return Err(ApiError::Unauthenticated("the cookie holds no sign-in session".into()));
    }
    Ok(principal)
}

/// A cookie's value from the `Cookie` header (none when empty).
pub(super) fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    let header = req.headers().get(header::COOKIE)?.to_str().ok()?;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

#[derive(serde::Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// `POST /auth/login`: `{"username", "password"}` -> `{"token", "expiresAt", "csrfToken"}` and
/// the session cookie; a wrong password and an unknown user get the same 401.
pub(super) async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let request_id = request_id(&req);
    let Some(signin) = state.signin.clone() else {
        return error_response(ApiError::not_found("sign-in is not configured"), &request_id);
    };
    if state.oidc.is_some() {
        let error = ApiError::Forbidden("sign-in goes through the identity provider: /auth/oidc/start".into());
        return error_response(error, &request_id);
    }
    let credentials: Credentials = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(_) => return error_response(ApiError::bad_input("send {\"username\", \"password\"}"), &request_id),
    };
    let address = client_address(&req, state.proxy_header.as_ref());
    match signin.login(&state.db, &credentials.username, &credentials.password, address).await {
        Ok(answer) => {
            let cookie = signin.cookie(&answer.token);
            HttpResponse::Ok().insert_header((header::SET_COOKIE, cookie)).json(answer)
        }
        Err(error) => error_response(error, &request_id),
    }
}

/// `POST /auth/logout`: ends the caller's session; its token stops working.
pub(super) async fn logout(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let request_id = request_id(&req);
    let result = async {
        let signin = state.signin.clone().ok_or_else(|| ApiError::not_found("sign-in is not configured"))?;
        // Counted like any request of its caller's address, signed in or not.
        if let Some(address) = client_address(&req, state.proxy_header.as_ref()) {
            state.throttle.public(address)?;
        }
        let (token, from_cookie) = match req.headers().get(header::AUTHORIZATION) {
            Some(value) => (value.to_str().ok().and_then(bearer).map(str::to_string), false),
            None => (cookie(&req, crate::signin::COOKIE), true),
        };
        let token = token.ok_or_else(|| ApiError::Unauthenticated("not signed in".into()))?;
        let (principal, sid) = state.verifier.verify_session(&token)?;
        let sid = sid.ok_or_else(|| ApiError::bad_input("this token belongs to no sign-in session"))?;
        // A cookie is sent by the browser whoever asks: another site's page must not be able
        // to sign the user out, so the cookie needs the session's CSRF token, as every POST.
        if from_cookie {
            let sent = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
            if sent != signin.csrf(&sid) {
                return Err(ApiError::Forbidden("a signed-in request needs its X-CSRF-Token".into()));
            }
        }
        state.throttle.subject(&format!("{}:{}", principal.role.word(), principal.subject))?;
        signin.logout(&state.db, &sid).await?;
        Ok::<_, ApiError>(signin.cleared_cookie())
    }
    .await;
    match result {
        Ok(cleared) => HttpResponse::NoContent().insert_header((header::SET_COOKIE, cleared)).finish(),
        Err(error) => error_response(error, &request_id),
    }
}

/// `GET /auth/methods`: how people sign in here, so the console offers the right form.
pub(super) async fn methods(state: web::Data<AppState>) -> HttpResponse {
    let signs = state.signin.is_some();
    HttpResponse::Ok().json(serde_json::json!({
        "password": signs && state.oidc.is_none(),
        "openIdConnect": signs && state.oidc.is_some(),
    }))
}

/// `GET /auth/session`: the login answer again for the session cookie's token (a console back
/// from the identity provider, or reloaded). Never cached; the cookie is `SameSite=Strict`, so
/// another site's page cannot make a browser send it here.
pub(super) async fn session(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let request_id = request_id(&req);
    let result = async {
        let signin = state.signin.clone().ok_or_else(|| ApiError::not_found("sign-in is not configured"))?;
        let token =
            cookie(&req, crate::signin::COOKIE).ok_or_else(|| ApiError::Unauthenticated("not signed in".into()))?;
        let (principal, sid) = state.verifier.verify_session(&token)?;
        let sid = sid.ok_or_else(|| ApiError::Unauthenticated("the cookie holds no sign-in session".into()))?;
        signin.resume(&state.db, token, principal, &sid).await
    }
    .await;
    match result {
        Ok(answer) => HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer),
        Err(error) => error_response(error, &request_id),
    }
}

/// Back to the console, saying why when the sign-in did not happen.
fn to_console(outcome: Option<&str>) -> actix_web::HttpResponseBuilder {
    let location = match outcome {
        None => "/office/".to_string(),
        Some(why) => format!("/office/#signin={why}"),
    };
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, location)).insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// `GET /auth/oidc/start`: to the provider, with the flow's `state` in a cookie of this browser.
pub(super) async fn oidc_start(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (Some(oidc), Some(signin)) = (state.oidc.clone(), state.signin.clone()) else {
        return error_response(ApiError::not_found("no identity provider is configured"), &request_id(&req));
    };
    // Each start holds a pending flow for minutes: counted like any anonymous request.
    if let Some(address) = client_address(&req, state.proxy_header.as_ref())
        && let Err(error) = state.throttle.public(address)
    {
        return error_response(error, &request_id(&req));
    }
    match oidc.start().await {
        Ok((location, flow)) => HttpResponse::Found()
            .insert_header((header::LOCATION, location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::SET_COOKIE, signin.flow_cookie(Some(&flow))))
            .finish(),
        Err(_) => to_console(Some("unavailable")).finish(),
    }
}

#[derive(serde::Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/oidc/callback`: the provider's answer; on success a session like a password
/// login's, and back to the console.
pub(super) async fn oidc_callback(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (Some(oidc), Some(signin)) = (state.oidc.clone(), state.signin.clone()) else {
        return error_response(ApiError::not_found("no identity provider is configured"), &request_id(&req));
    };
    let cleared = signin.flow_cookie(None);
    let query = web::Query::<Callback>::from_query(req.query_string()).map(web::Query::into_inner);
    let (code, flow) = match query {
        Ok(Callback { code: Some(code), state: Some(flow), error: None }) => (code, flow),
        Ok(Callback { error: Some(error), .. }) => {
            tracing::info!(%error, "the identity provider did not sign the person in");
            return to_console(Some("cancelled")).insert_header((header::SET_COOKIE, cleared)).finish();
        }
        _ => return to_console(Some("refused")).insert_header((header::SET_COOKIE, cleared)).finish(),
    };
    let browser_flow = cookie(&req, crate::oidc::STATE_COOKIE);
    let result = async {
        let username = oidc.finish(&flow, browser_flow.as_deref(), &code).await?;
        signin.login_external(&state.db, &username).await
    }
    .await;
    match result {
        Ok(answer) => to_console(None)
            .insert_header((header::SET_COOKIE, cleared))
            .append_header((header::SET_COOKIE, signin.cookie(&answer.token)))
            .finish(),
        Err(error) => {
            let why = match &error {
                ApiError::Unavailable(_) => "unavailable",
                ApiError::Unauthenticated(_) => "refused",
                _ => {
                    error.log();
                    "failed"
                }
            };
            to_console(Some(why)).insert_header((header::SET_COOKIE, cleared)).finish()
        }
    }
}
