//! Institutions key their own changes (单位填报 → 主管部门审核 → 编办核准): an institution
//! submits, its supervising department passes or returns, the office approves (the act then
//! recorded once, as the office's own) or returns; and the new role reads nothing but its own.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::fixture::{hire_input, national_id, world};
use crate::helpers::{TestApp, spawn_app};

const SAVE: &str = r#"mutation($i: SubmissionInput!) { saveSubmission(input: $i) {
    id kind status personName attachments input } }"#;
const SUBMIT: &str = "mutation($id: ID!) { submitSubmission(id: $id) { id status submittedAt dueAt overdue } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawSubmission(id: $id) { id status } }";
const REVIEW: &str = r#"mutation($id: ID!, $pass: Boolean!, $c: String) {
    reviewSubmission(id: $id, pass: $pass, comment: $c) { id status returnedReason } }"#;
const DECIDE: &str = r#"mutation($id: ID!, $approve: Boolean!, $c: String) {
    decideSubmission(id: $id, approve: $approve, comment: $c) { id status resultId
      steps { action actorRole comment } } }"#;
const QUEUE: &str = "{ submissionQueue { awaitingMe drafts returned submitted passed overdue } }";
const COUNTS: &str = "query($id: ID!) { institution(id: $id) { staffCounts { inEstablishment } } }";

async fn department_of(app: &TestApp, office: &str, institution: &str) -> String {
    let data = app
        .ok(Some(office), "query($id: ID!) { institution(id: $id) { department { id } } }", json!({"id": institution}))
        .await;
    let id: i32 = data["institution"]["department"]["id"].as_str().unwrap().parse().unwrap();
    app.department_token("620700", id)
}

/// A plan of `slots` fiscal slots the department asked for and the office approved.
async fn approved_plan(app: &TestApp, office: &str, department: &str, institution: &str, slots: i32) -> String {
    let ask = json!({"i": {"institutionId": institution, "funding": "FISCAL", "slots": slots, "posts": "疾控医师",
        "recruitment": "OPEN_EXAM", "reason": "新增监测任务"}});
    let plan = app
        .ok(Some(department), "mutation($i: VacancyUseRequestInput!) { requestVacancyUse(input: $i) { id } }", ask)
        .await;
    let id = plan["requestVacancyUse"]["id"].as_str().unwrap().to_string();
    let decide = json!({"i": {"planId": id, "decision": "APPROVE", "expiresOn": "2099-12-31",
        "documentNo": "张编办〔2026〕3号"}});
    app.ok(Some(office), "mutation($i: DecideVacancyUseInput!) { decideVacancyUse(input: $i) { id } }", decide).await;
    id
}

fn arrival(institution: &str, plan: &str, seq: u32) -> Value {
    let mut input = hire_input(institution, "新进医师", &national_id("620700", "19960101", seq), "FISCAL");
    input.as_object_mut().unwrap().remove("ownPlan");
    input["planId"] = json!(plan);
    input["hireDate"] = json!(chrono::Utc::now().date_naive().to_string());
    input
}

async fn in_establishment(app: &TestApp, office: &str, institution: &str) -> i64 {
    let data = app.ok(Some(office), COUNTS, json!({"id": institution})).await;
    data["institution"]["staffCounts"]["inEstablishment"].as_i64().unwrap()
}

async fn queue(app: &TestApp, token: &str) -> Value {
    app.ok(Some(token), QUEUE, json!({})).await["submissionQueue"].clone()
}

#[tokio::test]
async fn an_institution_submits_its_department_passes_and_the_office_approves_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let department = department_of(&app, office, inst).await;
    let unit = app.institution_token("620700", inst);
    let plan = approved_plan(&app, office, &department, inst, 2).await;
    let before = in_establishment(&app, office, inst).await;

    // An arrival on the plan: saved as a draft, submitted (checked by the hire's own rules).
    let saved = app
        .ok(
            Some(&unit),
            SAVE,
            json!({"i": {"arrival": arrival(inst, &plan, 41), "attachments": ["张人社〔2026〕5号"]}}),
        )
        .await["saveSubmission"]
        .clone();
    assert_eq!((saved["kind"].as_str(), saved["status"].as_str()), (Some("ARRIVAL"), Some("DRAFT")));
    assert_eq!(saved["personName"], "新进医师");
    assert_eq!(saved["attachments"], json!(["张人社〔2026〕5号"]));
    let arrival_id = saved["id"].as_str().unwrap().to_string();
    // A draft is the institution's own: neither the department nor the office sees it yet.
    assert_eq!(queue(&app, &department).await["submitted"], 0);
    assert_eq!(queue(&app, &unit).await["awaitingMe"], 1);
    let sent = app.ok(Some(&unit), SUBMIT, json!({"id": arrival_id})).await["submitSubmission"].clone();
    assert_eq!((sent["status"].as_str(), sent["overdue"].as_bool()), (Some("SUBMITTED"), Some(false)));
    assert!(sent["dueAt"].is_string());

    // A departure with its reason, returned once by the department, edited and sent again.
    let leave = json!({"staffId": w.city.person, "effectiveOn": "2026-01-15", "reason": "RESIGNATION",
        "note": "本人申请"});
    let saved = app.ok(Some(&unit), SAVE, json!({"i": {"departure": leave}})).await["saveSubmission"].clone();
    let departure_id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(saved["personName"], "张掖市职工");
    app.ok(Some(&unit), SUBMIT, json!({"id": departure_id})).await;
    assert_eq!(queue(&app, &department).await["awaitingMe"], 2);
    app.refused(Some(&department), REVIEW, json!({"id": departure_id, "pass": false}), "BAD_USER_INPUT").await;
    let returned = app
        .ok(Some(&department), REVIEW, json!({"id": departure_id, "pass": false, "c": "缺少辞职申请书"}))
        .await["reviewSubmission"]
        .clone();
    assert_eq!(
        (returned["status"].as_str(), returned["returnedReason"].as_str()),
        (Some("RETURNED"), Some("缺少辞职申请书"))
    );
    let leave = json!({"staffId": w.city.person, "effectiveOn": "2026-01-15", "reason": "RESIGNATION",
        "note": "已附辞职申请书"});
    let edited = app
        .ok(Some(&unit), SAVE, json!({"i": {"id": departure_id, "departure": leave, "attachments": ["辞职申请书"]}}))
        .await["saveSubmission"]
        .clone();
    assert_eq!(edited["status"], "DRAFT");
    app.ok(Some(&unit), SUBMIT, json!({"id": departure_id})).await;

    // The department passes both; it cannot decide, and the institution cannot review.
    for id in [&arrival_id, &departure_id] {
        app.refused(Some(&unit), REVIEW, json!({"id": id, "pass": true}), "FORBIDDEN").await;
        let passed = app.ok(Some(&department), REVIEW, json!({"id": id, "pass": true, "c": "同意"})).await;
        assert_eq!(passed["reviewSubmission"]["status"], "PASSED");
        app.refused(Some(&department), DECIDE, json!({"id": id, "approve": true}), "FORBIDDEN").await;
        app.refused(Some(&unit), DECIDE, json!({"id": id, "approve": true}), "FORBIDDEN").await;
    }
    assert_eq!(queue(&app, office).await["awaitingMe"], 2);
    assert_eq!(in_establishment(&app, office, inst).await, before, "nothing recorded before approval");

    // The office approves: the figures change once; a second approval is refused.
    let approved =
        app.ok(Some(office), DECIDE, json!({"id": arrival_id, "approve": true})).await["decideSubmission"].clone();
    assert_eq!(approved["status"], "APPROVED");
    let actions: Vec<&str> =
        approved["steps"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["SAVE", "SUBMIT", "PASS", "APPROVE"]);
    assert_eq!(in_establishment(&app, office, inst).await, before + 1);
    let again = app.refused(Some(office), DECIDE, json!({"id": arrival_id, "approve": true}), "CONFLICT").await;
    assert!(
        again["errors"][0]["extensions"]["messageZh"].as_str().unwrap().contains("现为已批准，不能改为已批准"),
        "{again}"
    );
    assert_eq!(in_establishment(&app, office, inst).await, before + 1);
    app.ok(Some(office), DECIDE, json!({"id": departure_id, "approve": true})).await;
    assert_eq!(in_establishment(&app, office, inst).await, before);
    let person = app
        .ok(
            Some(office),
            "query($id: ID!) { person(id: $id) { status departureReason } }",
            json!({"id": w.city.person}),
        )
        .await;
    assert_eq!(person["person"]["status"], "LEFT");
    assert_eq!(person["person"]["departureReason"], "RESIGNATION");

    // The act's audit row and the approval's are one request's, in one transaction.
    let hire_request = request_of(&app, "staff.hire", approved["resultId"].as_str().unwrap()).await;
    let approve_request = request_of(&app, "submission.approve", &arrival_id).await;
    assert_eq!(hire_request, approve_request);
    assert_eq!(queue(&app, office).await["awaitingMe"], 0);
}

async fn request_of(app: &TestApp, action: &str, entity_id: &str) -> Option<String> {
    let sql = format!("SELECT request_id FROM audit_log WHERE action = '{action}' AND entity_id = {entity_id}");
    let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap();
    row.and_then(|r| r.try_get::<Option<String>>("", "request_id").unwrap())
}

#[tokio::test]
async fn a_refusal_by_the_acts_own_rules_comes_back_before_sending_and_the_draft_stays() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inst = w.city.institution.as_str();
    let unit = app.institution_token("620700", inst);
    // A hire into a slot needs an approved plan: the draft saves, submitting is refused.
    let mut input = arrival(inst, "1", 42);
    input.as_object_mut().unwrap().remove("planId");
    let saved = app.ok(Some(&unit), SAVE, json!({"i": {"arrival": input}})).await;
    let id = saved["saveSubmission"]["id"].as_str().unwrap().to_string();
    app.refused(Some(&unit), SUBMIT, json!({"id": id}), "BAD_USER_INPUT").await;
    // A departure dated in the future is refused by the departure's own rules.
    let leave = json!({"staffId": w.city.person, "effectiveOn": "2099-01-15", "reason": "RESIGNATION"});
    let saved = app.ok(Some(&unit), SAVE, json!({"i": {"departure": leave}})).await;
    let future = saved["saveSubmission"]["id"].as_str().unwrap().to_string();
    let (_, body) = app.graphql(Some(&unit), SUBMIT, json!({"id": future})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    // In Chinese for a Chinese reader (the console asks with Accept-Language: zh).
    assert!(body["errors"][0]["extensions"]["messageZh"].as_str().unwrap().contains("日期晚于今天"), "{body}");
    let listed = app.ok(Some(&unit), "{ submissions { id status } }", json!({})).await;
    assert!(listed["submissions"].as_array().unwrap().iter().all(|s| s["status"] == "DRAFT"), "{listed}");
    // Withdrawn, it is gone from the queue.
    app.ok(Some(&unit), WITHDRAW, json!({"id": future})).await;
    assert_eq!(queue(&app, &unit).await["drafts"], 1);
    app.refused(Some(&unit), SUBMIT, json!({"id": future}), "CONFLICT").await;
}

#[tokio::test]
async fn an_institution_reads_its_own_record_and_people_only_and_writes_only_its_submissions() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inst = w.city.institution.as_str();
    let unit = app.institution_token("620700", inst);
    let other_unit = app.institution_token("620722", &w.minle.institution);

    // Its own record and people, the ID masked.
    let own = app
        .ok(
            Some(&unit),
            "query($id: ID!) { institution(id: $id) { name staffCounts { inEstablishment } } }",
            json!({"id": inst}),
        )
        .await;
    assert_eq!(own["institution"]["staffCounts"]["inEstablishment"], 1);
    let people = app.ok(Some(&unit), "{ staff(first: 50) { edges { node { id nationalId } } } }", json!({})).await;
    let edges = people["staff"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["nationalId"].as_str().unwrap(), api::codes::mask_national_id(&w.city.national_id));
    // How much of the ID it sees is the office's to decide (0 to 4 last characters), never more.
    let digits = "mutation($d: Int!) { setInstitutionIdDigits(digits: $d) { institutionIdDigits } }";
    app.refused(Some(&unit), digits, json!({"d": 2}), "FORBIDDEN").await;
    app.refused(Some(&w.city.token), digits, json!({"d": 18}), "BAD_USER_INPUT").await;
    let set = app.ok(Some(&w.city.token), digits, json!({"d": 2})).await;
    assert_eq!(set["setInstitutionIdDigits"]["institutionIdDigits"], 2);
    let people = app.ok(Some(&unit), "{ staff(first: 5) { edges { node { nationalId } } } }", json!({})).await;
    let shown = people["staff"]["edges"][0]["node"]["nationalId"].as_str().unwrap().to_string();
    assert_eq!(shown, format!("{}{}", "*".repeat(16), &w.city.national_id[16..]));
    // The department still sees its four.
    let department = department_of(&app, &w.city.token, inst).await;
    let theirs = app.ok(Some(&department), "{ staff(first: 5) { edges { node { nationalId } } } }", json!({})).await;
    assert_eq!(theirs["staff"]["edges"][0]["node"]["nationalId"], api::codes::mask_national_id(&w.city.national_id));
    // Nothing of another institution, nor of the jurisdiction.
    let theirs = app
        .ok(
            Some(&unit),
            "query($i: ID!, $p: ID!) { institution(id: $i) { name } person(id: $p) { name } }",
            json!({"i": w.minle.institution, "p": w.minle.person}),
        )
        .await;
    assert_eq!(theirs, json!({"institution": null, "person": null}));
    let listed = app.ok(Some(&unit), "{ institutions(first: 50) { totalCount } }", json!({})).await;
    assert_eq!(listed["institutions"]["totalCount"], 1);
    assert_eq!(
        app.error_code(Some(&unit), r#"{ overview(jurisdiction: "620700") { institutionCount } }"#, json!({})).await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(Some(&unit), r#"{ institutions(jurisdiction: "620700", first: 5) { totalCount } }"#, json!({}))
            .await,
        "FORBIDDEN"
    );

    // It never writes outside its submissions.
    let plan_hire = json!({"input": hire_input(inst, "径直", &national_id("620700", "19900101", 43), "TEMPORARY")});
    app.refused(Some(&unit), crate::fixture::HIRE, plan_hire, "FORBIDDEN").await;
    let leave = json!({"input": {"staffId": w.city.person, "effectiveOn": "2026-01-15", "reason": "RESIGNATION"}});
    app.refused(
        Some(&unit),
        "mutation($input: StaffDateInput!) { staffLeaves(input: $input) { id } }",
        leave,
        "FORBIDDEN",
    )
    .await;
    // Nor submits about another's people or record.
    let theirs =
        json!({"i": {"departure": {"staffId": w.minle.person, "effectiveOn": "2026-01-15", "reason": "RESIGNATION"}}});
    app.refused(Some(&unit), SAVE, theirs, "NOT_FOUND").await;
    let record = json!({"i": {"institutionFacts": {"institutionId": w.minle.institution, "head": "李四"}}});
    app.refused(Some(&unit), SAVE, record, "FORBIDDEN").await;

    // Another institution reads none of its submissions.
    let facts = json!({"i": {"institutionFacts": {"institutionId": inst, "address": "张掖市甘州区县府街1号",
        "head": "王五"}}});
    let saved = app.ok(Some(&unit), SAVE, facts).await;
    let id = saved["saveSubmission"]["id"].as_str().unwrap().to_string();
    let one = "query($id: ID!) { submission(id: $id) { id } }";
    assert_eq!(app.error_code(Some(&other_unit), one, json!({"id": id})).await, "NOT_FOUND");
    app.refused(Some(&other_unit), SUBMIT, json!({"id": id}), "NOT_FOUND").await;
    assert_eq!(app.ok(Some(&other_unit), "{ submissions { id } }", json!({})).await["submissions"], json!([]));

    // Its particulars: submitted, passed, approved by its own office only.
    app.ok(Some(&unit), SUBMIT, json!({"id": id})).await;
    app.ok(Some(&department), REVIEW, json!({"id": id, "pass": true})).await;
    app.refused(Some(&w.minle.token), DECIDE, json!({"id": id, "approve": true}), "NOT_FOUND").await;
    app.ok(Some(&w.city.token), DECIDE, json!({"id": id, "approve": true})).await;
    let record = app
        .ok(
            Some(&unit),
            "query($id: ID!) { institution(id: $id) { address head legalRepresentative } }",
            json!({"id": inst}),
        )
        .await;
    assert_eq!(record["institution"]["address"], "张掖市甘州区县府街1号");
    assert_eq!(record["institution"]["head"], "王五");
}

#[tokio::test]
async fn institution_accounts_name_an_institution_of_their_jurisdiction() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let create = r#"mutation($i: CreateAccountInput!) { createAccount(input: $i) { username role institutionId } }"#;
    let account = |institution: &str| {
        json!({"i": {"username": format!("unit-{institution}"), "role": "INSTITUTION", "jurisdiction": "620700",
            "institutionId": institution, "password": "a-long-first-password"}})
    };
    app.refused(Some(&w.city.token), create, account(&w.minle.institution), "NOT_FOUND").await;
    let made = app.ok(Some(&w.city.token), create, account(&w.city.institution)).await;
    assert_eq!(made["createAccount"]["role"], "INSTITUTION");
    assert_eq!(made["createAccount"]["institutionId"], w.city.institution.as_str());
}

#[tokio::test]
async fn two_approvals_at_once_record_the_act_once_and_a_page_reads_in_fixed_statements() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let department = department_of(&app, office, inst).await;
    let unit = app.institution_token("620700", inst);
    let plan = approved_plan(&app, office, &department, inst, 3).await;
    let mut ids = Vec::new();
    for seq in [51, 52, 53] {
        let saved = app.ok(Some(&unit), SAVE, json!({"i": {"arrival": arrival(inst, &plan, seq)}})).await;
        let id = saved["saveSubmission"]["id"].as_str().unwrap().to_string();
        app.ok(Some(&unit), SUBMIT, json!({"id": id})).await;
        ids.push(id);
    }
    // A page of three reads in as many statements as a page of one.
    let page = "{ submissions { id personName steps { action } institution { name } } }";
    let before = app.statements();
    let listed = app.ok(Some(&department), page, json!({})).await;
    let three = app.statements() - before;
    assert_eq!(listed["submissions"].as_array().unwrap().len(), 3);
    let before = app.statements();
    app.ok(
        Some(&department),
        "{ submissions(first: 1) { id personName steps { action } institution { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(three, app.statements() - before, "a page's statements grow with its size");

    app.ok(Some(&department), REVIEW, json!({"id": ids[0], "pass": true})).await;
    let before = in_establishment(&app, office, inst).await;
    let decide = json!({"id": ids[0], "approve": true});
    let (a, b) =
        tokio::join!(app.graphql(Some(office), DECIDE, decide.clone()), app.graphql(Some(office), DECIDE, decide));
    let codes: Vec<Option<&str>> =
        [&a.1, &b.1].iter().map(|body| body["errors"][0]["extensions"]["code"].as_str()).collect();
    assert!(codes.contains(&None) && codes.contains(&Some("CONFLICT")), "{a:?} {b:?}");
    assert_eq!(in_establishment(&app, office, inst).await, before + 1);
}

#[tokio::test]
async fn an_annual_report_must_agree_with_the_roster_at_the_years_end_and_is_recorded_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let office = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let department = department_of(&app, office, inst).await;
    let unit = app.institution_token("620700", inst);
    let year = chrono::Utc::now().naive_utc().date().format("%Y").to_string().parse::<i32>().unwrap() - 1;
    let report = |people: i32| {
        json!({"i": {"annualReport": {"institutionId": inst, "year": year, "activities": "完成疾病监测和预防接种任务",
            "inEstablishment": people, "netAssetsStart": "1250000.00", "netAssetsEnd": "1302000.50",
            "awards": "无", "litigation": "无"}, "attachments": ["年度报告书"]}})
    };
    // The roster had one person in establishment at 31 December: two is refused before sending.
    let wrong = app.ok(Some(&unit), SAVE, report(2)).await["saveSubmission"]["id"].as_str().unwrap().to_string();
    app.refused(Some(&unit), SUBMIT, json!({"id": wrong}), "CONFLICT").await;
    app.ok(Some(&unit), WITHDRAW, json!({"id": wrong})).await;
    let bad = report(1);
    let mut bad_amount = bad.clone();
    bad_amount["i"]["annualReport"]["netAssetsEnd"] = json!("1,302,000");
    let odd = app.ok(Some(&unit), SAVE, bad_amount).await["saveSubmission"]["id"].as_str().unwrap().to_string();
    app.refused(Some(&unit), SUBMIT, json!({"id": odd}), "BAD_USER_INPUT").await;

    let mut ids = Vec::new();
    for _ in 0..2 {
        let id = app.ok(Some(&unit), SAVE, report(1)).await["saveSubmission"]["id"].as_str().unwrap().to_string();
        app.ok(Some(&unit), SUBMIT, json!({"id": id})).await;
        app.ok(Some(&department), REVIEW, json!({"id": id, "pass": true})).await;
        ids.push(id);
    }
    let approved = app.ok(Some(office), DECIDE, json!({"id": ids[0], "approve": true})).await;
    assert_eq!(approved["decideSubmission"]["status"], "APPROVED");
    // The same year twice: the second approval is refused, and nothing more is written.
    app.refused(Some(office), DECIDE, json!({"id": ids[1], "approve": true}), "CONFLICT").await;
    let reports = app
        .ok(
            Some(&unit),
            "query($id: ID!) { annualReports(institutionId: $id) { year submissionId content { inEstablishment netAssetsEnd } } }",
            json!({"id": inst}),
        )
        .await;
    assert_eq!(
        reports["annualReports"],
        json!([{"year": year, "submissionId": ids[0], "content": {"inEstablishment": 1, "netAssetsEnd": "1302000.50"}}])
    );
    // Another institution reads none of it.
    let other = app.institution_token("620722", &w.minle.institution);
    let theirs = app
        .ok(Some(&other), "query($id: ID!) { annualReports(institutionId: $id) { year } }", json!({"id": inst}))
        .await;
    assert_eq!(theirs["annualReports"], json!([]));
}

#[tokio::test]
async fn a_submission_waiting_past_its_deadline_is_flagged_in_every_queue() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inst = w.city.institution.as_str();
    let unit = app.institution_token("620700", inst);
    let department = department_of(&app, &w.city.token, inst).await;
    let facts = json!({"i": {"institutionFacts": {"institutionId": inst, "head": "王五"}}});
    let id = app.ok(Some(&unit), SAVE, facts).await["saveSubmission"]["id"].as_str().unwrap().to_string();
    app.ok(Some(&unit), SUBMIT, json!({"id": id})).await;
    assert_eq!(queue(&app, &department).await["overdue"], 0);
    // Sent eight days ago: past the department's seven.
    let eight_days_ago = (chrono::Utc::now() - chrono::Duration::days(8)).to_rfc3339();
    let sql = format!("UPDATE submission SET submitted_at = '{eight_days_ago}' WHERE id = {id}");
    app.db.execute_unprepared(&sql).await.unwrap();
    for token in [&department, &unit, &w.city.token] {
        assert_eq!(queue(&app, token).await["overdue"], 1);
    }
    let listed = app.ok(Some(&department), "{ submissions { id overdue dueAt } }", json!({})).await;
    assert_eq!(listed["submissions"][0]["overdue"], true);
    // Passed, it waits for the office from now: no longer late.
    app.ok(Some(&department), REVIEW, json!({"id": id, "pass": true})).await;
    assert_eq!(queue(&app, &w.city.token).await["overdue"], 0);
}
