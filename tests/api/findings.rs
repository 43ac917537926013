//! Findings (the report's section 2) over the demo city and a small fixture.

use serde_json::{Value, json};

use crate::fixture::world;
use crate::helpers::spawn_app;

fn count(data: &Value, field: &str) -> usize {
    data["findings"][field].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn the_demo_city_shows_the_reports_problems() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let q = r#"{ findings(jurisdiction: "620700") {
        microInstitutions { figure } unclassified { figure } secondedOut { figure } logisticsHeavy { figure }
        fewProfessionals { figure } ageing(shareAbove: 0.3) { figure detail } longVacant(months: 12) { figure detail }
        neverAdjusted(establishedBefore: 1990) { figure } overlappingResponsibilities(minSimilarity: 0.3) { figure detail } } }"#;
    let data = app.ok(Some(&t), q, json!({})).await;
    assert_eq!(count(&data, "microInstitutions"), 88, "the report's 88 micro-institutions");
    assert_eq!(count(&data, "unclassified"), 44);
    let seconded: f64 =
        data["findings"]["secondedOut"].as_array().unwrap().iter().map(|f| f["figure"].as_f64().unwrap()).sum();
    assert_eq!(seconded, 46.0, "every seconded person is counted once");
    for field in ["logisticsHeavy", "fewProfessionals", "ageing", "longVacant", "neverAdjusted"] {
        assert!(count(&data, field) > 0, "{field}: {}", data["findings"][field]);
    }
    assert!(
        data["findings"]["microInstitutions"].as_array().unwrap().iter().all(|f| f["figure"].as_f64().unwrap() < 5.0)
    );
    let across = app.ok(Some(&t), r#"{ findings(jurisdiction: "620700", includeDescendants: true) { inconsistentClassification { detail institution { jurisdiction { code } } } } }"#, json!({})).await;
    let list = across["findings"]["inconsistentClassification"].as_array().unwrap();
    assert!(!list.is_empty());
    let places: std::collections::HashSet<&str> =
        list.iter().map(|f| f["institution"]["jurisdiction"]["code"].as_str().unwrap()).collect();
    assert!(places.len() > 1, "the same kind of unit classified differently in different places");
}

#[tokio::test]
async fn findings_on_a_fixture_and_who_may_ask() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = r#"{ findings(jurisdiction: "620700") { microInstitutions { figure institution { id } } unclassified { institution { id } } secondedOut { figure } } }"#;
    let data = app.ok(Some(&w.city.token), q, json!({})).await;
    assert_eq!(
        data["findings"]["microInstitutions"],
        json!([{"figure": 1.0, "institution": {"id": w.city.institution}}])
    );
    assert_eq!(data["findings"]["unclassified"][0]["institution"]["id"], w.city.institution.as_str());
    assert_eq!(data["findings"]["secondedOut"], json!([]));
    assert_eq!(app.error_code(None, q, json!({})).await, "FORBIDDEN");
    assert_eq!(app.error_code(Some(&w.minle.token), q, json!({})).await, "FORBIDDEN");
}
