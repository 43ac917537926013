//! Backups that restore: a copy taken while the server keeps hiring opens as a database whose
//! ledger verifies (SQLite through `api backup`'s `VACUUM INTO`, PostgreSQL through `pg_dump`
//! and `pg_restore`, as docs/operators.md says).

use std::process::Command;

use serde_json::json;

use crate::fixture::{EVENT, HIRE, assert_ledger_consistent, event, hire_input, national_id, world};
use crate::helpers::{spawn_app, spawn_app_on};

const VERIFY: &str =
    r#"{ verifyLedger(jurisdiction: "620700") { consistent auditChainIntact } staff(first: 1) { totalCount } }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_into_a_consistent_database() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.clone();
    app.ok(Some(&token), EVENT, event(&w.city.institution, "APPROVE", 40)).await;
    // Hires go on while the copy is taken.
    let writer = {
        let (client, address, token, institution) =
            (app.client.clone(), app.address.clone(), token.clone(), w.city.institution.clone());
        tokio::spawn(async move {
            for n in 0..30 {
                let input = hire_input(&institution, "新职工", &national_id("620700", "19900101", 800 + n), "FISCAL");
                client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({"query": HIRE, "variables": {"input": input}}))
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let mut cleanup = Vec::new();
    let restored = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = current_schema(&app.db).await;
            let file = dir.path().join("backup.dump");
            let dumped = Command::new("pg_dump")
                .args(["-Fc", "-n", &schema, "-f"])
                .arg(&file)
                .arg(&url)
                .status()
                .expect("pg_dump runs");
            assert!(dumped.success());
            writer.await.unwrap();
            // `.ci/run` drops databases named restore_* left by earlier runs.
            let database = format!("restore_{}", uuid::Uuid::new_v4().simple());
            let admin = api::db::connect(&url).await.unwrap();
            sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE {database}")).await.unwrap();
            let target = url.rsplit_once('/').map(|(base, _)| format!("{base}/{database}")).unwrap();
            // A dump of one schema (each test has its own) leaves out the database's extensions,
            // which a dump of the whole database, as docs/operators.md does, carries: the name index needs
            // `btree_gin` (migration 21).
            let fresh = api::db::connect(&target).await.unwrap();
            sea_orm::ConnectionTrait::execute_unprepared(&fresh, "CREATE EXTENSION IF NOT EXISTS btree_gin")
                .await
                .unwrap();
            fresh.close().await.ok();
            let restored =
                Command::new("pg_restore").args(["--no-owner", "-d", &target]).arg(&file).status().expect("pg_restore");
            assert!(restored.success());
            let copy = api::db::connect_with(&target, Some(&schema)).await.unwrap();
            let drop = format!("DROP DATABASE {database} WITH (FORCE)");
            cleanup.push((admin, drop));
            copy
        }
        _ => {
            let file = dir.path().join("backup.db");
            api::backup::sqlite(&app.db, &file).await.unwrap();
            writer.await.unwrap();
            assert!(api::backup::sqlite(&app.db, &file).await.is_err(), "a backup never overwrites");
            api::db::connect(&format!("sqlite://{}", file.display())).await.unwrap()
        }
    };
    assert_ledger_consistent(&app, &token, "620700").await;
    let copy = spawn_app_on(tempfile::tempdir().unwrap(), restored, |s| s).await;
    let data = copy.ok(Some(&copy.office("620700")), VERIFY, json!({})).await;
    assert_eq!(data["verifyLedger"]["consistent"], true, "{data}");
    assert_eq!(data["verifyLedger"]["auditChainIntact"], true, "{data}");
    let people = data["staff"]["totalCount"].as_i64().unwrap();
    assert!((1..=31).contains(&people), "{people} people in the copy");
    for (admin, drop) in cleanup {
        sea_orm::ConnectionTrait::execute_unprepared(&admin, &drop).await.ok();
    }
}

async fn current_schema(db: &sea_orm::DatabaseConnection) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT current_schema() AS s"))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "s").unwrap()
}
