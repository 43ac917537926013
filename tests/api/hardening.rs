//! The product tried as an outsider would (issue "Hardening"): a bounded cost for every
//! request, no oracle on personal data, safe secrets, fast answers under faults, rate limits.

use std::time::{Duration, Instant};

use api::server::Limits;
use api::throttle::Throttle;
use serde_json::json;

use crate::fixture::{self, world};
use crate::helpers::{spawn_app, spawn_app_with};

const FAN_OUT: &str = "{ departments { id jurisdiction { departments { id jurisdiction { departments { id jurisdiction { departments { id } } } } } } } }";

#[tokio::test]
async fn the_anonymous_fan_out_is_refused_before_any_statement_with_its_cost_and_budget() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let before = app.statements();
    let started = Instant::now();
    let (status, body) = app.graphql(None, FAN_OUT, json!({})).await;
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "COST_EXCEEDED", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["budget"], 5000, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("costs") && message.contains("budget of 5000"), "{message}");
    assert_eq!(app.statements(), before, "a refused request ran SQL");
    assert!(body.get("data").is_none_or(|d| d.is_null()));
}

#[tokio::test]
async fn aliased_copies_of_an_expensive_field_are_refused_for_offices_too() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let copies: String = (0..100)
        .map(|i| format!("o{i}: overview(jurisdiction: \"620700\", includeDescendants: true) {{ institutionCount }} "))
        .collect();
    let (_, body) = app.graphql(Some(&token), &format!("{{ {copies} }}"), json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("budget of 50000"), "{body}");
    let findings: String = (0..20)
        .map(|i| {
            format!(
                "f{i}: findings(jurisdiction: \"620700\", includeDescendants: true) {{ unclassified {{ totalCount items(first: 200) {{ figure }} }} }} "
            )
        })
        .collect();
    let (_, body) = app.graphql(Some(&token), &format!("{{ {findings} }}"), json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("budget"), "{body}");
    // One of each is an office's ordinary work.
    app.ok(
        Some(&token),
        "{ overview(jurisdiction: \"620700\", includeDescendants: true) { institutionCount } }",
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn nested_jurisdiction_lists_cost_statements_by_shape_not_by_data() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let query = r#"{ jurisdictions { code departments { name jurisdiction { code } } }
        jurisdiction(code: "620700") { children { code departments { name } } } }"#;
    let mut counts = Vec::new();
    for code in ["620722", "620700"] {
        let token = app.office(code);
        app.ok(Some(&token), "{ jurisdictions { code } }", json!({})).await;
        let before = app.statements();
        let data = app.ok(Some(&token), &query.replace("620700", code), json!({})).await;
        counts.push(app.statements() - before);
        assert!(!data["jurisdictions"].as_array().unwrap().is_empty());
    }
    // A county has one jurisdiction, the city seven: one statement per list in the query
    // (fewer where a list comes back empty), whatever the number of parents.
    assert!(counts[0] <= counts[1], "{counts:?}");
    assert!(counts[1] <= 5, "{counts:?}");
}

#[tokio::test]
async fn graphql_js_introspection_is_admitted() {
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let query = include_str!("../fixtures/introspection-query.graphql");
    for token in [None, Some(app.office("620700"))] {
        let (_, body) = app.graphql(token.as_deref(), query, json!({})).await;
        assert!(body.get("errors").is_none(), "{}", &body.to_string()[..300.min(body.to_string().len())]);
        let types = body["data"]["__schema"]["types"].as_array().unwrap();
        assert!(types.iter().any(|t| t["name"] == "Institution"));
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    }
}

#[tokio::test]
async fn other_offices_see_only_the_last_four_characters_and_no_birth_year() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "query($id: ID!) { person(id: $id) { nationalId birthYear } }";
    let seen = app.ok(Some(&w.city.token), q, json!({"id": w.minle.person})).await;
    let masked = seen["person"]["nationalId"].as_str().unwrap();
    assert_eq!(masked, format!("{}{}", "*".repeat(14), &w.minle.national_id[14..]));
    assert!(seen["person"]["birthYear"].is_null(), "{seen}");
    let own = app.ok(Some(&w.minle.token), q, json!({"id": w.minle.person})).await;
    assert_eq!(own["person"]["nationalId"], w.minle.national_id.as_str());
    assert_eq!(own["person"]["birthYear"], 1980);
}

#[tokio::test]
async fn a_full_institution_answers_no_vacancy_for_any_number_and_one_slot_probes_are_throttled() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Fill the city's unit (5 fiscal slots, one taken).
    for seq in 0..4 {
        let id = fixture::national_id("620700", "19900101", 100 + seq);
        fixture::hire(&app, &w.city.token, &w.city.institution, "在职", &id).await;
    }
    let stranger = fixture::national_id("620700", "19900101", 999);
    let hire = |id: &str| json!({"input": fixture::hire_input(&w.city.institution, "试探", id, "FISCAL")});
    let (_, real) = app.graphql(Some(&w.city.token), fixture::HIRE, hire(&w.minle.national_id)).await;
    let (_, fake) = app.graphql(Some(&w.city.token), fixture::HIRE, hire(&stranger)).await;
    assert_eq!(real["errors"][0]["message"], fake["errors"][0]["message"], "the answer singles out a number");
    assert!(real["errors"][0]["message"].as_str().unwrap().contains("no vacant"), "{real}");

    // With a vacancy, the refusal is audited and a caller who keeps meeting it is stopped.
    app.ok(Some(&w.city.token), fixture::EVENT, fixture::event(&w.city.institution, "APPROVE", 1)).await;
    for _ in 0..api::throttle::PROBE_ALLOWANCE {
        let (_, body) = app.graphql(Some(&w.city.token), fixture::HIRE, hire(&w.minle.national_id)).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "CONFLICT", "{body}");
    }
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&w.city.token)
        .json(&json!({"query": fixture::HIRE, "variables": hire(&stranger)}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().get("retry-after").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{body}");
    let log = app
        .ok(Some(&w.city.token), r#"{ auditLog(action: "staff.hire.refused", first: 50) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(log["auditLog"]["totalCount"], api::throttle::PROBE_ALLOWANCE as i64);
}

#[tokio::test]
async fn a_personal_data_key_other_than_the_databases_is_refused() {
    let app = spawn_app().await;
    let first = api::pii::PiiCipher::new("the-first-personal-data-key-0123456789");
    api::pii::ensure_fingerprint(&app.db, &first).await.unwrap();
    api::pii::ensure_fingerprint(&app.db, &first).await.unwrap();
    let other = api::pii::PiiCipher::new("another-personal-data-key-0123456789");
    let error = api::pii::ensure_fingerprint(&app.db, &other).await.unwrap_err();
    assert!(error.to_string().contains("PII_KEY"), "{error}");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = spawn_app_with(|state| state.with_throttle(Throttle::new(3, 1_000))).await;
    let w = world(&app).await;
    let _ = w;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({"query": "{ jurisdictions { code } }"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status().as_u16() == 429 {
            assert!(response.headers().get("retry-after").is_some());
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429]);
}

#[tokio::test]
async fn a_request_past_its_deadline_is_stopped_with_unavailable() {
    let app =
        spawn_app_with(|state| state.with_limits(Limits { deadline: Duration::from_millis(1), ..Default::default() }))
            .await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .json(&json!({"query": "{ findings(jurisdiction: \"620700\", includeDescendants: true) { unclassified { totalCount items(first: 200) { figure } } } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().get("retry-after").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAVAILABLE");
}

#[tokio::test]
async fn a_change_past_its_deadline_is_not_cut_off_mid_transaction_but_recorded_whole() {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        id: i32,
        occupied: i64,
        people: i64,
    }
    let app =
        spawn_app_with(|state| state.with_limits(Limits { deadline: Duration::from_millis(1), ..Default::default() }))
            .await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let backend = app.db.get_database_backend();
    let sql = "SELECT b.institution_id AS id, CAST(b.occupied AS BIGINT) AS occupied, \
                      (SELECT COUNT(*) FROM staff s WHERE s.institution_id = b.institution_id) AS people \
               FROM establishment_balance b JOIN institution i ON i.id = b.institution_id \
               JOIN jurisdiction j ON j.id = i.jurisdiction_id \
               WHERE j.code = '620700' AND i.status = 'ACTIVE' AND b.funding = 'FISCAL' \
                 AND b.approved - b.frozen - b.occupied > 0 ORDER BY b.institution_id LIMIT 1";
    let before = Row::find_by_statement(Statement::from_string(backend, sql)).one(&app.db).await.unwrap().unwrap();
    let token = app.office("620700");
    let input = fixture::hire_input(
        &before.id.to_string(),
        "新进人员",
        &fixture::national_id("620700", "19900101", 901),
        "FISCAL",
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .json(&json!({"query": fixture::HIRE, "variables": {"input": input}}))
        .send()
        .await
        .unwrap();
    // The client hears that the change outlived its deadline, not that it was stopped…
    assert_eq!(response.status().as_u16(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("recorded whole or not at all"), "{body}");
    // …and the hire goes on to its end: person and slot together.
    let one = format!(
        "SELECT b.institution_id AS id, CAST(b.occupied AS BIGINT) AS occupied, \
                (SELECT COUNT(*) FROM staff s WHERE s.institution_id = b.institution_id) AS people \
         FROM establishment_balance b WHERE b.institution_id = {} AND b.funding = 'FISCAL'",
        before.id
    );
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let now =
            Row::find_by_statement(Statement::from_string(backend, one.clone())).one(&app.db).await.unwrap().unwrap();
        if now.people == before.people + 1 {
            assert_eq!(now.occupied, before.occupied + 1, "the person came without the slot");
            break;
        }
        assert!(Instant::now() < until, "the hire was cut off");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_oversized_answer_is_replaced_by_an_error() {
    let app = spawn_app_with(|state| state.with_limits(Limits { max_answer: 2_000, ..Default::default() })).await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let (_, body) =
        app.graphql(Some(&token), "{ institutions(first: 100) { edges { node { name } } } }", json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("over the limit"), "{body}");
}

#[tokio::test]
async fn tokens_that_live_too_long_are_refused_and_the_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    let forever = app
        .signer
        .sign(api::auth::Role::StaffingOffice, Some("620700"), None, "x", Duration::from_secs(10 * 365 * 86_400))
        .unwrap();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&forever)
        .json(&json!({"query": "{ jurisdictions { code } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let token = app.office("620700");
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("Authorization", format!("{scheme} {token}"))
            .json(&json!({"query": "{ jurisdictions { code } }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn metrics_need_their_token() {
    let secret = "metrics-token-for-the-tests-0123456789";
    let app = spawn_app_with(|state| state.with_metrics_token(Some(secret.into()))).await;
    assert_eq!(app.get("/metrics").await.status().as_u16(), 401);
    let response = app.client.get(format!("{}/metrics", app.address)).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let response = app.client.get(format!("{}/metrics", app.address)).bearer_auth(secret).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let closed = spawn_app().await;
    assert_eq!(closed.get("/metrics").await.status().as_u16(), 404);
}

#[tokio::test]
async fn another_offices_loan_is_answered_like_a_missing_one() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let city = app.office("620700");
    let loans = app.ok(Some(&city), r#"{ turnoverPool(jurisdiction: "620700") { loans { id } } }"#, json!({})).await;
    let loan = loans["turnoverPool"]["loans"][0]["id"].as_str().unwrap().to_string();
    let county = app.office("620722");
    let q = r#"mutation($l: ID!) { repayLoan(loanId: $l, slots: 1, repaidOn: "2025-10-01") { id } }"#;
    let (_, theirs) = app.graphql(Some(&county), q, json!({"l": loan})).await;
    let (_, missing) = app.graphql(Some(&county), q, json!({"l": "999999"})).await;
    assert_eq!(theirs["errors"][0]["extensions"]["code"], "NOT_FOUND", "{theirs}");
    let shape =
        |v: &serde_json::Value| v["errors"][0]["message"].as_str().unwrap().replace(&loan, "N").replace("999999", "N");
    assert_eq!(shape(&theirs), shape(&missing));
    assert!(!theirs.to_string().contains("institution"), "{theirs}");
}

#[tokio::test]
async fn exported_names_cannot_become_formulas_and_csv_starts_with_a_bom() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let name = "=WEBSERVICE(\"http://x\")";
    fixture::institution(&app, &w.minle.token, &w.minle.department, name, &fixture::credit_code("620722", 77)).await;
    let response = app
        .client
        .get(format!("{}/exports/findings.csv?jurisdiction=620700&include_descendants=true", app.address))
        .bearer_auth(&w.city.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains("'=WEBSERVICE"), "{text}");
    for line in text.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "a live formula: {line}");
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // PostgreSQL keeps its own files
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.db");
    let db = api::db::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    api::write::migrate(&db).await.unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// A TCP proxy the test owns between the server and PostgreSQL: `cut` drops every
/// connection and refuses new ones, `restore` lets them through again.
struct Proxy {
    port: u16,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let links = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, kept) = (cut.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let upstream = upstream.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                kept.lock().unwrap().push(link);
            }
        });
        Self { port, cut, links }
    }

    fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

async fn assert_unavailable_at_once(app: &crate::helpers::TestApp, token: &str) {
    let started = Instant::now();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({"query": "{ institutions(first: 5) { totalCount } }"}))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().get("retry-after").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{body}");
    assert!(!body.to_string().to_lowercase().contains("sql"), "{body}");
    assert_eq!(app.get("/readyz").await.status().as_u16(), 503);
}

#[tokio::test]
async fn with_the_database_gone_requests_get_unavailable_at_once_and_the_service_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database_url(&dir).await;
    let direct = api::db::connect_with(&url, schema.as_deref()).await.unwrap();
    api::write::migrate(&direct).await.unwrap();
    api::seed::zhangye_tree(&direct).await.unwrap();
    let limits = api::db::PoolLimits { acquire_timeout: Duration::from_secs(2), ..Default::default() };
    let Some(schema) = schema else {
        // SQLite has no server to lose: a closed pool stands in for it.
        let app = crate::helpers::spawn_app_on(dir, direct.clone(), |s| s).await;
        let token = app.office("620700");
        app.ok(Some(&token), "{ institutions(first: 5) { totalCount } }", json!({})).await;
        direct.close().await.unwrap();
        assert_unavailable_at_once(&app, &token).await;
        return;
    };
    let proxy = Proxy::start("127.0.0.1:5432".into()).await;
    let proxied_url = url.replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port));
    let proxied = api::db::connect_limited(&proxied_url, Some(&schema), limits).await.unwrap();
    let app = crate::helpers::spawn_app_on(dir, proxied, |s| s).await;
    let token = app.office("620700");
    app.ok(Some(&token), "{ institutions(first: 5) { totalCount } }", json!({})).await;
    proxy.cut();
    assert_unavailable_at_once(&app, &token).await;
    assert_unavailable_at_once(&app, &token).await;
    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ready = app.get("/readyz").await.status().as_u16() == 200;
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "the service did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(api::db::RETRY_AFTER).await;
    app.ok(Some(&token), "{ institutions(first: 5) { totalCount } }", json!({})).await;
}

#[tokio::test]
async fn overlong_text_is_refused_before_anything_runs() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let before = app.row_counts().await;
    let long = "长".repeat(api::graphql::cost::MAX_TEXT + 1);
    let q = "mutation($name: String!) { createDepartment(name: $name) { id } }";
    let (_, body) = app.graphql(Some(&w.city.token), q, json!({"name": long})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("characters"), "{body}");
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn the_public_answer_cache_stays_within_its_bytes() {
    let kept = std::sync::Arc::new(api::public_answers::PublicAnswers::with_capacity(64 * 1024));
    let shared = kept.clone();
    let app = spawn_app_with(move |mut state| {
        state.public_answers = shared;
        state.with_throttle(Throttle::new(0, 0))
    })
    .await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    // Near-identical anonymous requests, each a distinct body with an answer of a few KiB.
    for i in 0..100 {
        let query = format!("{{ a{i}: jurisdictions {{ code name kind }} b: departments {{ id }} }}");
        app.ok(None, &query, json!({})).await;
    }
    assert!(kept.weight() <= 64 * 1024, "{} bytes kept", kept.weight());
    assert!(kept.weight() > 0);
}

#[tokio::test]
async fn slot_counts_that_would_overflow_are_refused_not_crashed_on() {
    // Found by Schemathesis: fiscal + selfFinanced past i32::MAX panicked the resolver.
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = r#"mutation($i: InitialEstablishmentInput!) { setInitialEstablishment(input: $i) { approved } }"#;
    for token in [None, Some(w.city.token.as_str())] {
        let input = json!({"i": {"institutionId": w.city.institution, "fiscal": 1, "selfFinanced": 2147483647,
            "documentNo": "张编发〔2025〕1号", "effectiveOn": "2020-01-01", "reason": "x"}});
        let (status, body) = app.graphql(token, q, input).await;
        assert_eq!(status, 200, "{body}");
        let code = body["errors"][0]["extensions"]["code"].as_str().unwrap();
        assert!(code == "BAD_USER_INPUT" || code == "FORBIDDEN", "{body}");
    }
    app.ok(Some(&w.city.token), "{ jurisdictions { code } }", json!({})).await;
}

#[tokio::test]
async fn a_statement_past_postgresqls_timeout_answers_unavailable() {
    use sea_orm::ConnectionTrait;
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database_url(&dir).await;
    let Some(schema) = schema else {
        return; // SQLite has no statement timeout; the request deadline covers it
    };
    let limits = api::db::PoolLimits {
        acquire_timeout: Duration::from_secs(5),
        statement_timeout: Some(Duration::from_millis(50)),
        max_connections: None,
    };
    let db = api::db::connect_limited(&url, Some(&schema), limits).await.unwrap();
    let error = db.execute_unprepared("SELECT pg_sleep(1)").await.unwrap_err();
    let error = api::error::ApiError::from(error);
    assert_eq!(error.code(), "UNAVAILABLE");
    assert!(error.message().contains("too long"), "{}", error.message());
    db.execute_unprepared("SELECT 1").await.unwrap();
}

#[tokio::test]
async fn each_signed_in_subject_has_its_own_rate_limit() {
    let app = spawn_app_with(|state| state.with_throttle(Throttle::new(1_000, 3))).await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let (first, second) = (app.office("620700"), app.token(api::auth::Role::StaffingOffice, "620722"));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(app.graphql(Some(&first), "{ jurisdictions { code } }", json!({})).await.0);
    }
    assert_eq!(statuses, [200, 200, 200, 429]);
    // Another subject (the tests sign every office token as `tester`, so use another sub).
    let other = app
        .signer
        .sign(api::auth::Role::StaffingOffice, Some("620722"), None, "someone-else", Duration::from_secs(600))
        .unwrap();
    assert_eq!(app.graphql(Some(&other), "{ jurisdictions { code } }", json!({})).await.0, 200);
    let _ = second;
}

#[tokio::test]
async fn a_rounds_lists_load_in_one_batch_for_every_round() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    app.ok(Some(&token), "{ jurisdictions { code } }", json!({})).await;
    let before = app.statements();
    let bare = app.ok(Some(&token), "{ evaluationRounds { id } }", json!({})).await;
    let alone = app.statements() - before;
    let rounds = bare["evaluationRounds"].as_array().unwrap().len();
    assert!(rounds >= 2, "the demo city has rounds: {bare}");
    let before = app.statements();
    let full = app
        .ok(
            Some(&token),
            "{ evaluationRounds { id institutions { id } members { id } recusals { memberId } } }",
            json!({}),
        )
        .await;
    let with_lists = app.statements() - before;
    assert!(full["evaluationRounds"][0]["institutions"].as_array().is_some_and(|l| !l.is_empty()));
    // Institutions (links and rows), members and recusals: four statements, whatever the rounds.
    assert!(with_lists - alone <= 4, "{alone} then {with_lists} statements for {rounds} rounds");
}
