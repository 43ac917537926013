//! Moves across jurisdictions: a unit handed down (下放) or taken up (上划) with its slots, people,
//! figures and ceilings; a person transferred between counties (跨县调动) on the receiving
//! office's transfer plan. Each one act on both sides, with the ledger consistent after it.

use serde_json::{Value, json};

use crate::fixture::{assert_ledger_consistent, world};
use crate::helpers::{TestApp, spawn_app};

const MOVE: &str = r#"mutation($i: MoveInstitutionInput!) { moveInstitutionAcross(input: $i) {
    jurisdiction { code } establishment { approved occupied } } }"#;
const FIGURES: &str = r#"query($j: String!) { overview(jurisdiction: $j) { institutionCount control {
    figure { totalEstablishment fiscalPeople } history { totalEstablishment reason documentNo } } } }"#;
const CEILING: &str =
    r#"query($j: String!) { controlCeiling(jurisdiction: $j) { baseTotal totalCeiling fiscalCeiling } }"#;

fn moving(institution: &str, to: &str, department: &str, document: &str) -> Value {
    json!({"i": {"institutionId": institution, "toJurisdiction": to, "departmentId": department,
        "documentNo": document, "effectiveOn": "2026-06-01", "reason": "管理体制调整"}})
}

async fn figure(app: &TestApp, token: &str, code: &str) -> (i64, i64, i64) {
    let data = app.ok(Some(token), FIGURES, json!({"j": code})).await;
    let o = &data["overview"];
    let f = &o["control"]["figure"];
    (
        o["institutionCount"].as_i64().unwrap(),
        f["totalEstablishment"].as_i64().unwrap(),
        f["fiscalPeople"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_unit_handed_down_and_taken_up_carries_its_slots_people_figures_and_ceilings() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (city, minle, sunan) = (w.city.token.as_str(), w.minle.token.as_str(), w.sunan.token.as_str());
    // The city's figure from the province, and Minle's and Sunan's from the city.
    let record = r#"mutation($i: RecordGrantedInput!) { recordGrantedControlFigures(input: $i) { room } }"#;
    app.ok(
        Some(city),
        record,
        json!({"i": {"totalEstablishment": 60, "fiscalPeople": 30,
        "documentNo": "甘编委〔2025〕3号", "effectiveOn": "2025-01-01"}}),
    )
    .await;
    let hand = r#"mutation($i: HandDownInput!) { handDownControlFigures(input: $i) { room } }"#;
    for code in ["620722", "620721"] {
        app.ok(
            Some(city),
            hand,
            json!({"i": {"jurisdiction": code, "totalEstablishment": 10, "fiscalPeople": 5,
            "documentNo": "张编委〔2025〕1号", "effectiveOn": "2025-01-01"}}),
        )
        .await;
    }
    // Base-year ceilings on both sides.
    let ceiling = r#"mutation($i: SetCeilingInput!) { setControlCeiling(input: $i) { totalCeiling } }"#;
    let base = |total: i32| json!({"i": {"baseYear": 2019, "baseTotal": total, "baseFiscal": total, "documentNo": "张编委〔2019〕1号"}});
    app.ok(Some(city), ceiling, base(40)).await;
    app.ok(Some(minle), ceiling, base(20)).await;
    let (city_units, city_total, city_people) = figure(&app, city, "620700").await;
    let (minle_units, ..) = figure(&app, minle, "620722").await;

    // Only an office holding both sides decides: not Minle (the city's unit is out of its
    // reach), not Sunan; and the receiving department must be the receiving side's.
    let receiving = crate::fixture::department(&app, minle, "民乐县疾病预防控制局").await;
    let hand_down = moving(&w.city.institution, "620722", &receiving, "张编委〔2026〕5号");
    app.refused(Some(minle), MOVE, hand_down.clone(), "NOT_FOUND").await;
    app.refused(Some(sunan), MOVE, hand_down.clone(), "NOT_FOUND").await;
    let wrong = moving(&w.city.institution, "620722", &w.city.department, "张编委〔2026〕5号");
    app.refused(Some(city), MOVE, wrong, "NOT_FOUND").await;
    // 下放: the CDC (5 fiscal slots, 1 person) goes to Minle.
    let moved = app.ok(Some(city), MOVE, hand_down).await["moveInstitutionAcross"].clone();
    assert_eq!(moved, json!({"jurisdiction": {"code": "620722"}, "establishment": {"approved": 5, "occupied": 1}}));
    // Minle's figure grows by what came (5 slots, 1 person); the city's own total stays.
    assert_eq!(figure(&app, minle, "620722").await, (minle_units + 1, 15, 6));
    assert_eq!(figure(&app, city, "620700").await, (city_units - 1, city_total, city_people));
    let history = app.ok(Some(minle), FIGURES, json!({"j": "620722"})).await;
    let step = &history["overview"]["control"]["history"][0];
    assert!(step["reason"].as_str().unwrap().starts_with("下放"), "{step}");
    assert_eq!(step["documentNo"], "张编委〔2026〕5号");
    // The ceilings move with it: restated on Minle's side, lowered on the city's.
    let c = app.ok(Some(minle), CEILING, json!({"j": "620722"})).await;
    assert_eq!(c["controlCeiling"], json!({"baseTotal": 25, "totalCeiling": 25, "fiscalCeiling": 25}));
    let c = app.ok(Some(city), CEILING, json!({"j": "620700"})).await;
    assert_eq!(c["controlCeiling"]["totalCeiling"], 35);
    // Minle's office now writes the unit and sees its person in full; the ledger agrees on both sides.
    let q = r#"query($id: ID!) { person(id: $id) { nationalId institution { jurisdiction { code } } } }"#;
    let person = app.ok(Some(minle), q, json!({"id": w.city.person})).await;
    assert_eq!(person["person"]["nationalId"], w.city.national_id);
    assert_ledger_consistent(&app, minle, "620722").await;
    assert_ledger_consistent(&app, city, "620700").await;
    // 上划: back up to the city, Minle's figure down again.
    let take_up = moving(&w.city.institution, "620700", &w.city.department, "张编委〔2026〕6号");
    app.refused(Some(minle), MOVE, take_up.clone(), "NOT_FOUND").await;
    app.ok(Some(city), MOVE, take_up).await;
    assert_eq!(figure(&app, minle, "620722").await, (minle_units, 10, 5));
    let history = app.ok(Some(minle), FIGURES, json!({"j": "620722"})).await;
    assert!(history["overview"]["control"]["history"][0]["reason"].as_str().unwrap().starts_with("上划"));
    assert_ledger_consistent(&app, city, "620700").await;
    // Each side's audit log has its row.
    let log = |action: &str| {
        format!(
            r#"{{ auditLog(jurisdiction: "620700", includeDescendants: true, action: "{action}") {{ totalCount }} }}"#
        )
    };
    assert_eq!(app.ok(Some(city), &log("institution.move_out"), json!({})).await["auditLog"]["totalCount"], 2);
    assert_eq!(app.ok(Some(city), &log("institution.move_in"), json!({})).await["auditLog"]["totalCount"], 2);
    // A unit whose slots are promised to an open plan waits until it is settled.
    let ask = r#"mutation($i: VacancyUseRequestInput!) { requestVacancyUse(input: $i) { id } }"#;
    app.ok(
        Some(city),
        ask,
        json!({"i": {"institutionId": w.city.institution, "funding": "FISCAL", "slots": 1,
        "posts": "医师", "recruitment": "OPEN_EXAM", "reason": "补员"}}),
    )
    .await;
    let body = app
        .refused(Some(city), MOVE, moving(&w.city.institution, "620722", &receiving, "张编委〔2026〕7号"), "CONFLICT")
        .await;
    assert!(body.to_string().contains("vacancy-use plans"), "{body}");
}

#[tokio::test]
async fn a_person_moves_between_counties_on_the_receiving_offices_transfer_plan() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (city, minle, sunan) = (w.city.token.as_str(), w.minle.token.as_str(), w.sunan.token.as_str());
    let today = chrono::Utc::now().date_naive().to_string();
    // Sunan approves a plan to take one person in by transfer, and one by open exam.
    let plan = |recruitment: &str| {
        json!({"i": {"institutionId": w.sunan.institution, "funding": "FISCAL", "slots": 1, "posts": "医师",
            "recruitment": recruitment, "reason": "补员"}})
    };
    let ask = r#"mutation($i: VacancyUseRequestInput!) { requestVacancyUse(input: $i) { id } }"#;
    let decide = r#"mutation($i: DecideVacancyUseInput!) { decideVacancyUse(input: $i) { status } }"#;
    let mut plans = Vec::new();
    for recruitment in ["TRANSFER_IN", "OPEN_EXAM"] {
        let id = app.ok(Some(sunan), ask, plan(recruitment)).await["requestVacancyUse"]["id"].clone();
        app.ok(
            Some(sunan),
            decide,
            json!({"i": {"planId": id, "decision": "APPROVE", "expiresOn": "2099-12-31",
            "documentNo": "肃编办〔2026〕3号"}}),
        )
        .await;
        plans.push(id);
    }
    let transfer = |plan: &Value| {
        json!({"i": {"staffId": w.minle.person, "toInstitutionId": w.sunan.institution, "planId": plan,
            "documentNo": "张人社调〔2026〕9号", "effectiveOn": today}})
    };
    let across = r#"mutation($i: TransferAcrossInput!) { transferStaffAcross(input: $i) { institution { jurisdiction { code } } } }"#;
    // Neither county alone moves a person out of the other's reach; the city does, on a
    // transfer plan only.
    app.refused(Some(minle), across, transfer(&plans[0]), "NOT_FOUND").await;
    app.refused(Some(sunan), across, transfer(&plans[0]), "NOT_FOUND").await;
    let body = app.refused(Some(city), across, transfer(&plans[1]), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("TRANSFER_IN"), "{body}");
    let moved = app.ok(Some(city), across, transfer(&plans[0])).await;
    assert_eq!(moved["transferStaffAcross"]["institution"]["jurisdiction"]["code"], "620721");
    // One slot freed in Minle, one filled in Sunan; the plan drawn; both ledgers agree.
    let q = "query($id: ID!) { institution(id: $id) { establishment { occupied } vacancyUsePlans { used } } }";
    let m = app.ok(Some(minle), q, json!({"id": w.minle.institution})).await;
    let s = app.ok(Some(sunan), q, json!({"id": w.sunan.institution})).await;
    assert_eq!(m["institution"]["establishment"]["occupied"], 0, "{m}");
    assert_eq!(s["institution"]["establishment"]["occupied"], 2, "{s}");
    // Sunan's office now holds the record; the history runs through both units under one document.
    let person =
        app.ok(Some(sunan), "query($id: ID!) { person(id: $id) { nationalId } }", json!({"id": w.minle.person})).await;
    assert_eq!(person["person"]["nationalId"], w.minle.national_id);
    let timeline = "query($id: ID!) { institutionTimeline(id: $id) { what documentNo } }";
    for (token, unit, what) in
        [(minle, &w.minle.institution, "TRANSFER_OUT"), (sunan, &w.sunan.institution, "TRANSFER_IN")]
    {
        let data = app.ok(Some(token), timeline, json!({"id": unit})).await;
        let entries = data["institutionTimeline"].as_array().unwrap();
        assert!(entries.iter().any(|e| e["what"] == what && e["documentNo"] == "张人社调〔2026〕9号"), "{entries:?}");
    }
    assert_ledger_consistent(&app, city, "620700").await;
}
