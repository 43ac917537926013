//! What operators rely on: the command line, HEAD, metric names, CORS.

use clap::{CommandFactory, Parser};
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

use api::cli::{Cli, Command};

#[test]
fn the_command_line_has_a_version_and_takes_options_after_the_subcommand() {
    let error = Cli::try_parse_from(["api", "--version"]).err().unwrap();
    assert_eq!(error.kind(), clap::error::ErrorKind::DisplayVersion);
    assert!(error.to_string().contains(env!("CARGO_PKG_VERSION").split('.').next().unwrap()));
    let cli = Cli::try_parse_from(["api", "serve", "--bind", "127.0.0.1:9999", "--demo"]).unwrap();
    match cli.command {
        Command::Serve { demo, server, .. } => assert_eq!((demo, server.bind.as_str()), (true, "127.0.0.1:9999")),
        _ => panic!("not serve"),
    }
    // The few options every subcommand takes go before or after it.
    let cli = Cli::try_parse_from(["api", "--data-dir", "/tmp/a", "migrate"]).unwrap();
    assert_eq!(cli.settings.data_dir, std::path::PathBuf::from("/tmp/a"));
    let cli = Cli::try_parse_from(["api", "migrate", "--database-url", "sqlite://x.db"]).unwrap();
    assert_eq!(cli.settings.database_url, "sqlite://x.db");
}

#[test]
fn each_subcommand_lists_its_own_options_and_only_serve_the_servers() {
    let mut command = Cli::command();
    // As `api NAME --help` shows it: with the options every subcommand takes.
    command.build();
    let help = |command: &mut clap::Command, name: &str| {
        command.find_subcommand_mut(name).unwrap().render_long_help().to_string()
    };
    let serve = help(&mut command, "serve");
    for heading in ["Identity:", "Personal data:", "Serving:", "Limits:", "Sign-in:", "Telemetry:"] {
        assert!(serve.contains(heading), "{heading} in {serve}");
    }
    for name in ["token", "import", "seed", "migrate", "user", "export", "backup"] {
        let text = help(&mut command, name);
        assert!(text.contains("--database-url") && text.contains("--data-dir"), "{name}: {text}");
        for server_only in ["--bind", "--rate-limit-public", "--oidc-issuer", "--metrics-token", "--cors-origins"] {
            assert!(!text.contains(server_only), "{name} lists {server_only}: {text}");
        }
    }
    assert!(help(&mut command, "token").contains("--jwt-secret"));
    assert!(!help(&mut command, "migrate").contains("--jwt-secret"));
    assert!(help(&mut command, "import").contains("--pii-key"));
    assert!(Cli::try_parse_from(["api", "token", "--role", "PUBLIC", "--bind", "127.0.0.1:1"]).is_err());
    // The server's pool size and worker count are its own knobs.
    let serve = help(&mut command, "serve");
    assert!(serve.contains("DB_POOL_SIZE") && serve.contains("WORKERS"), "{serve}");
    assert!(Cli::try_parse_from(["api", "serve", "--db-pool-size", "8", "--workers", "2"]).is_ok());
    assert!(Cli::try_parse_from(["api", "token", "--role", "PUBLIC", "--workers", "2"]).is_err());
}

#[test]
fn token_help_lists_the_roles_and_refuses_others() {
    let mut command = Cli::command();
    let token = command.find_subcommand_mut("token").unwrap();
    let help = token.render_long_help().to_string();
    for role in ["STAFFING_OFFICE", "DEPARTMENT", "INSTITUTION", "EVALUATOR", "PUBLIC"] {
        assert!(help.contains(role), "{help}");
    }
    assert!(Cli::try_parse_from(["api", "token", "--role", "ADMIN", "--jurisdiction", "620700"]).is_err());
}

#[tokio::test]
async fn head_is_answered_where_get_is() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz", "/schema.graphql", "/", "/graphql"] {
        let response = app.client.head(format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert!(response.bytes().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn metrics_count_graphql_outcomes_by_operation_and_code_and_show_the_process() {
    let token = "metrics-token-for-the-tests-0123456789";
    let app = spawn_app_with(|state| state.with_metrics_token(Some(token.into()))).await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    app.ok(None, "query Tree { jurisdictions { code } }", json!({})).await;
    app.graphql(None, "query Staff { staff { totalCount } }", json!({})).await;
    let body = app.text("/metrics", token).await;
    assert!(body.contains(r#"graphql_requests_total{code="OK",operation="Tree"} 1"#), "{body}");
    assert!(body.contains(r#"graphql_requests_total{code="FORBIDDEN",operation="Staff"} 1"#), "{body}");
    assert!(body.contains("process_resident_memory_bytes"), "{body}");
    assert!(body.contains(r#"http_requests_duration_seconds_bucket{endpoint="/graphql",method="POST""#), "{body}");
    assert!(body.contains("db_statements_total") || body.contains("http_requests_total"), "{body}");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = spawn_app_with(|state| state.with_cors_origins(vec!["https://office.example.gov.cn".into()])).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type")
            .send()
    };
    let allowed = preflight("https://office.example.gov.cn").await.unwrap();
    assert_eq!(
        allowed.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap()),
        Some("https://office.example.gov.cn")
    );
    let other = preflight("https://attacker.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let closed = spawn_app().await;
    let response = closed
        .client
        .post(format!("{}/graphql", closed.address))
        .header("Origin", "https://office.example.gov.cn")
        .json(&json!({"query": "{ jurisdictions { code } }"}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("access-control-allow-origin").is_none());
}

/// A stand-in OTLP collector: records the bodies POSTed to `/v1/traces`.
async fn collector() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 8192];
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else { return };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).to_lowercase();
                    let Some(end) = text.find("\r\n\r\n") else { continue };
                    let length = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        if text.starts_with("post /v1/traces") {
                            kept.lock().unwrap().push(request[end + 4..end + 4 + length].to_vec());
                        }
                        let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
                        request.clear();
                    }
                }
            });
        }
    });
    (address, received)
}

#[tokio::test(flavor = "multi_thread")]
async fn traces_go_to_an_otlp_collector_with_the_request_id() {
    let (endpoint, received) = collector().await;
    // The only test that installs the process's subscriber.
    let telemetry =
        api::telemetry::init(api::telemetry::LogFormat::Off, Some(&endpoint), "establishment-tests").unwrap();
    let app = spawn_app().await;
    // A caller's W3C trace context: the request's span continues its trace.
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "trace-me-42")
        .header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    app.ok(None, "query TracedProbe { __typename }", json!({})).await;
    let trace_bytes: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&trace[2 * i..2 * i + 2], 16).unwrap()).collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        telemetry.flush();
        // The span continues the caller's trace, carries the request id and OpenTelemetry's
        // semantic attributes of an HTTP server span.
        let has = |body: &[u8], needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
        let found = received.lock().unwrap().iter().any(|body| {
            has(body, b"trace-me-42")
                && has(body, &trace_bytes)
                && [b"http.request.method".as_slice(), b"url.path", b"/healthz", b"http.response.status_code"]
                    .iter()
                    .all(|attribute| has(body, attribute))
        }) && received.lock().unwrap().iter().any(|body| {
            has(body, b"graphql.operation.name") && has(body, b"TracedProbe") && has(body, b"graphql.operation.type")
        });
        if found {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no span with the request id reached the collector");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Several schemas of one database migrating at once (parallel tests, or tenants brought up
/// together on a new server) all need `btree_gin`, which belongs to the whole database: none
/// of them may fail on creating it, and it must not live in any one of their schemas.
#[tokio::test]
async fn schemas_migrating_together_on_a_fresh_database_all_succeed() {
    use sea_orm::ConnectionTrait;
    let url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => return, // SQLite has one database per file and no extensions
    };
    // `.ci/run` drops databases named restore_* left by an interrupted run.
    let database = format!("restore_{}", uuid::Uuid::new_v4().simple());
    let admin = api::db::connect(&url).await.unwrap();
    admin.execute_unprepared(&format!("CREATE DATABASE {database}")).await.unwrap();
    let target = url.rsplit_once('/').map(|(base, _)| format!("{base}/{database}")).unwrap();
    let schemas: Vec<String> = (0..4).map(|n| format!("tenant_{n}")).collect();
    let setup = api::db::connect(&target).await.unwrap();
    for schema in &schemas {
        setup.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.unwrap();
    }
    let migrations: Vec<_> = schemas
        .iter()
        .map(|schema| {
            let (target, schema) = (target.clone(), schema.clone());
            tokio::spawn(async move {
                let db = api::db::connect_with(&target, Some(&schema)).await.unwrap();
                let outcome = api::write::migrate(&db).await;
                db.close().await.ok();
                outcome
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for migration in migrations {
        outcomes.push(migration.await.unwrap());
    }
    let home = setup
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT n.nspname AS home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
             WHERE e.extname = 'btree_gin'",
        ))
        .await
        .unwrap()
        .map(|row| row.try_get::<String>("", "home").unwrap());
    setup.close().await.ok();
    admin.execute_unprepared(&format!("DROP DATABASE {database} WITH (FORCE)")).await.unwrap();
    for outcome in outcomes {
        outcome.expect("every schema migrates");
    }
    let available = admin
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gin'",
        ))
        .await
        .unwrap()
        .is_some();
    if available {
        assert_eq!(home.as_deref(), Some("public"));
    }
}

/// `DB_POOL_SIZE` bounds the pool: with one connection held by an open transaction, the next
/// statement waits its acquire timeout and is answered as unavailable, on both databases.
#[tokio::test]
async fn the_pool_holds_as_many_connections_as_it_is_given() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database_url(&dir).await;
    let limits = api::db::PoolLimits {
        acquire_timeout: std::time::Duration::from_millis(300),
        max_connections: Some(1),
        ..Default::default()
    };
    let db = api::db::connect_limited(&url, schema.as_deref(), limits).await.unwrap();
    let held = db.begin().await.unwrap();
    let error = db.execute_unprepared("SELECT 1").await.unwrap_err();
    assert_eq!(api::error::ApiError::from(error).code(), "UNAVAILABLE");
    held.rollback().await.unwrap();
    db.execute_unprepared("SELECT 1").await.unwrap();
}

/// `api migrate status` and `api migrate down`: the last migrations roll back (their `down`
/// runs on this database) and apply again, the status saying which are pending in between.
#[tokio::test]
async fn the_last_migrations_roll_back_and_apply_again() {
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database_url(&dir).await;
    let db = api::db::connect_with(&url, schema.as_deref()).await.unwrap();
    api::write::migrate(&db).await.unwrap();
    let status = api::db::migration_status(&db).await.unwrap();
    assert!(status.len() > 30 && status.iter().all(|(_, applied)| *applied), "{status:?}");
    api::db::migrate_down(&db, 2).await.unwrap();
    let status = api::db::migration_status(&db).await.unwrap();
    let pending: Vec<&str> = status.iter().filter(|(_, applied)| !applied).map(|(name, _)| name.as_str()).collect();
    assert_eq!(pending, status[status.len() - 2..].iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>());
    api::write::migrate(&db).await.unwrap();
    assert!(api::db::migration_status(&db).await.unwrap().iter().all(|(_, applied)| *applied));
    api::seed::zhangye_tree(&db).await.unwrap();
}

#[tokio::test]
async fn a_lost_read_replica_sends_reads_to_the_primary_and_readiness_holds() {
    // A replica that never answers (nothing listens on port 1), opened lazily as a lost one is.
    let mut options = sea_orm::ConnectOptions::new("postgres://postgres@127.0.0.1:1/lost");
    options
        .connect_lazy(true)
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(300))
        .connect_timeout(std::time::Duration::from_millis(300));
    let lost = sea_orm::Database::connect(options).await.unwrap();
    let app = spawn_app_with(move |state| state.with_read_replica(lost)).await;
    let w = crate::fixture::world(&app).await;
    let t = Some(w.city.token.as_str());
    // Every read answers, from the primary: the first after the loss included.
    for _ in 0..3 {
        let data = app.ok(t, "{ institutions(first: 5) { totalCount } }", json!({})).await;
        assert!(data["institutions"]["totalCount"].as_i64().unwrap() > 0, "{data}");
        app.ok(None, "{ jurisdictions { code } }", json!({})).await;
    }
    let export =
        app.client.get(format!("{}/exports/overview.csv?jurisdiction=620700", app.address)).bearer_auth(&w.city.token);
    assert_eq!(export.send().await.unwrap().status().as_u16(), 200, "an export reads the primary too");
    // Ready, saying the replica is lost; writes are untouched.
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 200);
    assert!(ready.text().await.unwrap().contains("replica"), "readiness names the lost replica");
    app.ok(t, crate::fixture::EVENT, crate::fixture::event(&w.city.institution, "APPROVE", 1)).await;
}
