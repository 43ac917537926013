//! The figures as of a past day: rebuilt from the ledger, the staff movements, the reforms and
//! the decisions, they equal what the office saw that day, whatever was recorded since.

use serde_json::{Value, json};

use crate::fixture::{HIRE, hire_input, national_id, second_institution, world};
use crate::helpers::spawn_app;

const OVERVIEW: &str = r#"query($asOf: NaiveDate) { overview(jurisdiction: "620700", asOf: $asOf) {
    institutionCount byLevel { key count } byFundingForm { key count } byManagementMode { key count }
    bySector { key count } approvedBySector { key count } bySizeBand { key count } byClassification { key count }
    establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment reserve }
    staff { inEstablishment fiscal selfFinanced management professionalTechnical logisticsService temporary secondedOut filed }
    baseline { baseTotal approvedNow } } }"#;

const RECORD: &str = r#"query($id: ID!, $asOf: NaiveDate) { institution(id: $id, asOf: $asOf) {
    name status level fundingForm managementMode classification responsibilities
    establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment }
    staffCounts { inEstablishment fiscal temporary secondedOut } } }"#;

#[tokio::test]
async fn the_overview_and_a_record_as_of_a_day_ignore_everything_recorded_after_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let a = w.city.institution.clone();
    let b = second_institution(&app, &w.city.token, &w.city.department, "张掖市健康教育所", 48, 3).await;
    let before = app.ok(t, OVERVIEW, json!({"asOf": null})).await;
    let record = app.ok(t, RECORD, json!({"id": a, "asOf": null})).await;
    // What is recorded afterwards, each dated after the end of 2025.
    let dated = |input: Value, on: &str| {
        let mut input = input;
        input["effectiveOn"] = json!(on);
        input
    };
    let approve = json!({"institutionId": a, "action": "APPROVE", "funding": "FISCAL", "slots": 3,
        "documentNo": "张编发〔2026〕2号", "reason": "新增职能"});
    let event = "mutation($input: EstablishmentEventInput!) { recordEstablishmentEvent(input: $input) { operation } }";
    app.ok(t, event, json!({"input": dated(approve, "2026-02-01")})).await;
    for n in 0..2 {
        let mut input = hire_input(&a, "新进人员", &national_id("620700", "19980101", 300 + n), "FISCAL");
        input["hireDate"] = json!("2026-03-01");
        app.ok(t, HIRE, json!({ "input": input })).await;
    }
    let leave = "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status } }";
    app.ok(t, leave, json!({"i": {"staffId": w.city.person, "effectiveOn": "2026-04-01", "reason": "CIVIL_SERVICE"}}))
        .await;
    let decide = "mutation($i: DecideDeterminationsInput!) { decideDeterminations(input: $i) { level } }";
    let decision = json!({"i": {"institutionId": a, "level": "DEPUTY_DIVISION", "responsibilities": "承担全市健康促进工作",
        "documentNo": "张编发〔2026〕9号", "decidedOn": "2026-06-01", "reason": "升格"}});
    app.ok(t, decide, decision).await;
    let classify = "mutation($i: ClassifyInput!) { classifyInstitution(input: $i) { institution { classification } } }";
    let class = json!({"i": {"institutionId": b, "classification": "PUBLIC_WELFARE_I", "documentNo": "张编发〔2026〕10号", "decidedOn": "2026-06-15"}});
    app.ok(t, classify, class).await;
    let merge = "mutation($i: MergeInput!) { mergeInstitutions(input: $i) { slotsMoved } }";
    let input = json!({"i": {"sourceIds": [b], "targetId": a, "documentNo": "张编发〔2026〕11号", "effectiveOn": "2026-07-01", "reason": "整合"}});
    app.ok(t, merge, input).await;
    let now = app.ok(t, OVERVIEW, json!({"asOf": null})).await;
    assert_ne!(now, before, "the changes show today");
    // As of the end of 2025: exactly what the office saw then.
    let then = app.ok(t, OVERVIEW, json!({"asOf": "2025-12-31"})).await;
    assert_eq!(then, before);
    let record_then = app.ok(t, RECORD, json!({"id": a, "asOf": "2025-12-31"})).await;
    assert_eq!(record_then, record);
    // And as of a day in between: the approval and the hires, not yet the departure.
    let march = app.ok(t, RECORD, json!({"id": a, "asOf": "2026-03-15"})).await;
    let e = &march["institution"]["establishment"];
    assert_eq!((e["approved"].clone(), e["occupied"].clone()), (json!(8), json!(3)), "{march}");
    assert_eq!(march["institution"]["level"], record["institution"]["level"], "the decision came in June");
    // Before it existed, no record; a day to come is refused.
    let unit = app.ok(t, RECORD, json!({"id": b, "asOf": "1950-01-01"})).await;
    assert_eq!(unit["institution"], Value::Null);
    app.refused(t, OVERVIEW, json!({"asOf": "2099-01-01"}), "BAD_USER_INPUT").await;
}

#[tokio::test]
async fn the_demo_city_as_of_today_is_todays_overview() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let today = chrono::Utc::now().date_naive().to_string();
    let now = app.ok(Some(&t), OVERVIEW, json!({"asOf": null})).await;
    let rebuilt = app.ok(Some(&t), OVERVIEW, json!({"asOf": today})).await;
    assert_eq!(rebuilt, now);
    assert_eq!(now["overview"]["institutionCount"], 236);
    // Before the 2019 reforms the city had more institutions and more establishment.
    let base = app.ok(Some(&t), OVERVIEW, json!({"asOf": "2018-12-31"})).await;
    let approved = |o: &Value| o["overview"]["establishment"]["approved"].as_i64().unwrap();
    assert!(approved(&base) > approved(&now), "{} then, {} now", approved(&base), approved(&now));
}
