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
    assert_eq!(cli.settings.bind, "127.0.0.1:9999");
    assert!(matches!(cli.command, Command::Serve { demo: true }));
    let cli = Cli::try_parse_from(["api", "--bind", "127.0.0.1:9998", "serve"]).unwrap();
    assert_eq!(cli.settings.bind, "127.0.0.1:9998");
}

#[test]
fn token_help_lists_the_roles_and_refuses_others() {
    let mut command = Cli::command();
    let token = command.find_subcommand_mut("token").unwrap();
    let help = token.render_long_help().to_string();
    for role in ["STAFFING_OFFICE", "DEPARTMENT", "EVALUATOR", "PUBLIC"] {
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
    let body = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
