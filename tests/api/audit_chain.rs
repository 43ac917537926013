//! The audit log is a hash chain: a row changed, removed or inserted behind the API's back is
//! found by `verifyLedger`, and a consistent rewrite of the whole chain is still found against
//! the head a disclosure release recorded when it was published.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::fixture::{EVENT, event, world};
use crate::helpers::{TestApp, spawn_app};

const VERIFY: &str = r#"{ verifyLedger(jurisdiction: "620700", includeDescendants: true) {
    consistent auditChainIntact auditRowsChecked auditChainBreak { seq problem } } }"#;

async fn verify(app: &TestApp, token: &str) -> Value {
    app.ok(Some(token), VERIFY, json!({})).await["verifyLedger"].clone()
}

async fn sql(app: &TestApp, statement: &str) {
    app.db.execute_unprepared(statement).await.unwrap();
}

/// A world with a few audited changes and a release; the chain's length.
async fn chained() -> (TestApp, String, i64) {
    let app = spawn_app().await;
    let w = world(&app).await;
    for _ in 0..3 {
        app.ok(Some(&w.city.token), EVENT, event(&w.city.institution, "APPROVE", 1)).await;
    }
    let v = verify(&app, &w.city.token).await;
    assert_eq!(v["auditChainIntact"], true, "{v}");
    let rows = v["auditRowsChecked"].as_i64().unwrap();
    assert!(rows >= 8, "{v}");
    (app, w.city.token.clone(), rows)
}

#[tokio::test]
async fn a_changed_row_is_found_where_it_was_changed() {
    let (app, token, _) = chained().await;
    sql(&app, r#"UPDATE audit_log SET after = '{"approved":999}' WHERE seq = 5"#).await;
    let v = verify(&app, &token).await;
    assert_eq!(v["auditChainIntact"], false);
    assert_eq!(v["auditChainBreak"], json!({"seq": 5, "problem": "CHANGED"}));
    assert_eq!(v["consistent"], true, "the balances are another matter");
}

#[tokio::test]
async fn a_removed_row_and_a_truncated_end_are_found() {
    let (app, token, rows) = chained().await;
    sql(&app, "DELETE FROM audit_log WHERE seq = 4").await;
    assert_eq!(verify(&app, &token).await["auditChainBreak"], json!({"seq": 4, "problem": "REMOVED"}));
    let (app, token, rows_b) = chained().await;
    assert_eq!(rows, rows_b);
    sql(&app, &format!("DELETE FROM audit_log WHERE seq = {rows}")).await;
    assert_eq!(verify(&app, &token).await["auditChainBreak"], json!({"seq": rows, "problem": "TRUNCATED"}));
}

#[tokio::test]
async fn an_inserted_row_is_found() {
    let (app, token, _) = chained().await;
    // Slipped in between positions 2 and 3: everything after moves up one place.
    sql(&app, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3").await;
    sql(&app, "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1003").await;
    sql(
        &app,
        "INSERT INTO audit_log (occurred_at, actor, actor_role, action, entity, seq, prev_hash, hash) \
         VALUES ('2026-01-01 00:00:00+00:00', 'intruder', 'STAFFING_OFFICE', 'establishment.event', 'institution', 3, \
         (SELECT hash FROM audit_log WHERE seq = 2), 'forged')",
    )
    .await;
    assert_eq!(verify(&app, &token).await["auditChainBreak"], json!({"seq": 3, "problem": "CHANGED"}));
}

#[tokio::test]
async fn a_consistent_rewrite_of_the_history_is_found_against_a_published_release() {
    let (app, token, _) = chained().await;
    let release = app.ok(Some(&token), "mutation { publishRelease { auditChainSeq auditChainHash } }", json!({})).await;
    let published = release["publishRelease"]["auditChainSeq"].as_i64().unwrap();
    assert_eq!(release["publishRelease"]["auditChainHash"].as_str().unwrap().len(), 64);
    // Someone with database access changes a row and recomputes every hash after it and the
    // head, as the algorithm is no secret: the chain is whole again ...
    sql(&app, r#"UPDATE audit_log SET after = '{"approved":999}' WHERE seq = 5"#).await;
    reseal(&app).await;
    let v = verify(&app, &token).await;
    // ... but no longer holds the head the release made public.
    assert_eq!(v["auditChainBreak"], json!({"seq": published, "problem": "RELEASE"}), "{v}");
}

/// Recomputes every link and the head, as a forger would.
async fn reseal(app: &TestApp) {
    use entity::{audit_head, audit_log};
    use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
    let rows = audit_log::Entity::find().order_by_asc(audit_log::Column::Seq).all(&app.db).await.unwrap();
    let mut prev = api::audit::GENESIS.to_string();
    for mut row in rows {
        row.prev_hash = Some(prev.clone());
        let hash = api::audit::link(&row);
        row.hash = Some(hash.clone());
        let mut active: audit_log::ActiveModel = row.into();
        active.prev_hash = Set(active.prev_hash.clone().unwrap());
        active.hash = Set(Some(hash.clone()));
        active.update(&app.db).await.unwrap();
        prev = hash;
    }
    let mut head: audit_head::ActiveModel =
        audit_head::Entity::find_by_id(1).one(&app.db).await.unwrap().unwrap().into();
    head.hash = Set(prev);
    head.update(&app.db).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_fork_the_chain() {
    let app = std::sync::Arc::new(spawn_app().await);
    let w = world(&app).await;
    let mut tasks = Vec::new();
    for n in 0..30 {
        let (app, token, institution) = (app.clone(), w.city.token.clone(), w.city.institution.clone());
        tasks.push(tokio::spawn(async move {
            let kind = if n % 3 == 0 { "RECLAIM" } else { "APPROVE" };
            app.graphql(Some(&token), EVENT, event(&institution, kind, 1)).await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let v = verify(&app, &w.city.token).await;
    assert_eq!(v["auditChainIntact"], true, "{v}");
    assert_eq!(v["consistent"], true, "{v}");
}
