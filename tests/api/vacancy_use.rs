//! Vacancy use is approved (用编审批): a department asks, the office approves, cuts or refuses,
//! and hires draw on an approved plan's quota until it is spent or expires.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::fixture::{HIRE, assert_ledger_consistent, hire_input, national_id, second_institution, world};
use crate::helpers::{TestApp, spawn_app};

const REQUEST: &str = r#"mutation($i: VacancyUseRequestInput!) { requestVacancyUse(input: $i) {
    id status requested approved used remaining recruitment requestedBy } }"#;
const DECIDE: &str = r#"mutation($i: DecideVacancyUseInput!) { decideVacancyUse(input: $i) {
    id status approved remaining expiresOn documentNo decisionReason decidedBy } }"#;
const RECORD: &str = r#"query($id: ID!) { institution(id: $id) { staffCounts { inEstablishment }
    vacancyUsePlans { id status approved used remaining recruitment } } }"#;
const OVERVIEW: &str = r#"{ overview(jurisdiction: "620700") { vacancyUse { pendingRequests pendingSlots openPlans
    openSlots hiresDrawn refused } } }"#;

fn ask(institution: &str, slots: i32) -> Value {
    json!({"i": {"institutionId": institution, "funding": "FISCAL", "slots": slots, "posts": "疾控医师",
        "recruitment": "OPEN_EXAM", "reason": "新增传染病监测任务"}})
}

fn hire_on(institution: &str, seq: u32, plan: Value) -> Value {
    let mut input = hire_input(institution, "新进医师", &national_id("620700", "19960101", seq), "FISCAL");
    input.as_object_mut().unwrap().remove("ownPlan");
    input["planId"] = plan;
    // A hire draws on a plan from the day it was approved (today, in these tests).
    input["hireDate"] = json!(chrono::Utc::now().date_naive().to_string());
    json!({ "input": input })
}

async fn department_id(app: &TestApp, token: &str, institution: &str) -> i32 {
    let data = app
        .ok(Some(token), "query($id: ID!) { institution(id: $id) { department { id } } }", json!({"id": institution}))
        .await;
    data["institution"]["department"]["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_department_asks_the_office_cuts_and_hires_draw_on_the_quota_until_it_is_spent() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let department = app.department_token("620700", department_id(&app, office, inst).await);
    let other_id = crate::fixture::department(&app, office, "张掖市教育局").await;
    let other = app.department_token("620700", other_id.parse().unwrap());

    // Who may ask: the supervising department (or the office); not the public, not another
    // department, never beyond the vacant slots (4 of 5 here).
    app.refused(None, REQUEST, ask(inst, 1), "FORBIDDEN").await;
    assert_eq!(app.error_code(Some(&other), REQUEST, ask(inst, 1)).await, "NOT_FOUND");
    app.refused(Some(&department), REQUEST, ask(inst, 5), "CONFLICT").await;
    app.refused(Some(&department), REQUEST, ask(inst, 0), "BAD_USER_INPUT").await;
    let plan = app.ok(Some(&department), REQUEST, ask(inst, 2)).await["requestVacancyUse"].clone();
    assert_eq!(
        (plan["status"].as_str(), plan["requested"].as_i64(), plan["remaining"].as_i64()),
        (Some("REQUESTED"), Some(2), Some(0))
    );
    let id = plan["id"].as_str().unwrap().to_string();
    let pending = app.ok(Some(office), OVERVIEW, json!({})).await;
    assert_eq!(pending["overview"]["vacancyUse"]["pendingRequests"], 1);
    assert_eq!(pending["overview"]["vacancyUse"]["pendingSlots"], 2);

    // Only the office decides; a cut names its slots and reason, an approval its document and expiry.
    let cut = json!({"i": {"planId": id, "decision": "CUT", "slots": 1, "expiresOn": "2099-12-31",
        "documentNo": "张编办〔2026〕12号", "reason": "另一岗位由内部调剂"}});
    app.refused(Some(&department), DECIDE, cut.clone(), "FORBIDDEN").await;
    let mut no_reason = cut.clone();
    no_reason["i"]["reason"] = Value::Null;
    app.refused(Some(office), DECIDE, no_reason, "BAD_USER_INPUT").await;
    let decided = app.ok(Some(office), DECIDE, cut.clone()).await["decideVacancyUse"].clone();
    assert_eq!(
        (decided["status"].as_str(), decided["approved"].as_i64(), decided["remaining"].as_i64()),
        (Some("APPROVED"), Some(1), Some(1))
    );
    assert_eq!(decided["documentNo"], "张编办〔2026〕12号");
    let open = app.ok(Some(office), OVERVIEW, json!({})).await["overview"]["vacancyUse"].clone();
    assert_eq!(
        open,
        json!({"pendingRequests": 0, "pendingSlots": 0, "openPlans": 1, "openSlots": 1, "hiresDrawn": 1, "refused": 0}),
        "the cut plan is open with one hire left; the world's own plan was drawn whole"
    );
    app.refused(Some(office), DECIDE, cut, "CONFLICT").await;

    // A hire draws on it; the quota spent, the next hire on it is refused and writes nothing.
    app.ok(Some(office), HIRE, hire_on(inst, 701, json!(id))).await;
    let before = app.row_counts().await;
    app.refused(Some(office), HIRE, hire_on(inst, 702, json!(id)), "CONFLICT").await;
    assert_eq!(app.row_counts().await, before, "a refused draw leaves nothing behind");
    let record = app.ok(Some(&department), RECORD, json!({"id": inst})).await;
    let plans = record["institution"]["vacancyUsePlans"].as_array().unwrap();
    assert_eq!((plans[0]["used"].as_i64(), plans[0]["remaining"].as_i64()), (Some(1), Some(0)));
    assert_eq!(record["institution"]["staffCounts"]["inEstablishment"], 2);

    // A refusal gives its reason; another institution's plan cannot be drawn on.
    let again = app.ok(Some(&department), REQUEST, ask(inst, 1)).await["requestVacancyUse"]["id"].clone();
    let refuse = |reason: Value| json!({"i": {"planId": again, "decision": "REFUSE", "reason": reason}});
    app.refused(Some(office), DECIDE, refuse(Value::Null), "BAD_USER_INPUT").await;
    let refused = app.ok(Some(office), DECIDE, refuse(json!("编制已满足需要"))).await;
    assert_eq!(refused["decideVacancyUse"]["status"], "REFUSED");
    let second = second_institution(&app, office, &w.city.department, "张掖市卫生监督所", 40, 3).await;
    app.refused(Some(office), HIRE, hire_on(&second, 703, json!(id)), "CONFLICT").await;

    // An office may record its own one-slot plan with a hire.
    let mut input = hire_input(inst, "调入人员", &national_id("620700", "19900101", 704), "FISCAL");
    input["ownPlan"] = json!({"recruitment": "TRANSFER_IN", "posts": "检验技师", "documentNo": "张编办〔2026〕13号"});
    // A transfer in carries the transfer's document.
    app.refused(Some(office), HIRE, json!({ "input": input.clone() }), "BAD_USER_INPUT").await;
    input["documentNo"] = json!("张人社调〔2026〕2号");
    app.ok(Some(office), HIRE, json!({ "input": input })).await;
    // Drawn: the world's first hire (on the office's own plan too), the one on the cut plan,
    // and this one.
    let figures = app.ok(Some(office), OVERVIEW, json!({})).await["overview"]["vacancyUse"].clone();
    assert_eq!(
        figures,
        json!({"pendingRequests": 0, "pendingSlots": 0, "openPlans": 0, "openSlots": 0, "hiresDrawn": 3, "refused": 1})
    );
    // A hire into a slot with no plan at all is refused: using a vacancy is approved, not assumed.
    let mut assumed = hire_input(inst, "某人", &national_id("620700", "19900101", 706), "SELF_FINANCED");
    assumed.as_object_mut().unwrap().remove("ownPlan");
    let refused = app.refused(Some(office), HIRE, json!({ "input": assumed }), "BAD_USER_INPUT").await;
    assert!(refused.to_string().contains("vacancy-use plan"), "{refused}");
    // Both ways at once, or a plan for temporary staff, is refused.
    let mut both = hire_input(inst, "某人", &national_id("620700", "19900101", 705), "FISCAL");
    both["planId"] = json!(id);
    both["ownPlan"] = json!({"recruitment": "OTHER", "posts": "x", "documentNo": "张编办〔2026〕14号"});
    app.refused(Some(office), HIRE, json!({ "input": both }), "BAD_USER_INPUT").await;
    // The audit chain holds each step.
    let audited = app
        .ok(Some(office), r#"{ verifyLedger(jurisdiction: "620700") { consistent auditChainIntact } }"#, json!({}))
        .await;
    assert_eq!(audited["verifyLedger"]["auditChainIntact"], true);
}

#[tokio::test]
async fn an_expired_plan_takes_no_hire() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let id = app.ok(Some(office), REQUEST, ask(inst, 1)).await["requestVacancyUse"]["id"].as_str().unwrap().to_string();
    let approve = json!({"i": {"planId": id, "decision": "APPROVE", "expiresOn": "2099-12-31", "documentNo": "张编办〔2026〕15号"}});
    let mut past = approve.clone();
    past["i"]["expiresOn"] = json!("2020-01-01");
    app.refused(Some(office), DECIDE, past, "BAD_USER_INPUT").await;
    app.ok(Some(office), DECIDE, approve).await;
    // Time passes (the plan's last day moved into the past, as a year would).
    app.db
        .execute_unprepared(&format!("UPDATE vacancy_use_plan SET expires_on = '2020-01-01' WHERE id = {id}"))
        .await
        .unwrap();
    app.refused(Some(office), HIRE, hire_on(inst, 801, json!(id)), "CONFLICT").await;
    let record = app.ok(Some(office), RECORD, json!({"id": inst})).await;
    assert_eq!(record["institution"]["vacancyUsePlans"][0]["remaining"], 0);
}

const CLOSE: &str = r#"mutation($i: RevokeVacancyUseInput!) { revokeVacancyUse(input: $i) {
    status remaining revokedReason revokedDocumentNo revokedBy revokedAt } }"#;
const EXTEND: &str =
    r#"mutation($i: ExtendVacancyUseInput!) { extendVacancyUse(input: $i) { status expiresOn remaining } }"#;

/// Approves a request of `slots` on `approved_on`, answering the plan's id.
async fn approved(app: &TestApp, office: &str, inst: &str, slots: i32, recruitment: &str, approved_on: &str) -> String {
    let mut request = ask(inst, slots);
    request["i"]["recruitment"] = json!(recruitment);
    let id = app.ok(Some(office), REQUEST, request).await["requestVacancyUse"]["id"].as_str().unwrap().to_string();
    let approve = json!({"i": {"planId": id, "decision": "APPROVE", "expiresOn": "2099-12-31",
        "documentNo": "张编办〔2026〕21号", "approvedOn": approved_on}});
    app.ok(Some(office), DECIDE, approve).await;
    id
}

#[tokio::test]
async fn plans_are_dated_revoked_and_extended_and_a_transfer_in_arrives_under_its_document() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    // A decision dated in the future, or expiring before it was made, is refused.
    let id = app.ok(Some(office), REQUEST, ask(inst, 1)).await["requestVacancyUse"]["id"].clone();
    let decide = |approved_on: &str, expires_on: &str| {
        json!({"i": {"planId": id, "decision": "APPROVE", "expiresOn": expires_on, "documentNo": "张编办〔2026〕20号",
            "approvedOn": approved_on}})
    };
    app.refused(Some(office), DECIDE, decide("2099-01-01", "2099-12-31"), "BAD_USER_INPUT").await;
    let plan = app.ok(Some(office), DECIDE, decide("2026-03-01", "2099-12-31")).await;
    assert_eq!(plan["decideVacancyUse"]["status"], "APPROVED");
    // A hire is never dated before its plan was approved.
    let mut early = hire_on(inst, 801, id.clone());
    early["input"]["hireDate"] = json!("2026-02-28");
    let body = app.refused(Some(office), HIRE, early.clone(), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("before vacancy-use plan"), "{body}");
    early["input"]["hireDate"] = json!("2026-03-01");
    app.ok(Some(office), HIRE, early).await;

    // Revoked (收回): its reason and document kept, what was not drawn no longer promised.
    let plan = approved(&app, office, inst, 2, "OPEN_EXAM", "2026-03-01").await;
    app.refused(Some(office), CLOSE, json!({"i": {"planId": plan, "reason": " "}}), "BAD_USER_INPUT").await;
    let department = app.department_token("620700", department_id(&app, office, inst).await);
    let revoke = json!({"i": {"planId": plan, "reason": "岗位调整，不再招聘", "documentNo": "张编办〔2026〕22号"}});
    app.refused(Some(&department), CLOSE, revoke.clone(), "FORBIDDEN").await;
    let revoked = app.ok(Some(office), CLOSE, revoke.clone()).await["revokeVacancyUse"].clone();
    assert_eq!((revoked["status"].as_str(), revoked["remaining"].as_i64()), (Some("REVOKED"), Some(0)), "{revoked}");
    assert_eq!(revoked["revokedDocumentNo"], "张编办〔2026〕22号");
    assert!(revoked["revokedBy"].as_str().is_some() && revoked["revokedAt"].as_str().is_some(), "{revoked}");
    app.refused(Some(office), CLOSE, revoke, "CONFLICT").await;
    app.refused(Some(office), HIRE, hire_on(inst, 802, json!(plan)), "CONFLICT").await;
    let figures = app
        .ok(Some(office), r#"{ overview(jurisdiction: "620700") { vacancyUse { revoked openPlans } } }"#, json!({}))
        .await;
    assert_eq!(figures["overview"]["vacancyUse"], json!({"revoked": 1, "openPlans": 0}), "{figures}");
    // Its two slots are free for another plan: the institution has 5, 2 held.
    let plan = approved(&app, office, inst, 3, "MILITARY_CADRE_PLACEMENT", "2026-03-01").await;

    // Extended (延期): later, under a document; never earlier, never a plan revoked.
    let extend =
        |expires_on: &str| json!({"i": {"planId": plan, "expiresOn": expires_on, "documentNo": "张编办〔2026〕23号"}});
    app.refused(Some(office), EXTEND, extend("2099-12-30"), "BAD_USER_INPUT").await;
    let longer = app.ok(Some(office), EXTEND, extend("2100-06-30")).await;
    assert_eq!(longer["extendVacancyUse"], json!({"status": "APPROVED", "expiresOn": "2100-06-30", "remaining": 3}));

    // A transfer in (调入) draws on a plan recruiting by transfer and arrives under its document.
    app.ok(Some(office), CLOSE, json!({"i": {"planId": plan, "reason": "改为调入"}})).await;
    let plan = approved(&app, office, inst, 1, "TRANSFER_IN", "2026-03-01").await;
    let transfer = hire_on(inst, 803, json!(plan));
    let body = app.refused(Some(office), HIRE, transfer.clone(), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("transfer's document"), "{body}");
    let mut transfer = transfer;
    transfer["input"]["documentNo"] = json!("甘人社调〔2026〕5号");
    app.ok(Some(office), HIRE, transfer).await;
    let timeline = app
        .ok(Some(office), "query($id: ID!) { institutionTimeline(id: $id) { what documentNo } }", json!({"id": inst}))
        .await;
    let entries = timeline["institutionTimeline"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["what"] == "TRANSFER_IN" && e["documentNo"] == "甘人社调〔2026〕5号"),
        "{entries:?}"
    );
    // An open-exam hire carries no transfer document.
    let plan = approved(&app, office, inst, 1, "OPEN_EXAM", "2026-03-01").await;
    let mut hire = hire_on(inst, 804, json!(plan));
    hire["input"]["documentNo"] = json!("甘人社调〔2026〕6号");
    app.refused(Some(office), HIRE, hire, "BAD_USER_INPUT").await;
    let audit = app
        .ok(Some(office), r#"{ r: auditLog(action: "vacancy_use.revoke") { totalCount } e: auditLog(action: "vacancy_use.extend") { totalCount } }"#, json!({}))
        .await;
    assert_eq!((audit["r"]["totalCount"].as_i64(), audit["e"]["totalCount"].as_i64()), (Some(2), Some(1)));
    assert_ledger_consistent(&app, office, "620700").await;
}

#[tokio::test]
async fn a_hire_fills_a_post_of_its_own_category_on_a_plan_of_structured_posts() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let posts = json!([
        {"category": "PROFESSIONAL_TECHNICAL", "grade": "专技十二级", "count": 1, "qualifications": "预防医学本科"},
        {"category": "MANAGEMENT", "grade": "管理九级", "count": 1}
    ]);
    let mut request = ask(inst, 3);
    request["i"]["postList"] = posts.clone();
    let body = app.refused(Some(office), REQUEST, request.clone(), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("add up to 2"), "{body}");
    request["i"]["slots"] = json!(2);
    let id = app.ok(Some(office), REQUEST, request).await["requestVacancyUse"]["id"].clone();
    // A cut says which posts remain.
    let cut = json!({"i": {"planId": id, "decision": "CUT", "slots": 1, "expiresOn": "2099-12-31",
        "documentNo": "张编办〔2026〕24号", "reason": "管理岗暂缓"}});
    app.refused(Some(office), DECIDE, cut, "BAD_USER_INPUT").await;
    let approve = json!({"i": {"planId": id, "decision": "APPROVE", "expiresOn": "2099-12-31", "documentNo": "张编办〔2026〕24号"}});
    app.ok(Some(office), DECIDE, approve).await;
    let hire = |seq: u32, category: &str| {
        let mut input = hire_on(inst, seq, id.clone());
        input["input"]["category"] = json!(category);
        input
    };
    let body = app.refused(Some(office), HIRE, hire(901, "LOGISTICS_SERVICE"), "BAD_USER_INPUT").await;
    assert!(body.to_string().contains("no open LOGISTICS_SERVICE post"), "{body}");
    app.ok(Some(office), HIRE, hire(902, "PROFESSIONAL_TECHNICAL")).await;
    let before = app.row_counts().await;
    app.refused(Some(office), HIRE, hire(903, "PROFESSIONAL_TECHNICAL"), "BAD_USER_INPUT").await;
    assert_eq!(app.row_counts().await, before, "a refused post writes nothing");
    app.ok(Some(office), HIRE, hire(904, "MANAGEMENT")).await;
    let q = r#"query($id: ID!) { institution(id: $id) { vacancyUsePlans { used remaining postList { category grade used count qualifications } } } }"#;
    let data = app.ok(Some(office), q, json!({"id": inst})).await;
    let plan = &data["institution"]["vacancyUsePlans"][0];
    assert_eq!((plan["used"].as_i64(), plan["remaining"].as_i64()), (Some(2), Some(0)), "{plan}");
    assert_eq!(
        plan["postList"],
        json!([
            {"category": "PROFESSIONAL_TECHNICAL", "grade": "专技十二级", "used": 1, "count": 1, "qualifications": "预防医学本科"},
            {"category": "MANAGEMENT", "grade": "管理九级", "used": 1, "count": 1, "qualifications": ""}
        ])
    );
    assert_ledger_consistent(&app, office, "620700").await;
}

const ANNUAL: &str = r#"mutation($i: AnnualPlanInput!) { setAnnualRecruitmentPlan(input: $i) {
    departmentName year slots held remaining documentNo recordedBy } }"#;

#[tokio::test]
async fn the_years_requests_stay_within_each_departments_annual_plan_once_the_office_adopts_them() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let health = w.city.department.clone();
    let culture = crate::fixture::department(&app, office, "张掖市文化广电和旅游局").await;
    let museum = second_institution(&app, office, &culture, "张掖市博物馆", 41, 4).await;
    let quota = |department: &str, year: i32, slots: i32| json!({"i": {"departmentId": department, "year": year, "slots": slots, "documentNo": "张编委〔2026〕2号"}});
    // Not adopted yet: requests are held by vacancies alone.
    let first = app.ok(Some(office), REQUEST, ask(&museum, 1)).await["requestVacancyUse"]["id"].clone();
    // Adopted for the year: 3 slots for health (which holds 1: the world's first hire, on the
    // office's own plan), none given to culture (which already holds 1).
    app.refused(Some(office), ANNUAL, quota(&health, year + 2, 3), "BAD_USER_INPUT").await;
    let department = app.department_token("620700", health.parse().unwrap());
    app.refused(Some(&department), ANNUAL, quota(&health, year, 3), "FORBIDDEN").await;
    let set = app.ok(Some(office), ANNUAL, quota(&health, year, 3)).await["setAnnualRecruitmentPlan"].clone();
    assert_eq!((set["slots"].as_i64(), set["held"].as_i64(), set["remaining"].as_i64()), (Some(3), Some(1), Some(2)));
    let body = app.refused(Some(office), REQUEST, ask(&museum, 1), "CONFLICT").await;
    assert!(body.to_string().contains("no quota"), "{body}");
    app.refused(Some(office), ANNUAL, quota(&culture, year, 0), "CONFLICT").await;
    app.ok(Some(office), ANNUAL, quota(&culture, year, 1)).await;
    // Health asks within its three: 2 more, then 1 more is refused.
    let two = app.ok(Some(&department), REQUEST, ask(inst, 2)).await["requestVacancyUse"]["id"].clone();
    let body = app.refused(Some(&department), REQUEST, ask(inst, 1), "CONFLICT").await;
    assert!(body.to_string().contains("already hold 3 of its 3"), "{body}");
    // A refusal frees what it held.
    let refuse = json!({"i": {"planId": two, "decision": "REFUSE", "reason": "另行安排"}});
    app.ok(Some(office), DECIDE, refuse).await;
    app.ok(Some(&department), REQUEST, ask(inst, 2)).await;
    app.refused(Some(office), ANNUAL, quota(&health, year, 2), "CONFLICT").await;
    // The office's own one-slot plans count too.
    let mut own = hire_input(inst, "自定", &national_id("620700", "19900101", 905), "FISCAL");
    own["hireDate"] = json!(chrono::Utc::now().date_naive().to_string());
    app.refused(Some(office), HIRE, json!({"input": own.clone()}), "CONFLICT").await;
    app.ok(Some(office), ANNUAL, quota(&health, year, 4)).await;
    // Culture's request refused, the museum's slot is free again; the own plan takes one of
    // the institution's four vacancies (the waiting request promises none yet).
    let refuse_first = json!({"i": {"planId": first, "decision": "REFUSE", "reason": "不再需要"}});
    app.ok(Some(office), DECIDE, refuse_first).await;
    app.ok(Some(office), HIRE, json!({"input": own})).await;
    // Each department reads its own; the office all of them.
    let q = r#"query($y: Int!) { annualRecruitmentPlans(jurisdiction: "620700", year: $y) { departmentName slots held remaining } }"#;
    let all = app.ok(Some(office), q, json!({"y": year})).await["annualRecruitmentPlans"].clone();
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let mine = app.ok(Some(&department), q, json!({"y": year})).await["annualRecruitmentPlans"].clone();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!((mine[0]["slots"].as_i64(), mine[0]["held"].as_i64()), (Some(4), Some(4)), "{mine}");
    app.refused(None, q, json!({"y": year}), "FORBIDDEN").await;
    app.refused(Some(office), q, json!({"y": i32::MAX}), "BAD_USER_INPUT").await;
    let audit =
        app.ok(Some(office), r#"{ auditLog(action: "vacancy_use.annual_plan") { totalCount } }"#, json!({})).await;
    assert_eq!(audit["auditLog"]["totalCount"], 3);
    assert_ledger_consistent(&app, office, "620700").await;
}
