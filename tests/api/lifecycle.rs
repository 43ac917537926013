//! The staff lifecycle and "reduce one, verify one" (减一核一).

use serde_json::json;

use crate::fixture::{HIRE, assert_ledger_consistent, balance, hire_input, national_id, second_institution, world};
use crate::helpers::spawn_app;

const TRANSFER: &str = r#"mutation($s: ID!, $to: ID!) { transferStaff(input: {staffId: $s, toInstitutionId: $to, effectiveOn: "2025-01-02"}) { institutionId status } }"#;

fn on(mutation: &str) -> String {
    // The fixture's people are in their forties: a retirement is an early one, on its basis.
    let basis = if mutation == "retireStaff" {
        r#"retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", "#
    } else if mutation == "staffLeaves" {
        "reason: RESIGNATION, "
    } else {
        ""
    };
    format!(
        r#"mutation($s: ID!) {{ {mutation}(input: {{{basis}staffId: $s, effectiveOn: "2025-02-01"}}) {{ status }} }}"#
    )
}

#[tokio::test]
async fn a_transfer_moves_the_person_and_the_slot_in_one_step() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let target = second_institution(&app, t, &w.city.department, "张掖市急救中心", 42, 1).await;
    let moved = app.ok(Some(t), TRANSFER, json!({"s": w.city.person, "to": target})).await;
    assert_eq!(moved["transferStaff"]["institutionId"], target.as_str());
    assert_eq!(balance(&app, t, &w.city.institution).await, (5, 0, 0, 5));
    assert_eq!(balance(&app, t, &target).await, (1, 0, 1, 0));
    // The target is now full: moving someone else there is refused whole.
    let other = national_id("620700", "19880808", 61);
    let person =
        app.ok(Some(t), HIRE, json!({"input": hire_input(&w.city.institution, "第二人", &other, "FISCAL")})).await;
    let id = person["hireStaff"]["id"].as_str().unwrap().to_string();
    app.refused(Some(t), TRANSFER, json!({"s": id, "to": target}), "CONFLICT").await;
    // A county's person is not the city's to move.
    app.refused(Some(t), TRANSFER, json!({"s": w.minle.person, "to": target}), "FORBIDDEN").await;
    let timeline = r#"query($id: ID!) { institutionTimeline(id: $id) { category what staffDelta } }"#;
    let data = app.ok(Some(t), timeline, json!({"id": target})).await;
    let entries = data["institutionTimeline"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["what"] == "TRANSFER_IN" && e["staffDelta"] == 1), "{entries:?}");
    assert!(entries.iter().any(|e| e["category"] == "ESTABLISHMENT" && e["what"] == "APPROVE FISCAL +1"));
    assert_ledger_consistent(&app, t, "620700").await;
}

#[tokio::test]
async fn secondment_keeps_the_slot_and_retirement_frees_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let second = r#"mutation($s: ID!) { secondStaff(input: {staffId: $s, secondedTo: "张掖市人民政府办公室", effectiveOn: "2025-01-02"}) { status } }"#;
    app.ok(Some(t), second, json!({"s": w.city.person})).await;
    assert_eq!(balance(&app, t, &w.city.institution).await, (5, 0, 1, 4));
    let q = r#"{ overview(jurisdiction: "620700") { staff { inEstablishment secondedOut } } }"#;
    let data = app.ok(Some(t), q, json!({})).await;
    assert_eq!(data["overview"]["staff"], json!({"inEstablishment": 1, "secondedOut": 1}));
    app.refused(
        Some(t),
        &on("secondStaff").replace("effectiveOn", "secondedTo: \"x\", effectiveOn"),
        json!({"s": w.city.person}),
        "CONFLICT",
    )
    .await;
    app.ok(Some(t), &on("returnStaff"), json!({"s": w.city.person})).await;
    app.refused(Some(t), &on("returnStaff"), json!({"s": w.city.person}), "CONFLICT").await;
    app.ok(Some(t), &on("retireStaff"), json!({"s": w.city.person})).await;
    assert_eq!(balance(&app, t, &w.city.institution).await, (5, 0, 0, 5));
    app.refused(Some(t), &on("staffLeaves"), json!({"s": w.city.person}), "CONFLICT").await;
    assert_ledger_consistent(&app, t, "620700").await;
}

const OPEN_PLAN: &str = r#"mutation($id: ID!, $n: Int!) { openReductionPlan(input: {institutionId: $id, target: $n,
    documentNo: "张编发〔2025〕11号", openedOn: "2025-01-01", reason: "减一核一"}) { id status reduced target } }"#;

#[tokio::test]
async fn under_a_reduction_plan_each_departure_takes_its_slot_until_the_target() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let mut people = vec![w.city.person.clone()];
    for n in 0..3 {
        let id = national_id("620700", "19800101", 70 + n);
        let data = app.ok(Some(t), HIRE, json!({"input": hire_input(inst, "老职工", &id, "FISCAL")})).await;
        people.push(data["hireStaff"]["id"].as_str().unwrap().to_string());
    }
    assert_eq!(balance(&app, t, inst).await, (5, 0, 4, 1));
    app.refused(Some(t), OPEN_PLAN, json!({"id": inst, "n": 0}), "BAD_USER_INPUT").await;
    app.ok(Some(t), OPEN_PLAN, json!({"id": inst, "n": 2})).await;
    app.refused(Some(t), OPEN_PLAN, json!({"id": inst, "n": 1}), "CONFLICT").await;
    app.ok(Some(t), &on("retireStaff"), json!({"s": people[0]})).await;
    assert_eq!(balance(&app, t, inst).await, (4, 0, 3, 1), "the retiree's slot went with them");
    app.ok(Some(t), &on("staffLeaves"), json!({"s": people[1]})).await;
    assert_eq!(balance(&app, t, inst).await, (3, 0, 2, 1));
    let plans = app.ok(Some(t), "{ reductionPlans { status reduced target closedOn } }", json!({})).await;
    assert_eq!(
        plans["reductionPlans"][0],
        json!({"status": "CLOSED", "reduced": 2, "target": 2, "closedOn": "2025-02-01"})
    );
    // The plan is closed: the next departure frees its slot as usual.
    app.ok(Some(t), &on("retireStaff"), json!({"s": people[2]})).await;
    assert_eq!(balance(&app, t, inst).await, (3, 0, 1, 2));
    let ledger = r#"query($id: ID!) { establishmentLedger(institutionId: $id, kind: REDUCE) { totalCount edges { node { reason } } } }"#;
    let rows = app.ok(Some(t), ledger, json!({"id": inst})).await;
    assert_eq!(rows["establishmentLedger"]["totalCount"], 2);
    assert!(rows["establishmentLedger"]["edges"][0]["node"]["reason"].as_str().unwrap().contains("减一核一"));
    assert_ledger_consistent(&app, t, "620700").await;
}

const RETIRE: &str = r#"mutation($i: StaffDateInput!) { retireStaff(input: $i) { status retirementBasis } }"#;
const EXTEND: &str =
    r#"mutation($i: RetirementExtensionInput!) { recordRetirementExtension(input: $i) { retirementExtendedTo } }"#;

/// Hires a person through the API and answers their id.
async fn hired(app: &crate::helpers::TestApp, token: &str, institution: &str, name: &str, id: &str) -> String {
    let data = app.ok(Some(token), HIRE, json!({"input": hire_input(institution, name, id, "FISCAL")})).await;
    data["hireStaff"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_early_retirement_needs_its_basis_and_document_and_a_postponement_runs_three_years_at_most() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let today = chrono::Utc::now().date_naive().to_string();
    // A man of 39: no basis, no retirement.
    let young = hired(&app, t, &w.city.institution, "青年", &national_id("620700", "19870101", 11)).await;
    let retire = |basis: Option<&str>, document: Option<&str>| json!({"i": {"staffId": young, "effectiveOn": today, "retirementBasis": basis, "documentNo": document}});
    let body = app.refused(Some(t), RETIRE, retire(None, None), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("earliest lawful retirement"), "{body}");
    // 病退 is from 50 for men; a work injury has no age floor, but needs its document.
    let body = app.refused(Some(t), RETIRE, retire(Some("ILLNESS"), Some("甘人社〔2026〕3号")), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("from 50"), "{body}");
    let body = app.refused(Some(t), RETIRE, retire(Some("WORK_INJURY"), None), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("approving document"), "{body}");
    app.refused(
        Some(t),
        "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status } }",
        retire(Some("WORK_INJURY"), None),
        "BAD_USER_INPUT",
    )
    .await;
    let data = app.ok(Some(t), RETIRE, retire(Some("WORK_INJURY"), Some("甘人社〔2026〕3号"))).await;
    assert_eq!(data["retireStaff"], json!({"status": "RETIRED", "retirementBasis": "WORK_INJURY"}));
    // A man born in September 1966 reaches 60 in 2026, his statutory age (60 and 6 months) in
    // March 2027: from 60 he may retire early by choice (弹性提前退休), with no basis.
    let sixty = hired(&app, t, &w.city.institution, "花甲", &national_id("620700", "19660901", 13)).await;
    let data = app.ok(Some(t), RETIRE, json!({"i": {"staffId": sixty, "effectiveOn": today}})).await;
    assert_eq!(data["retireStaff"], json!({"status": "RETIRED", "retirementBasis": null}));
    // A woman cadre born June 1970 reached her age (55 and 2 months) on 2025-08-01, in post on
    // the inherited list; her postponement runs to 2028-08-01 at most.
    let woman = national_id("620700", "19700601", 8);
    let code = crate::fixture::credit_code("620700", 1);
    let file = format!(
        "national_id,name,institution_credit_code,category,basis,status,hire_date\n{woman},延,{code},MANAGEMENT,FISCAL,ACTIVE,1995-07-01\n"
    );
    let (_, answer) = crate::import::upload(&app, Some(t), "staff.csv", file.into_bytes()).await;
    assert_eq!(answer["pastRetirementAge"], 1, "{answer}");
    let people = app.ok(Some(t), r#"{ staff(search: "延", first: 1) { edges { node { id } } } }"#, json!({})).await;
    let her = people["staff"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let extend = |until: &str, document: &str| json!({"i": {"staffId": her, "until": until, "documentNo": document}});
    let body = app.refused(Some(t), EXTEND, extend("2028-08-02", "张人社〔2025〕8号"), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("2028-08-01"), "{body}");
    app.refused(Some(t), EXTEND, extend("2025-07-31", "张人社〔2025〕8号"), "BAD_USER_INPUT").await;
    app.refused(Some(t), EXTEND, extend("2027-12-31", ""), "BAD_USER_INPUT").await;
    let data = app.ok(Some(t), EXTEND, extend("2027-12-31", "张人社〔2025〕8号")).await;
    assert_eq!(data["recordRetirementExtension"]["retirementExtendedTo"], "2027-12-31");
    // Still a finding (in post past the age), told apart as a recorded postponement.
    let q = r#"{ findings(jurisdiction: "620700") { pastRetirementAge { items { figure detail } } } }"#;
    let data = app.ok(Some(t), q, json!({})).await;
    let item = &data["findings"]["pastRetirementAge"]["items"][0];
    assert_eq!(item["figure"], 1.0, "{data}");
    assert!(item["detail"].as_str().unwrap().contains("1 on a recorded flexible postponement"), "{data}");
    let audit = app.ok(Some(t), r#"{ auditLog(action: "staff.extend_retirement") { totalCount } }"#, json!({})).await;
    assert_eq!(audit["auditLog"]["totalCount"], 1);
    assert_ledger_consistent(&app, t, "620700").await;
}
