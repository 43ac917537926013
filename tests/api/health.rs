use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_readiness_answer_200() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
}

#[tokio::test]
async fn readiness_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.clone().close().await.ok();
    assert_eq!(app.get("/readyz").await.status().as_u16(), 503);
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

#[tokio::test]
async fn served_schema_equals_the_checked_in_schema() {
    let app = spawn_app().await;
    let served = app.get("/schema.graphql").await.text().await.unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/api/schema.graphql");
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &served).unwrap();
    }
    let checked_in = std::fs::read_to_string(path).expect("api/schema.graphql is checked in");
    assert_eq!(served, checked_in, "api/schema.graphql differs from the served schema; run with UPDATE_SCHEMA=1");
}

#[tokio::test]
async fn metrics_are_prometheus_text_with_request_counts() {
    let token = "metrics-token-for-the-tests-0123456789";
    let app = crate::helpers::spawn_app_with(|state| state.with_metrics_token(Some(token.into()))).await;
    app.get("/healthz").await;
    let response = app.client.get(format!("{}/metrics", app.address)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("http_requests_total{endpoint=\"/healthz\",method=\"GET\",status=\"200\"} 1"), "{body}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    let id = response.headers().get("x-request-id").expect("x-request-id header");
    assert!(!id.to_str().unwrap().is_empty());
}

#[tokio::test]
async fn graphiql_and_portal_are_served() {
    let app = spawn_app().await;
    let graphiql = app.get("/graphql").await;
    assert_eq!(graphiql.status().as_u16(), 200);
    assert!(graphiql.text().await.unwrap().to_lowercase().contains("graphiql"));
    let portal = app.get("/").await;
    assert_eq!(portal.status().as_u16(), 200);
    assert!(portal.text().await.unwrap().contains("事业单位"));
}

#[tokio::test]
async fn every_migration_goes_down_and_up_again() {
    use migration::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    Migrator::down(&app.db, None).await.expect("every migration has a down");
    assert!(Migrator::get_applied_migrations(&app.db).await.unwrap().is_empty());
    Migrator::up(&app.db, None).await.expect("and goes up again");
    assert_eq!(Migrator::get_pending_migrations(&app.db).await.unwrap().len(), 0);
    api::seed::zhangye_tree(&app.db).await.unwrap();
}

#[tokio::test]
async fn metrics_gauge_each_pools_connections() {
    let token = "metrics-token-for-the-tests-0123456789";
    let app =
        crate::helpers::spawn_app_with(|state| state.with_metrics_token(Some(token.into())).count_statements()).await;
    app.get("/readyz").await;
    let response = app.client.get(format!("{}/metrics", app.address)).bearer_auth(token).send().await.unwrap();
    let body = response.text().await.unwrap();
    for pool in ["primary", "read"] {
        assert!(body.contains(&format!("db_pool_connections{{pool=\"{pool}\",state=\"idle\"}}")), "{body}");
        assert!(body.contains(&format!("db_pool_connections{{pool=\"{pool}\",state=\"in_use\"}}")), "{body}");
        let limit = body.lines().find(|l| l.starts_with(&format!("db_pool_max_connections{{pool=\"{pool}\"}}")));
        let limit: i64 = limit.and_then(|l| l.rsplit(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
        assert!(limit >= 4, "{body}");
    }
    // A connection is idle in each pool: taken at once.
    for pool in ["primary", "read"] {
        let line = body.lines().find(|l| l.starts_with(&format!("db_pool_acquire_seconds{{pool=\"{pool}\"}}")));
        let seconds: f64 = line.and_then(|l| l.rsplit(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(9.0);
        assert!(seconds < 0.5, "{body}");
    }
    // The tests' replica is a second pool on the primary, which replays nothing: no lag.
    assert!(body.lines().any(|l| l == "db_replica_lag_seconds 0"), "{body}");
}

/// Operation names come from clients: only a name the document holds gets a series of its own,
/// and only so many names; the rest count as `other`.
#[tokio::test]
async fn metrics_label_only_operations_in_the_document_and_only_so_many() {
    let token = "metrics-token-for-the-tests-0123456789";
    let app = crate::helpers::spawn_app_with(|state| state.with_metrics_token(Some(token.into()))).await;
    let ask = |body: serde_json::Value| {
        let request = app.client.post(format!("{}/graphql", app.address)).json(&body);
        async move { request.send().await.unwrap().status() }
    };
    ask(serde_json::json!({"query": "query Held { __typename }", "operationName": "Held"})).await;
    ask(serde_json::json!({"query": "query Held { __typename }", "operationName": "Invented"})).await;
    for n in 0..520 {
        ask(serde_json::json!({"query": format!("query Made{n} {{ __typename }}")})).await;
    }
    let body = app.client.get(format!("{}/metrics", app.address)).bearer_auth(token).send().await.unwrap();
    let body = body.text().await.unwrap();
    let series: Vec<&str> = body.lines().filter(|l| l.starts_with("graphql_requests_total{")).collect();
    assert!(series.iter().any(|l| l.contains("operation=\"Held\"")), "{body}");
    assert!(!body.contains("Invented"), "a name the document does not hold has no series");
    assert!(series.iter().any(|l| l.contains("operation=\"other\"")), "{body}");
    assert!(series.len() <= 502, "{} series", series.len());
}

#[tokio::test]
async fn metrics_time_each_operation_and_name_the_build() {
    let token = "metrics-token-for-the-tests-0123456789";
    let app = crate::helpers::spawn_app_with(|state| state.with_metrics_token(Some(token.into()))).await;
    app.ok(None, "query Probe { personCodeLists { name } }", serde_json::json!({})).await;
    let response = app.client.get(format!("{}/metrics", app.address)).bearer_auth(token).send().await.unwrap();
    let body = response.text().await.unwrap();
    assert!(body.contains("graphql_request_duration_seconds_count{operation=\"Probe\"} 1"), "{body}");
    let build = body.lines().find(|l| l.starts_with("build_info{")).unwrap_or_default();
    assert!(build.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION"))) && build.ends_with(" 1"), "{body}");
}
