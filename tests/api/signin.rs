//! Sign-in: accounts with argon2id passwords, a session token and an HttpOnly, SameSite cookie
//! (with CSRF protection), logout and disabled accounts ending sessions, failures answered
//! alike and throttled, sign-ins audited.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with, test_signer};

async fn app_with_signin() -> TestApp {
    spawn_app_with(|state| {
        state.with_signin(api::signin::SignIn::new(test_signer(), Duration::from_secs(1800), false).unwrap())
    })
    .await
}

async fn login(app: &TestApp, username: &str, password: &str) -> (u16, Option<String>, Value) {
    let response = app
        .client
        .post(format!("{}/auth/login", app.address))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let cookie = response.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
    (status, cookie, response.json().await.unwrap_or(Value::Null))
}

const WHO: &str = r#"{ overview(jurisdiction: "620700") { institutionCount } }"#;

async fn office_account(app: &TestApp) {
    api::seed::zhangye_tree(&app.db).await.unwrap();
    api::signin::add_user(
        &app.db,
        crate::helpers::new_account(
            "zhang.office",
            Some("correct horse battery"),
            api::auth::Role::StaffingOffice,
            "620700",
            None,
        ),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_office_signs_in_works_with_the_token_and_signs_out() {
    let app = app_with_signin().await;
    office_account(&app).await;
    let (status, cookie, body) = login(&app, "zhang.office", "correct horse battery").await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(body["expiresAt"].is_string() && body["csrfToken"].is_string());
    let token = body["token"].as_str().unwrap().to_string();
    assert_eq!(app.ok(Some(&token), WHO, json!({})).await["overview"]["institutionCount"], 0);
    // The cookie works too, with the session's CSRF token, and not without it.
    let session = cookie.split(';').next().unwrap().to_string();
    let post = |csrf: Option<&str>| {
        let mut request = app.client.post(format!("{}/graphql", app.address)).header("cookie", session.clone());
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.json(&json!({"query": WHO})).send()
    };
    let refused: Value = post(None).await.unwrap().json().await.unwrap();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    let answered: Value = post(body["csrfToken"].as_str()).await.unwrap().json().await.unwrap();
    assert_eq!(answered["data"]["overview"]["institutionCount"], 0, "{answered}");
    // Audited.
    let audit = app.ok(Some(&token), r#"{ auditLog(action: "auth.login") { totalCount } }"#, json!({})).await;
    assert_eq!(audit["auditLog"]["totalCount"], 1);
    // Logout ends the session: the token stops working.
    let out = app.client.post(format!("{}/auth/logout", app.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status().as_u16(), 204);
    assert_eq!(app.error_code(Some(&token), WHO, json!({})).await, "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_are_answered_alike_and_failures_are_throttled() {
    let app = app_with_signin().await;
    office_account(&app).await;
    let started = Instant::now();
    let (wrong, _, wrong_body) = login(&app, "zhang.office", "not the password").await;
    let wrong_time = started.elapsed();
    let started = Instant::now();
    let (unknown, _, unknown_body) = login(&app, "nobody.here", "not the password").await;
    let unknown_time = started.elapsed();
    assert_eq!((wrong, unknown), (401, 401));
    assert_eq!(wrong_body["errors"][0]["message"], unknown_body["errors"][0]["message"]);
    assert_eq!(wrong_body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    // The same argon2 work either way (a missing user is not answered faster).
    assert!(unknown_time * 3 > wrong_time, "unknown {unknown_time:?} against wrong {wrong_time:?}");
    for _ in 0..4 {
        login(&app, "zhang.office", "still wrong").await;
    }
    let (status, _, body) = login(&app, "zhang.office", "correct horse battery").await;
    assert_eq!(status, 429, "throttled even with the right password now: {body}");
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = app_with_signin().await;
    office_account(&app).await;
    let (_, _, body) = login(&app, "zhang.office", "correct horse battery").await;
    let token = body["token"].as_str().unwrap().to_string();
    app.ok(Some(&token), WHO, json!({})).await;
    assert_eq!(api::signin::disable_user(&app.db, "zhang.office").await.unwrap(), 1);
    // Within the few seconds a validated session is cached.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(app.error_code(Some(&token), WHO, json!({})).await, "UNAUTHENTICATED");
    let (status, _, _) = login(&app, "zhang.office", "correct horse battery").await;
    assert_eq!(status, 401);
    // Both changes are in the audit chain, in one transaction each with the change itself.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let audited = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Entity.eq("account"))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = audited.iter().map(|r| r.action.as_str()).filter(|a| a.starts_with("account.")).collect();
    assert_eq!(actions, ["account.add", "account.disable"]);
    assert!(audited.iter().all(|r| !r.after.as_deref().unwrap_or("").contains("argon2")), "no password hash");
    assert!(
        api::signin::add_user(
            &app.db,
            crate::helpers::new_account("short", Some("too short"), api::auth::Role::StaffingOffice, "620700", None)
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn a_session_cookie_resumes_and_an_account_of_the_identity_provider_has_no_password() {
    let app = app_with_signin().await;
    office_account(&app).await;
    let role = api::auth::Role::StaffingOffice;
    api::signin::add_user(&app.db, crate::helpers::new_account("zhao.idp", None, role, "620700", None)).await.unwrap();
    // No password opens an account that signs in at the provider, and it is refused like an
    // unknown user.
    let (status, _, body) = login(&app, "zhao.idp", "any twelve characters").await;
    let (_, _, unknown) = login(&app, "nobody.here", "any twelve characters").await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["message"], unknown["errors"][0]["message"]);
    let get = |path: &str, cookie: Option<&str>| {
        let mut request = app.client.get(format!("{}{path}", app.address));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie.to_string());
        }
        request.send()
    };
    let methods: Value = get("/auth/methods", None).await.unwrap().json().await.unwrap();
    assert_eq!(methods, json!({"password": true, "openIdConnect": false}));
    // The console resumes from the cookie alone: the same token and CSRF token again.
    let (_, cookie, answer) = login(&app, "zhang.office", "correct horse battery").await;
    let session = cookie.unwrap().split(';').next().unwrap().to_string();
    let resumed = get("/auth/session", Some(&session)).await.unwrap();
    assert_eq!(resumed.headers()["cache-control"], "no-store");
    let resumed: Value = resumed.json().await.unwrap();
    assert_eq!((&resumed["token"], &resumed["csrfToken"]), (&answer["token"], &answer["csrfToken"]));
    assert_eq!(get("/auth/session", None).await.unwrap().status().as_u16(), 401);
    let out = app.client.post(format!("{}/auth/logout", app.address)).bearer_auth(answer["token"].as_str().unwrap());
    assert_eq!(out.send().await.unwrap().status().as_u16(), 204);
    assert_eq!(get("/auth/session", Some(&session)).await.unwrap().status().as_u16(), 401);
}

#[tokio::test]
async fn with_an_identity_provider_passwords_are_off_and_a_callback_nobody_started_is_refused() {
    // A provider that cannot be reached: the browser is sent back at once, saying so.
    let settings = api::oidc::OidcSettings {
        issuer: "http://127.0.0.1:9".into(),
        client_id: "establishment".into(),
        client_secret: Some("a client secret".into()),
        redirect_url: "http://127.0.0.1/auth/oidc/callback".into(),
        username_claim: "sub".into(),
        scopes: "openid".into(),
    };
    let app = spawn_app_with(|state| {
        state
            .with_signin(api::signin::SignIn::new(test_signer(), Duration::from_secs(1800), false).unwrap())
            .with_oidc(api::oidc::Oidc::new(settings).unwrap())
            .with_throttle(api::throttle::Throttle::new(3, 1_000))
    })
    .await;
    office_account(&app).await;
    let (status, _, body) = login(&app, "zhang.office", "correct horse battery").await;
    assert_eq!((status, &body["errors"][0]["extensions"]["code"]), (403, &json!("FORBIDDEN")), "{body}");
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let get = |path: &str, cookie: &str| {
        browser.get(format!("{}{path}", app.address)).header("cookie", cookie.to_string()).send()
    };
    let methods: Value = get("/auth/methods", "").await.unwrap().json().await.unwrap();
    assert_eq!(methods, json!({"password": false, "openIdConnect": true}));
    let started = get("/auth/oidc/start", "").await.unwrap();
    assert_eq!(
        (started.status().as_u16(), &started.headers()["location"]),
        (303, &"/office/#signin=unavailable".parse().unwrap())
    );
    // A state this browser never started, or one it did not send back, is refused; so is an
    // answer without a code.
    for (query, cookie) in [
        ("code=stolen&state=guessed", "establishment_oidc_state=guessed"),
        ("code=stolen&state=guessed", "establishment_oidc_state=other"),
        ("state=guessed", "establishment_oidc_state=guessed"),
    ] {
        let answer = get(&format!("/auth/oidc/callback?{query}"), cookie).await.unwrap();
        assert_eq!(answer.status().as_u16(), 303, "{query}");
        assert_eq!(answer.headers()["location"], "/office/#signin=refused", "{query}");
        assert!(answer.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"), "the flow cookie is cleared");
    }
    let cancelled = get("/auth/oidc/callback?error=access_denied&state=x", "").await.unwrap();
    assert_eq!(cancelled.headers()["location"], "/office/#signin=cancelled");
    // Each start holds a pending flow: an address starting too many is throttled.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get("/auth/oidc/start", "").await.unwrap().status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_burst_of_guesses_at_once_is_judged_no_further_than_the_limit_and_audited_once() {
    let app = app_with_signin().await;
    office_account(&app).await;
    let guesses =
        (0..100).map(|k| login(&app, "zhang.office", if k == 60 { "correct horse battery" } else { "wrong" }));
    let answers = futures_util::future::join_all(guesses).await;
    let judged = answers.iter().filter(|(status, _, _)| *status != 429).count();
    assert!(judged <= api::signin::FAILURES_PER_USER as usize, "{judged} guesses were judged");
    assert!(answers.iter().filter(|(status, _, _)| *status == 429).count() >= 95);
    // Locked: the right password is refused too, and the account's refusals are one audit row.
    let (status, _, _) = login(&app, "zhang.office", "correct horse battery").await;
    assert_eq!(status, 429);
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let refused = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("auth.login.refused"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(refused, 1, "one row per account and window");
    // One address trying many names is held at its own limit.
    let names = (0..40).map(|k| format!("nobody.{k}")).collect::<Vec<_>>();
    let answers = futures_util::future::join_all(names.iter().map(|n| login(&app, n, "wrong"))).await;
    let judged = answers.iter().filter(|(status, _, _)| *status == 401).count();
    assert!(judged <= api::signin::FAILURES_PER_ADDRESS as usize, "{judged} judged from one address");
}

#[tokio::test]
async fn logout_by_cookie_needs_its_csrf_token_and_is_audited_once() {
    let app = app_with_signin().await;
    office_account(&app).await;
    let (_, cookie, body) = login(&app, "zhang.office", "correct horse battery").await;
    let session = cookie.unwrap().split(';').next().unwrap().to_string();
    let token = body["token"].as_str().unwrap().to_string();
    let logout = |csrf: Option<&str>| {
        let mut request = app.client.post(format!("{}/auth/logout", app.address)).header("cookie", session.clone());
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    // Another site's page can make the browser send the cookie, but not the token.
    assert_eq!(logout(None).await.unwrap().status().as_u16(), 403);
    assert_eq!(app.ok(Some(&token), WHO, json!({})).await["overview"]["institutionCount"], 0, "still signed in");
    assert_eq!(logout(body["csrfToken"].as_str()).await.unwrap().status().as_u16(), 204);
    assert_eq!(app.error_code(Some(&token), WHO, json!({})).await, "UNAUTHENTICATED");
    // Ending it again changes nothing and writes nothing.
    for _ in 0..3 {
        app.client.post(format!("{}/auth/logout", app.address)).bearer_auth(&token).send().await.unwrap();
    }
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let logouts = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("auth.logout"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(logouts, 1);
}

#[tokio::test]
async fn logout_is_rate_limited_like_any_request() {
    let app = spawn_app_with(|state| {
        state
            .with_throttle(api::throttle::Throttle::new(3, 1_000))
            .with_signin(api::signin::SignIn::new(test_signer(), Duration::from_secs(1800), false).unwrap())
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app.client.post(format!("{}/auth/logout", app.address)).send().await.unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
}
