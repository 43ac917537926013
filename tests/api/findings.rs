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

#[tokio::test]
async fn offices_download_findings_releases_and_the_overview_as_csv_and_xlsx() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.ok(Some(&w.city.token), "mutation { publishRelease { id } }", json!({})).await;
    let get = |path: String, token: Option<String>| {
        let mut request = app.client.get(format!("{}{path}", app.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let findings =
        get("/exports/findings.csv?jurisdiction=620700&lang=zh".into(), Some(w.city.token.clone())).await.unwrap();
    assert_eq!(findings.status().as_u16(), 200);
    assert!(findings.headers()["content-disposition"].to_str().unwrap().contains("findings-620700.csv"));
    let text = findings.text().await.unwrap();
    assert!(text.starts_with("问题,单位名称,统一社会信用代码,数值,说明\n"), "{text}");
    assert!(text.contains("micro_institutions,张掖市疾病预防控制中心"), "{text}");
    let release = get("/exports/release.xlsx?jurisdiction=620700".into(), Some(w.city.token.clone())).await.unwrap();
    assert_eq!(release.status().as_u16(), 200);
    assert!(release.bytes().await.unwrap().starts_with(b"PK"), "an XLSX file is a zip");
    let overview = get("/exports/overview.csv?jurisdiction=620700".into(), Some(w.city.token.clone())).await.unwrap();
    assert!(overview.text().await.unwrap().contains("620700,institutions,total,1"));
    assert_eq!(get("/exports/findings.csv?jurisdiction=620700".into(), None).await.unwrap().status().as_u16(), 403);
    let other = get("/exports/findings.csv?jurisdiction=620700".into(), Some(w.minle.token.clone())).await.unwrap();
    assert_eq!(other.status().as_u16(), 403);
    assert_eq!(
        get("/exports/salaries.csv?jurisdiction=620700".into(), Some(w.city.token.clone()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
