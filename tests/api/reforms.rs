//! Reforms (撤并转): dissolve, merge, convert, and the overview's reform results.

use serde_json::json;

use crate::fixture::{
    CREATE_INSTITUTION, EVENT, assert_ledger_consistent, balance, credit_code, event, institution_input,
    second_institution, world,
};
use crate::helpers::spawn_app;

const DISSOLVE: &str = r#"mutation($i: DissolveInput!) { dissolveInstitution(input: $i) { kind peopleMoved slotsReclaimed ended { status } } }"#;
const MERGE: &str = r#"mutation($i: MergeInput!) { mergeInstitutions(input: $i) { peopleMoved slotsMoved target { id name } ended { id status mergedIntoId } } }"#;
const CONVERT: &str =
    r#"mutation($i: ConvertInput!) { convertToEnterprise(input: $i) { peopleLeft slotsRemoved ended { status } } }"#;
const OVERVIEW: &str = r#"{ overview(jurisdiction: "620700") { institutionCount establishment { approved reserve }
    reformsSinceBase { institutionsRemoved dissolved merged converted slotsReclaimed slotsAllocated } } }"#;

fn document(extra: serde_json::Value) -> serde_json::Value {
    let mut input = json!({"documentNo": "张编发〔2025〕21号", "effectiveOn": "2025-06-30", "reason": "职能消失"});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    json!({ "i": input })
}

#[tokio::test]
async fn dissolving_needs_every_person_placed_and_reclaims_the_slots() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let ceiling = r#"mutation { setControlCeiling(input: {baseYear: 2019, baseTotal: 100, baseFiscal: 100, documentNo: "张编委〔2019〕1号"}) { baseYear } }"#;
    app.ok(t, ceiling, json!({})).await;
    let target = second_institution(&app, &w.city.token, &w.city.department, "张掖市疾病预防控制中心二部", 43, 3).await;
    let body = app.refused(t, DISSOLVE, document(json!({"institutionId": w.city.institution})), "BAD_USER_INPUT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains(&w.city.person));
    let placed = json!({"institutionId": w.city.institution, "destinations": [{"staffId": w.city.person, "institutionId": target}]});
    let data = app.ok(t, DISSOLVE, document(placed)).await;
    assert_eq!(
        data["dissolveInstitution"],
        json!({"kind": "DISSOLVE", "peopleMoved": 1, "slotsReclaimed": 5, "ended": [{"status": "DISSOLVED"}]})
    );
    assert_eq!(balance(&app, &w.city.token, &target).await, (3, 0, 1, 2));
    let overview = app.ok(t, OVERVIEW, json!({})).await;
    assert_eq!(overview["overview"]["institutionCount"], 1);
    assert_eq!(overview["overview"]["establishment"]["reserve"], 5);
    app.ok(t, EVENT, event(&target, "ALLOCATE", 2)).await;
    let overview = app.ok(t, OVERVIEW, json!({})).await;
    assert_eq!(
        overview["overview"]["reformsSinceBase"],
        json!({"institutionsRemoved": 1, "dissolved": 1, "merged": 0, "converted": 0, "slotsReclaimed": 5, "slotsAllocated": 2})
    );
    // A dissolved institution takes no more events.
    app.refused(t, EVENT, event(&w.city.institution, "APPROVE", 1), "CONFLICT").await;
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

#[tokio::test]
async fn merging_moves_people_and_establishment_into_an_existing_or_new_institution() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let small = second_institution(&app, &w.city.token, &w.city.department, "张掖市健康教育所", 44, 2).await;
    let data = app.ok(t, MERGE, document(json!({"sourceIds": [small], "targetId": w.city.institution}))).await;
    assert_eq!(data["mergeInstitutions"]["slotsMoved"], 2);
    assert_eq!(data["mergeInstitutions"]["ended"][0]["mergedIntoId"], w.city.institution.as_str());
    assert_eq!(balance(&app, &w.city.token, &w.city.institution).await, (7, 0, 1, 6));
    // Into a new institution, created in the same request.
    let new_target = institution_input(&w.city.department, "张掖市公共卫生服务中心", &credit_code("620700", 45));
    let data = app.ok(t, MERGE, document(json!({"sourceIds": [w.city.institution], "newTarget": new_target}))).await;
    assert_eq!(data["mergeInstitutions"]["peopleMoved"], 1);
    let new_id = data["mergeInstitutions"]["target"]["id"].as_str().unwrap().to_string();
    assert_eq!(balance(&app, &w.city.token, &new_id).await, (7, 0, 1, 6));
    let staff = app.ok(t, "query($id: ID!) { person(id: $id) { institutionId } }", json!({"id": w.city.person})).await;
    assert_eq!(staff["person"]["institutionId"], new_id.as_str());
    app.refused(t, MERGE, document(json!({"sourceIds": [new_id], "targetId": new_id})), "BAD_USER_INPUT").await;
    app.refused(t, MERGE, document(json!({"sourceIds": [w.minle.institution], "targetId": new_id})), "FORBIDDEN").await;
    let taken = institution_input(&w.city.department, "重复", &credit_code("620700", 45));
    app.refused(t, MERGE, document(json!({"sourceIds": [small], "newTarget": taken})), "CONFLICT").await;
    let _ = CREATE_INSTITUTION;
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

#[tokio::test]
async fn converting_to_an_enterprise_takes_people_slots_and_ceiling_out() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let ceiling = r#"mutation { setControlCeiling(input: {baseYear: 2019, baseTotal: 20, baseFiscal: 20, documentNo: "张编委〔2019〕1号"}) { baseYear } }"#;
    app.ok(t, ceiling, json!({})).await;
    let data = app.ok(t, CONVERT, document(json!({"institutionId": w.city.institution}))).await;
    assert_eq!(
        data["convertToEnterprise"],
        json!({"peopleLeft": 1, "slotsRemoved": 5, "ended": [{"status": "CONVERTED"}]})
    );
    let after = app.ok(t, r#"{ controlCeiling(jurisdiction: "620700") { totalCeiling fiscalCeiling } overview(jurisdiction: "620700") { institutionCount staff { inEstablishment } } }"#, json!({})).await;
    assert_eq!(after["controlCeiling"], json!({"totalCeiling": 15, "fiscalCeiling": 15}));
    assert_eq!(after["overview"]["institutionCount"], 0);
    assert_eq!(after["overview"]["staff"]["inEstablishment"], 0);
    let person = app.ok(t, "query($id: ID!) { person(id: $id) { status } }", json!({"id": w.city.person})).await;
    assert_eq!(person["person"]["status"], "LEFT");
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

const APPOINT: &str = r#"mutation($i: AppointLeaderInput!) { appointLeader(input: $i) { id } }"#;
const LEADERSHIP: &str =
    r#"query($id: ID!) { institution(id: $id) { leadership { title approved surplus leaders { staffId } } } }"#;

fn appointment(institution: &str, person: &str, title: &str) -> serde_json::Value {
    json!({"i": {"institutionId": institution, "staffId": person, "postTitle": title,
        "documentNo": "张编发〔2025〕31号", "appointedOn": "2025-03-01"}})
}

#[tokio::test]
async fn leadership_posts_are_never_exceeded_and_a_mergers_surplus_is_flagged_until_absorbed() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.as_str();
    let t = Some(token);
    let target = w.city.institution.as_str();
    // One 主任 post (the fixture's), held by the fixture's employee.
    app.ok(t, APPOINT, appointment(target, &w.city.person, "主任")).await;
    let other =
        crate::fixture::hire(&app, token, target, "副手", &crate::fixture::national_id("620700", "19820101", 71)).await;
    let body = app.refused(t, APPOINT, appointment(target, &other, "主任"), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("领导职数"), "{body}");
    app.refused(t, APPOINT, appointment(target, &other, "院长"), "BAD_USER_INPUT").await;
    // A unit with its own 主任 is merged in: two leaders on one place, a surplus of one.
    let small = second_institution(&app, &w.city.token, &w.city.department, "张掖市健康教育所", 46, 2).await;
    let head =
        crate::fixture::hire(&app, token, &small, "所长", &crate::fixture::national_id("620700", "19790101", 73)).await;
    app.ok(t, APPOINT, appointment(&small, &head, "主任")).await;
    app.ok(t, MERGE, document(json!({"sourceIds": [small], "targetId": target}))).await;
    let posts = app.ok(t, LEADERSHIP, json!({"id": target})).await;
    let post = &posts["institution"]["leadership"][0];
    assert_eq!((post["approved"].as_i64(), post["surplus"].as_i64()), (Some(1), Some(1)), "{posts}");
    // When the merged-in head retires, the surplus is absorbed.
    let retire = r#"mutation($s: ID!) { retireStaff(input: {retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", staffId: $s, effectiveOn: "2025-06-30"}) { status } }"#;
    app.ok(t, retire, json!({"s": head})).await;
    let posts = app.ok(t, LEADERSHIP, json!({"id": target})).await;
    assert_eq!(posts["institution"]["leadership"][0]["surplus"], 0, "{posts}");
    assert_eq!(posts["institution"]["leadership"][0]["leaders"].as_array().unwrap().len(), 1);
    assert_ledger_consistent(&app, token, "620700").await;
}
