//! Rules hold under concurrent requests (meaningful on PostgreSQL; SQLite serialises writers).

use serde_json::json;

use crate::fixture::{
    EVENT, HIRE, assert_ledger_consistent, balance, event, hire_input, national_id, second_institution, world,
};
use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_hires_into_ten_vacancies_give_ten_hires_and_forty_conflicts() {
    let app = std::sync::Arc::new(spawn_app().await);
    let w = world(&app).await;
    let target = second_institution(&app, &w.city.token, &w.city.department, "张掖市中心血站", 46, 10).await;
    let mut tasks = Vec::new();
    for n in 0..50u32 {
        let (app, token, target) = (app.clone(), w.city.token.clone(), target.clone());
        tasks.push(tokio::spawn(async move {
            let input = hire_input(&target, "应聘者", &national_id("620700", "19960101", 100 + n), "FISCAL");
            let (_, body) = app.graphql(Some(&token), HIRE, json!({ "input": input })).await;
            body["errors"][0]["extensions"]["code"].as_str().unwrap_or("OK").to_string()
        }));
    }
    let mut outcomes = std::collections::HashMap::new();
    for task in tasks {
        *outcomes.entry(task.await.unwrap()).or_insert(0) += 1;
    }
    assert_eq!(outcomes.get("OK"), Some(&10), "{outcomes:?}");
    assert_eq!(outcomes.get("CONFLICT"), Some(&40), "{outcomes:?}");
    assert_eq!(balance(&app, &w.city.token, &target).await, (10, 0, 10, 0));
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_reclaims_and_hires_never_overfill() {
    let app = std::sync::Arc::new(spawn_app().await);
    let w = world(&app).await;
    let target = second_institution(&app, &w.city.token, &w.city.department, "张掖市卫生应急中心", 47, 10).await;
    let mut tasks = Vec::new();
    for n in 0..20u32 {
        let (app, token, target) = (app.clone(), w.city.token.clone(), target.clone());
        tasks.push(tokio::spawn(async move {
            let (_, body) = if n % 2 == 0 {
                app.graphql(Some(&token), EVENT, event(&target, "RECLAIM", 1)).await
            } else {
                let input = hire_input(&target, "应聘者", &national_id("620700", "19970101", 200 + n), "FISCAL");
                app.graphql(Some(&token), HIRE, json!({ "input": input })).await
            };
            body["errors"][0]["extensions"]["code"].as_str().unwrap_or("OK").to_string()
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(outcome == "OK" || outcome == "CONFLICT", "{outcome}");
        ok += i32::from(outcome == "OK");
    }
    let (approved, frozen, occupied, _) = balance(&app, &w.city.token, &target).await;
    assert!(occupied <= approved - frozen, "occupied {occupied} > approved {approved} - frozen {frozen}");
    assert_eq!(ok, 10, "every one of the ten slots went to exactly one request");
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}
