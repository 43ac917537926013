//! Staffing norms for schools, kindergartens and township health centres: proposals that match
//! cases computed by hand, refusals that write nothing, the sector view, the report's problem 3
//! as a finding and a redistribution the office turns into a decision itself.

use serde_json::{Value, json};

use crate::fixture::{CREATE_INSTITUTION, credit_code, establishment, institution_input, second_institution, world};
use crate::helpers::TestApp;
use crate::helpers::spawn_app;

const SET: &str = r#"mutation($i: UnitProfileInput!) { setUnitProfile(input: $i) {
  approved occupied shortfall proposal { kind low norm high terms { label formula staff highOnly source } } } }"#;

async fn unit(app: &TestApp, token: &str, department: &str, name: &str, sector: &str, n: u32) -> String {
    let mut input = institution_input(department, name, &credit_code("620700", n));
    input["sector"] = json!(sector);
    let data = app.ok(Some(token), CREATE_INSTITUTION, json!({"input": input})).await;
    data["createInstitution"]["id"].as_str().unwrap().to_string()
}

/// Sets a profile and answers (low, norm, high) and the whole answer.
async fn profile(app: &TestApp, token: &str, input: Value) -> ((i64, i64, i64), Value) {
    let data = app.ok(Some(token), SET, json!({"i": input})).await;
    let p = &data["setUnitProfile"]["proposal"];
    let n = |k: &str| p[k].as_i64().unwrap();
    ((n("low"), n("norm"), n("high")), data["setUnitProfile"].clone())
}

#[tokio::test]
async fn proposals_match_cases_computed_by_hand() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let d = w.city.department.as_str();
    let school = unit(&app, t, d, "张掖市第一中学", "EDUCATION", 31).await;
    let village = unit(&app, t, d, "张掖市某村小学", "EDUCATION", 32).await;
    let kindergarten = unit(&app, t, d, "张掖市第一幼儿园", "EDUCATION", 33).await;
    let centre = unit(&app, t, d, "张掖市某镇卫生院", "HEALTH", 34).await;

    // Senior 1250 ÷ 12.5 = 100, junior 1350 ÷ 13.5 = 100; 500 boarders ÷ 50 widen the high end by 10.
    let (range, answer) = profile(
        &app,
        t,
        json!({"institutionId": school, "kind": "SCHOOL", "pupilsSenior": 1250, "pupilsJunior": 1350, "boarders": 500}),
    )
    .await;
    assert_eq!(range, (200, 200, 210), "{answer}");
    let terms = answer["proposal"]["terms"].as_array().unwrap();
    assert_eq!(terms[0]["formula"], "1250 ÷ 12.5 = 100.0");
    assert!(terms[0]["source"].as_str().unwrap().contains("中央编办发〔2014〕72号"));
    assert_eq!(terms[2]["label"], "寄宿生增配");
    assert_eq!(terms[2]["highOnly"], true);
    assert_eq!(answer["approved"], 0);
    assert_eq!(answer["shortfall"], 200);

    // A village school: 95 pupils ÷ 19 = 5, but 10 classes × 1.5 = 15.
    let input =
        json!({"institutionId": village, "kind": "SCHOOL", "pupilsPrimary": 95, "classes": 10, "village": true});
    assert_eq!(profile(&app, t, input).await.0, (5, 15, 15));

    // A full-day kindergarten of 180 children: ÷ 7 = 25.7, ÷ 6 = 30, ÷ 5 = 36.
    let input = json!({"institutionId": kindergarten, "kind": "KINDERGARTEN", "children": 180, "classes": 6});
    assert_eq!(profile(&app, t, input).await.0, (26, 30, 36));
    // Boarding adds two per class to each.
    let input =
        json!({"institutionId": kindergarten, "kind": "KINDERGARTEN", "children": 180, "classes": 6, "boarders": 60});
    assert_eq!(profile(&app, t, input).await.0, (38, 42, 48));
    // A half-day single class of 12: 1.2 to 1.5, raised to the two a single class has.
    let input =
        json!({"institutionId": kindergarten, "kind": "KINDERGARTEN", "children": 12, "classes": 1, "halfDay": true});
    assert_eq!(profile(&app, t, input).await.0, (2, 2, 2));

    // 23,456 served ÷ 1000 × 1.0 = 23.5 → 23; a sparse area's 1.2 widens the high end to 28.
    let input = json!({"institutionId": centre, "kind": "HEALTH_CENTRE", "populationServed": 23456});
    assert_eq!(profile(&app, t, input).await.0, (23, 23, 23));
    let input = json!({"institutionId": centre, "kind": "HEALTH_CENTRE", "populationServed": 23456, "sparse": true});
    let (range, answer) = profile(&app, t, input).await;
    assert_eq!(range, (23, 23, 28), "{answer}");
    assert!(answer["proposal"]["terms"][0]["source"].as_str().unwrap().contains("乡镇卫生院"));

    // The unit's own reading, and its department's.
    let read = r#"query($id: ID!) { unitNorm(institutionId: $id) { profile { kind populationServed sparse } proposal { high } } }"#;
    let data = app.ok(Some(t), read, json!({"id": centre})).await;
    assert_eq!(
        data["unitNorm"]["profile"],
        json!({"kind": "HEALTH_CENTRE", "populationServed": 23456, "sparse": true})
    );
    assert_eq!(data["unitNorm"]["proposal"]["high"], 28);
    assert_eq!(app.ok(Some(t), read, json!({"id": w.city.institution})).await["unitNorm"], Value::Null);

    // Refusals write nothing.
    let wrong_sector = json!({"i": {"institutionId": centre, "kind": "SCHOOL", "pupilsPrimary": 100}});
    app.refused(Some(t), SET, wrong_sector, "BAD_USER_INPUT").await;
    let negative = json!({"i": {"institutionId": school, "kind": "SCHOOL", "pupilsPrimary": -1, "pupilsSenior": 10}});
    app.refused(Some(t), SET, negative, "BAD_USER_INPUT").await;
    let empty = json!({"i": {"institutionId": school, "kind": "SCHOOL"}});
    app.refused(Some(t), SET, empty, "BAD_USER_INPUT").await;
    let more_boarders = json!({"i": {"institutionId": school, "kind": "SCHOOL", "pupilsSenior": 10, "boarders": 11}});
    app.refused(Some(t), SET, more_boarders, "BAD_USER_INPUT").await;
    // Another county's office cannot tell the unit exists; the city cannot write a county's unit.
    let other = json!({"i": {"institutionId": school, "kind": "SCHOOL", "pupilsSenior": 10}});
    app.refused(Some(w.minle.token.as_str()), SET, other.clone(), "NOT_FOUND").await;
    let county = json!({"i": {"institutionId": w.minle.institution, "kind": "HEALTH_CENTRE", "populationServed": 10}});
    app.refused(Some(t), SET, county, "FORBIDDEN").await;
    app.refused(None, SET, other, "FORBIDDEN").await;
    assert_eq!(app.error_code(None, read, json!({"id": centre})).await, "FORBIDDEN");

    // Each change is audited with what it replaced.
    let audit = r#"{ auditLog(first: 50) { edges { node { action entity } } } }"#;
    let data = app.ok(Some(t), audit, json!({})).await;
    let profiles =
        data["auditLog"]["edges"].as_array().unwrap().iter().filter(|e| e["node"]["action"] == "norms.profile");
    assert_eq!(profiles.count(), 7);
}

const NORMS: &str = r#"query($c: String!, $d: Boolean!) { staffingNorms(jurisdiction: $c, includeDescendants: $d) {
  sectors { sector units profiledUnits low norm high approvedProfiled approved vacant unitsBelowNorm shortfall }
  units(belowNormOnly: true) { totalCount items { institution { name } shortfall proposal { norm } } }
  redistribution(vacantMonths: 24) { totalCount slots items { from { name } to { name } funding slots decision } }
  parameters { code value source } } }"#;

#[tokio::test]
async fn the_sector_view_and_problem_three_read_as_the_report() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let school = unit(&app, t, &w.city.department, "张掖市第二中学", "EDUCATION", 41).await;
    establishment(&app, t, &school, 30, 0).await;
    // 250 ÷ 12.5 + 270 ÷ 13.5 = 40, against 30 approved: 10 short.
    let input = json!({"institutionId": school, "kind": "SCHOOL", "pupilsSenior": 250, "pupilsJunior": 270});
    assert_eq!(profile(&app, t, input).await.0, (40, 40, 40));
    // Long-vacant slots elsewhere: the CDC's 4 (approved 2024-01-01, one person) and 3 more.
    let rescue = second_institution(&app, t, &w.city.department, "张掖市急救中心", 42, 3).await;

    let data = app.ok(Some(t), NORMS, json!({"c": "620700", "d": false})).await;
    let view = &data["staffingNorms"];
    let sectors = view["sectors"].as_array().unwrap();
    let education = sectors.iter().find(|s| s["sector"] == "EDUCATION").unwrap();
    assert_eq!(
        education,
        &json!({"sector": "EDUCATION", "units": 1, "profiledUnits": 1, "low": 40, "norm": 40, "high": 40,
            "approvedProfiled": 30, "approved": 30, "vacant": 30, "unitsBelowNorm": 1, "shortfall": 10})
    );
    let health = sectors.iter().find(|s| s["sector"] == "HEALTH").unwrap();
    assert_eq!(
        (health["units"].as_i64(), health["approved"].as_i64(), health["vacant"].as_i64()),
        (Some(2), Some(8), Some(7))
    );
    let total = sectors.last().unwrap();
    assert_eq!(
        (total["sector"].clone(), total["approved"].as_i64(), total["shortfall"].as_i64()),
        (Value::Null, Some(38), Some(10))
    );
    assert_eq!(view["units"]["totalCount"], 1);
    assert_eq!(view["units"]["items"][0]["shortfall"], 10);
    let moves = &view["redistribution"];
    assert_eq!(moves["slots"], 7, "{moves}");
    assert_eq!(
        moves["items"],
        json!([
            {"from": {"name": "张掖市疾病预防控制中心"}, "to": {"name": "张掖市第二中学"}, "funding": "FISCAL", "slots": 4,
             "decision": "TRANSFER_ESTABLISHMENT"},
            {"from": {"name": "张掖市急救中心"}, "to": {"name": "张掖市第二中学"}, "funding": "FISCAL", "slots": 3,
             "decision": "TRANSFER_ESTABLISHMENT"},
        ])
    );
    assert!(
        view["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "school.primary.pupils_per_staff" && p["value"] == 19.0)
    );

    // With the counties, Minle's long-vacant slots are offered too, by a control-figure decision.
    let data = app.ok(Some(t), NORMS, json!({"c": "620700", "d": true})).await;
    let items = data["staffingNorms"]["redistribution"]["items"].as_array().unwrap().clone();
    let across = items.iter().find(|m| m["from"]["name"] == "民乐县疾病预防控制中心").expect("Minle offered");
    assert_eq!((across["slots"].as_i64(), across["decision"].as_str()), (Some(3), Some("CONTROL_FIGURES")));

    // Problem 3 as a finding.
    let q = r#"{ findings(jurisdiction: "620700") { belowNorm { totalCount items { institution { name } figure detailZh } } } }"#;
    let found = &app.ok(Some(t), q, json!({})).await["findings"]["belowNorm"];
    assert_eq!(found["totalCount"], 1);
    assert_eq!(found["items"][0]["figure"], 10.0);
    assert_eq!(found["items"][0]["detailZh"], "按编制标准应核40名（40至40名），现核定30名、实有0名，缺10名");

    // The office turns a suggestion into its own decision; the view follows.
    let transfer = r#"mutation($i: TransferEstablishmentInput!) { transferEstablishment(input: $i) { operation } }"#;
    let input = json!({"i": {"fromInstitutionId": rescue, "toInstitutionId": school, "funding": "FISCAL", "slots": 3,
        "documentNo": "张编发〔2026〕3号", "effectiveOn": "2026-03-01", "reason": "按编制标准补足学校编制"}});
    app.ok(Some(t), transfer, input).await;
    let data = app.ok(Some(t), NORMS, json!({"c": "620700", "d": false})).await;
    assert_eq!(data["staffingNorms"]["units"]["items"][0]["shortfall"], 7);
    assert_eq!(data["staffingNorms"]["redistribution"]["slots"], 4);

    // Another county, the public and a department are refused.
    assert_eq!(app.error_code(Some(&w.minle.token), NORMS, json!({"c": "620700", "d": false})).await, "FORBIDDEN");
    assert_eq!(app.error_code(None, NORMS, json!({"c": "620700", "d": false})).await, "FORBIDDEN");
}

#[tokio::test]
async fn the_norms_view_reads_in_a_fixed_number_of_statements() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let q = r#"query($c: String!) { staffingNorms(jurisdiction: $c) { sectors { norm approved }
      units(first: 50) { items { institution { name department { name } } approved proposal { norm terms { formula } } } } } }"#;
    let mut counted = Vec::new();
    for n in 0..3u32 {
        let id = unit(&app, t, &w.city.department, &format!("张掖市第{}小学", n + 1), "EDUCATION", 50 + n).await;
        let input = json!({"institutionId": id, "kind": "SCHOOL", "pupilsPrimary": 190 * (n + 1)});
        profile(&app, t, input).await;
        let before = app.statements();
        let data = app.ok(Some(t), q, json!({"c": "620700"})).await;
        counted.push(app.statements() - before);
        assert_eq!(data["staffingNorms"]["units"]["items"].as_array().unwrap().len(), n as usize + 1);
    }
    assert_eq!(counted[0], counted[2], "statements grew with the units: {counted:?}");
}

#[tokio::test]
async fn the_demo_city_reads_as_the_reports_problem_three() {
    let app = spawn_app().await;
    api::seed::demo::load_unpublished(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let data = app.ok(Some(&t), NORMS, json!({"c": "620700", "d": false})).await;
    let view = &data["staffingNorms"];
    let education = view["sectors"].as_array().unwrap().iter().find(|s| s["sector"] == "EDUCATION").unwrap().clone();
    // Six schools and the kindergarten are profiled; every one is short of its norm.
    assert_eq!((education["profiledUnits"].as_i64(), education["unitsBelowNorm"].as_i64()), (Some(6), Some(6)));
    let (norm, approved) = (education["norm"].as_i64().unwrap(), education["approvedProfiled"].as_i64().unwrap());
    assert!(norm as f64 > approved as f64 * 1.15 && (norm as f64) < approved as f64 * 1.36, "{education}");
    // The long-vacant slots of other units cover part of it, within the city by transfers.
    let moves = &view["redistribution"];
    assert!(moves["slots"].as_i64().unwrap() > 0, "{moves}");
    assert!(moves["items"].as_array().unwrap().iter().all(|m| m["decision"] == "TRANSFER_ESTABLISHMENT"));
    // With its counties, the township health centres are short of theirs too.
    let data = app.ok(Some(&t), NORMS, json!({"c": "620700", "d": true})).await;
    let sectors = data["staffingNorms"]["sectors"].as_array().unwrap().clone();
    let health = sectors.iter().find(|s| s["sector"] == "HEALTH").unwrap();
    let centres = health["profiledUnits"].as_i64().unwrap();
    assert!(centres >= 6 && health["unitsBelowNorm"].as_i64() == Some(centres), "{health}");
    let q = r#"{ findings(jurisdiction: "620700") { belowNorm { totalCount items { institution { name } } } } }"#;
    let found = &app.ok(Some(&t), q, json!({})).await["findings"]["belowNorm"];
    assert_eq!(found["totalCount"], 6);
    assert_eq!(found["items"][0]["institution"]["name"], "张掖市第二中学");
}
