//! Performance evaluation: indicator sets, rounds, committee scoring, results and flags.

use serde_json::{Value, json};

use api::auth::Role;

use crate::fixture::{CREATE_INSTITUTION, credit_code, institution, institution_input, world};
use crate::helpers::{TestApp, spawn_app};

pub(crate) async fn create_set(app: &TestApp, token: &str, indicators: &[Value]) -> String {
    let q = r#"mutation { createIndicatorSet(input: {name: "测试指标体系"}) { id } }"#;
    let set = app.ok(Some(token), q, json!({})).await["createIndicatorSet"]["id"].as_str().unwrap().to_string();
    let add = "mutation($i: IndicatorInput!) { addIndicator(input: $i) { id } }";
    for indicator in indicators {
        let mut input = indicator.clone();
        input["setId"] = json!(set);
        app.ok(Some(token), add, json!({ "i": input })).await;
    }
    set
}

pub(crate) fn common(code: &str, weight: f64) -> Value {
    json!({"code": code, "name": code, "category": "COMMON", "weight": weight})
}

pub(crate) fn sector(code: &str, sectors: &[&str], weight: f64, max: f64) -> Value {
    json!({"code": code, "name": code, "category": "SECTOR", "sectors": sectors, "weight": weight, "maxScore": max})
}

pub(crate) async fn round(app: &TestApp, token: &str, set: &str, institutions: &[&str]) -> String {
    let q = "mutation($i: RoundInput!) { createEvaluationRound(input: $i) { id status } }";
    let data = app
        .ok(
            Some(token),
            q,
            json!({"i": {"year": 2026, "name": "2026年度评价", "setId": set, "institutionIds": institutions}}),
        )
        .await;
    data["createEvaluationRound"]["id"].as_str().unwrap().to_string()
}

async fn member(app: &TestApp, token: &str, round: &str, subject: &str, department: Option<&str>) -> String {
    let q = "mutation($i: MemberInput!) { assignCommitteeMember(input: $i) { id } }";
    let input = json!({"i": {"roundId": round, "subject": subject, "name": subject, "group": "EXPERT", "departmentId": department}});
    app.ok(Some(token), q, input).await["assignCommitteeMember"]["id"].as_str().unwrap().to_string()
}

pub(crate) fn evaluator(app: &TestApp, subject: &str) -> String {
    app.signer.sign(Role::Evaluator, Some("620700"), None, subject, std::time::Duration::from_secs(600)).unwrap()
}

pub(crate) const SUBMIT: &str = "mutation($i: SubmitScoresInput!) { submitScores(input: $i) { saved } }";

pub(crate) fn scores(round: &str, institution: &str, pairs: &[(&str, f64)]) -> Value {
    let list: Vec<Value> = pairs.iter().map(|(c, v)| json!({"indicatorCode": c, "value": v})).collect();
    json!({"i": {"roundId": round, "institutionId": institution, "scores": list}})
}

pub(crate) const OPEN: &str = "mutation($id: ID!) { openEvaluationRound(id: $id) { status } }";
pub(crate) const CLOSE: &str = "mutation($id: ID!) { closeEvaluationRound(id: $id) { status } }";
pub(crate) const PUBLISH: &str = "mutation($id: ID!) { publishEvaluationRound(id: $id) { status } }";

#[tokio::test]
async fn a_round_opens_only_when_every_sectors_weights_sum_to_100() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let mut school = institution_input(&w.city.department, "张掖市实验学校", &credit_code("620700", 90));
    school["sector"] = json!("EDUCATION");
    let created = app.ok(Some(t), CREATE_INSTITUTION, json!({ "input": school })).await;
    let school = created["createInstitution"]["id"].as_str().unwrap().to_string();
    let set = create_set(&app, t, &[common("C1", 80.0), sector("S-H", &["HEALTH"], 20.0, 100.0)]).await;
    let id = round(&app, t, &set, &[&w.city.institution, &school]).await;
    app.refused(Some(t), OPEN, json!({"id": id}), "BAD_USER_INPUT").await;
    member(&app, t, &id, "m1", None).await;
    let body = app.refused(Some(t), OPEN, json!({"id": id}), "BAD_USER_INPUT").await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("EDUCATION sums to 80"), "{message}");
    assert!(!message.contains("HEALTH"), "{message}");
    let add = "mutation($i: IndicatorInput!) { addIndicator(input: $i) { id } }";
    let mut bad = common("C2", 0.0);
    bad["setId"] = json!(set);
    app.refused(Some(t), add, json!({ "i": bad }), "BAD_USER_INPUT").await;
    let mut no_sectors = sector("S-X", &[], 10.0, 100.0);
    no_sectors["setId"] = json!(set);
    app.refused(Some(t), add, json!({ "i": no_sectors }), "BAD_USER_INPUT").await;
    let mut education = sector("S-E", &["EDUCATION"], 20.0, 100.0);
    education["setId"] = json!(set);
    app.ok(Some(t), add, json!({ "i": education })).await;
    let opened = app.ok(Some(t), OPEN, json!({"id": id})).await;
    assert_eq!(opened["openEvaluationRound"]["status"], "SCORING");
    // Once a round has opened, its set's indicators are fixed.
    let mut late = common("C9", 1.0);
    late["setId"] = json!(set);
    app.refused(Some(t), add, json!({ "i": late }), "CONFLICT").await;
    app.refused(Some(t), OPEN, json!({"id": id}), "CONFLICT").await;
    // A county may use the city's set (the unified standard); another county's round is not visible.
    let county_round = "mutation($i: RoundInput!) { createEvaluationRound(input: $i) { id } }";
    let input =
        json!({"i": {"year": 2026, "name": "民乐县评价", "setId": set, "institutionIds": [w.minle.institution]}});
    app.ok(Some(&w.minle.token), county_round, input).await;
    let city_view = "query($id: ID!) { evaluationRound(id: $id) { status } }";
    assert_eq!(app.error_code(Some(&w.sunan.token), city_view, json!({"id": id})).await, "NOT_FOUND");
}

#[tokio::test]
async fn results_match_a_hand_computed_example() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let second = institution(&app, t, &w.city.department, "张掖市妇幼保健院", &credit_code("620700", 91)).await;
    let set = create_set(&app, t, &[common("C1", 60.0), sector("S1", &["HEALTH"], 40.0, 10.0)]).await;
    let id = round(&app, t, &set, &[&w.city.institution, &second]).await;
    let subjects = ["m1", "m2", "m3", "m4", "m5"];
    for s in subjects {
        member(&app, t, &id, s, None).await;
    }
    app.ok(Some(t), OPEN, json!({"id": id})).await;
    let c1 = [90.0, 80.0, 70.0, 100.0, 60.0];
    let s1 = [9.0, 8.0, 7.0, 10.0, 6.0];
    for (k, s) in subjects.iter().enumerate() {
        let token = evaluator(&app, s);
        app.ok(Some(&token), SUBMIT, scores(&id, &w.city.institution, &[("C1", c1[k]), ("S1", s1[k])])).await;
        if k < 3 {
            app.ok(Some(&token), SUBMIT, scores(&id, &second, &[("C1", 50.0), ("S1", 5.0)])).await;
        }
    }
    // An amendment while scoring replaces the member's score.
    let m5 = evaluator(&app, "m5");
    app.ok(Some(&m5), SUBMIT, scores(&id, &w.city.institution, &[("C1", 60.0)])).await;
    let q = "query($id: ID!) { evaluationRound(id: $id) { results { institutionId total grade sectorRank complete indicators { code mean scoredBy } }
        completeness { memberName institutionId indicatorCodes } } }";
    let data = app.ok(Some(t), q, json!({"id": id})).await;
    let results = data["evaluationRound"]["results"].as_array().unwrap();
    // C1: drop 100 and 60, mean of 90, 80, 70 = 80 -> 60 * 0.8 = 48.
    // S1 (0-10): drop 10 and 6, mean of 9, 8, 7 = 8 -> 40 * 0.8 = 32. Total 80: GOOD.
    assert_eq!(results[0]["institutionId"], w.city.institution.as_str());
    assert_eq!(results[0]["total"], 80.0);
    assert_eq!(results[0]["grade"], "GOOD");
    assert_eq!(results[0]["sectorRank"], 1);
    assert_eq!(results[0]["indicators"][0], json!({"code": "C1", "mean": 80.0, "scoredBy": 5}));
    // Three scores, none dropped: C1 50 -> 30, S1 5/10 -> 20. Total 50: FAIL, second in its sector.
    assert_eq!(results[1]["total"], 50.0);
    assert_eq!(results[1]["grade"], "FAIL");
    assert_eq!(results[1]["sectorRank"], 2);
    let missing = data["evaluationRound"]["completeness"].as_array().unwrap();
    assert_eq!(missing.len(), 2, "m4 and m5 have not scored the second institution: {missing:?}");
    assert!(missing.iter().all(|m| m["institutionId"] == second.as_str()));
}

#[tokio::test]
async fn evaluators_see_and_score_only_what_is_assigned_to_them_while_scoring() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let other = institution(&app, t, &w.city.department, "张掖市中心血站", &credit_code("620700", 92)).await;
    let set = create_set(&app, t, &[common("C1", 100.0)]).await;
    let id = round(&app, t, &set, &[&w.city.institution]).await;
    member(&app, t, &id, "m1", None).await;
    let m1 = evaluator(&app, "m1");
    // Not open yet.
    app.refused(Some(&m1), SUBMIT, scores(&id, &w.city.institution, &[("C1", 80.0)]), "CONFLICT").await;
    app.ok(Some(t), OPEN, json!({"id": id})).await;
    let outsider = evaluator(&app, "stranger");
    let view = "query($id: ID!) { evaluationRound(id: $id) { status institutions { name recused establishment { approved vacant } } } }";
    assert_eq!(app.error_code(Some(&outsider), view, json!({"id": id})).await, "NOT_FOUND");
    let none = app.ok(Some(&outsider), "{ evaluationRounds { id } }", json!({})).await;
    assert_eq!(none["evaluationRounds"], json!([]));
    app.refused(Some(&outsider), SUBMIT, scores(&id, &w.city.institution, &[("C1", 80.0)]), "NOT_FOUND").await;
    let minle_member =
        app.signer.sign(Role::Evaluator, Some("620722"), None, "m1", std::time::Duration::from_secs(600)).unwrap();
    assert_eq!(app.error_code(Some(&minle_member), view, json!({"id": id})).await, "NOT_FOUND");
    let mine = app.ok(Some(&m1), view, json!({"id": id})).await;
    assert_eq!(mine["evaluationRound"]["institutions"][0]["establishment"]["approved"], 5);
    for field in ["results { total }", "members { name }", "completeness { memberName }"] {
        let q = format!("query($id: ID!) {{ evaluationRound(id: $id) {{ {field} }} }}");
        assert_eq!(app.error_code(Some(&m1), &q, json!({"id": id})).await, "FORBIDDEN", "{field}");
    }
    assert_eq!(app.error_code(Some(&m1), "{ staff { totalCount } }", json!({})).await, "FORBIDDEN");
    app.refused(Some(&m1), SUBMIT, scores(&id, &other, &[("C1", 80.0)]), "NOT_FOUND").await;
    app.refused(Some(&m1), SUBMIT, scores(&id, &w.city.institution, &[("C1", 101.0)]), "BAD_USER_INPUT").await;
    app.refused(Some(&m1), SUBMIT, scores(&id, &w.city.institution, &[("S-EDU", 80.0)]), "BAD_USER_INPUT").await;
    app.refused(Some(t), SUBMIT, scores(&id, &w.city.institution, &[("C1", 80.0)]), "FORBIDDEN").await;
    app.ok(Some(&m1), SUBMIT, scores(&id, &w.city.institution, &[("C1", 80.0)])).await;
    let my = app
        .ok(
            Some(&m1),
            "query($id: ID!) { evaluationRound(id: $id) { myScores { indicatorCode value } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(my["evaluationRound"]["myScores"], json!([{"indicatorCode": "C1", "value": 80.0}]));
}

#[tokio::test]
async fn a_member_working_for_the_supervising_department_is_recused() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let set = create_set(&app, t, &[common("C1", 100.0)]).await;
    let id = round(&app, t, &set, &[&w.city.institution]).await;
    member(&app, t, &id, "insider", Some(&w.city.department)).await;
    member(&app, t, &id, "m1", None).await;
    app.ok(Some(t), OPEN, json!({"id": id})).await;
    let insider = evaluator(&app, "insider");
    let body =
        app.refused(Some(&insider), SUBMIT, scores(&id, &w.city.institution, &[("C1", 99.0)]), "FORBIDDEN").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("张掖市卫生健康局"));
    let view = "query($id: ID!) { evaluationRound(id: $id) { institutions { recused } recusals { reason } } }";
    let seen = app.ok(Some(&insider), view, json!({"id": id})).await;
    assert_eq!(seen["evaluationRound"]["institutions"][0]["recused"], true);
    let office = app
        .ok(
            Some(t),
            "query($id: ID!) { evaluationRound(id: $id) { recusals { reason } completeness { memberName } } }",
            json!({"id": id}),
        )
        .await;
    assert!(office["evaluationRound"]["recusals"][0]["reason"].as_str().unwrap().contains("supervising department"));
    let missing: Vec<&str> = office["evaluationRound"]["completeness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["memberName"].as_str().unwrap())
        .collect();
    assert_eq!(missing, vec!["m1"], "the recused member owes nothing");
}

#[tokio::test]
async fn closed_scores_are_immutable_corrections_are_audited_and_grades_published() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let set = create_set(&app, t, &[common("C1", 100.0)]).await;
    let id = round(&app, t, &set, &[&w.city.institution]).await;
    let member_id = member(&app, t, &id, "m1", None).await;
    app.ok(Some(t), OPEN, json!({"id": id})).await;
    let m1 = evaluator(&app, "m1");
    app.ok(Some(&m1), SUBMIT, scores(&id, &w.city.institution, &[("C1", 58.0)])).await;
    app.refused(Some(t), PUBLISH, json!({"id": id}), "CONFLICT").await;
    app.ok(Some(t), CLOSE, json!({"id": id})).await;
    app.refused(Some(&m1), SUBMIT, scores(&id, &w.city.institution, &[("C1", 90.0)]), "CONFLICT").await;
    let correct = "mutation($i: CorrectionInput!) { correctScore(input: $i) { value } }";
    let input = |value: f64, reason: &str| json!({"i": {"roundId": id, "memberId": member_id, "institutionId": w.city.institution, "indicatorCode": "C1", "value": value, "reason": reason}});
    app.refused(Some(t), correct, input(62.0, " "), "BAD_USER_INPUT").await;
    app.refused(Some(&m1), correct, input(62.0, "录入错误"), "FORBIDDEN").await;
    app.ok(Some(t), correct, input(62.0, "录入错误，按原始评分表更正")).await;
    let audit = app
        .ok(
            Some(t),
            r#"{ auditLog(action: "evaluation.score.correct") { edges { node { before after } } } }"#,
            json!({}),
        )
        .await;
    let entry = &audit["auditLog"]["edges"][0]["node"];
    assert!(entry["before"].as_str().unwrap().contains("58") && entry["after"].as_str().unwrap().contains("62"));
    let none = app.ok(None, r#"{ publishedGrades(jurisdiction: "620700") { grade } }"#, json!({})).await;
    assert_eq!(none["publishedGrades"], json!([]), "not public before publication");
    app.ok(Some(t), PUBLISH, json!({"id": id})).await;
    app.refused(Some(t), correct, input(70.0, "再次更正"), "CONFLICT").await;
    let public = app
        .ok(
            None,
            r#"{ publishedGrades(jurisdiction: "620700") { institutionName year total grade sectorRank } }"#,
            json!({}),
        )
        .await;
    assert_eq!(public["publishedGrades"][0]["grade"], "PASS", "62 after the correction");
    assert_eq!(public["publishedGrades"][0]["total"], 62.0);
}

#[tokio::test]
async fn the_demo_city_has_a_committee_flags_and_published_grades() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let expert = evaluator(&app, "expert-li");
    let rounds =
        app.ok(Some(&expert), "{ evaluationRounds { id year status institutions { name recused } } }", json!({})).await;
    let list = rounds["evaluationRounds"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let open = list.iter().find(|r| r["status"] == "SCORING").expect("an open round");
    assert_eq!(open["institutions"].as_array().unwrap().len(), 24);
    let sun = evaluator(&app, "expert-sun");
    let sun_rounds = app.ok(Some(&sun), "{ evaluationRounds { status institutions { recused } } }", json!({})).await;
    let recused = sun_rounds["evaluationRounds"][0]["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["recused"] == true)
        .count();
    assert!(recused >= 1, "the education bureau's expert is recused from its schools");
    let office = app.office("620700");
    let flags = app
        .ok(
            Some(&office),
            r#"{ evaluationFlags(jurisdiction: "620700") { kind institution { name } results { year grade total } } }"#,
            json!({}),
        )
        .await;
    let flags = flags["evaluationFlags"].as_array().unwrap();
    let merger: Vec<&Value> = flags.iter().filter(|f| f["kind"] == "REDUCTION_OR_MERGER").collect();
    assert_eq!(merger.len(), 2, "{flags:?}");
    assert_eq!(merger[0]["results"].as_array().unwrap().len(), 2);
    assert!(merger[0]["results"].as_array().unwrap().iter().all(|r| r["grade"] == "FAIL"));
    assert!(flags.iter().any(|f| f["kind"] == "POOL_LOAN_PRIORITY"));
    let public = app
        .ok(None, r#"{ publishedGrades(jurisdiction: "620700", year: 2025) { grade scoreCount } }"#, json!({}))
        .await;
    let grades = public["publishedGrades"].as_array().unwrap();
    assert_eq!(grades.len(), 24);
    assert!(grades.iter().all(|g| g["scoreCount"].as_i64().unwrap() >= 20), "{grades:?}");
    // The half-scored 2026 round: twelve institutions are ungraded (not FAIL), and the round
    // does not close over them.
    let open_id = open["id"].as_str().unwrap();
    let q = "query($id: ID!) { evaluationRound(id: $id) { results { grade complete indicators { missingGroups } } } }";
    let results = app.ok(Some(&office), q, json!({"id": open_id})).await;
    let results = results["evaluationRound"]["results"].as_array().unwrap();
    let ungraded: Vec<&Value> = results.iter().filter(|r| r["grade"].is_null()).collect();
    assert_eq!(ungraded.len(), 12);
    assert!(ungraded.iter().all(|r| r["complete"] == false));
    assert!(results.iter().all(|r| r["grade"] != "FAIL" || r["complete"] == true));
    app.refused(Some(&office), CLOSE, json!({"id": open_id}), "CONFLICT").await;
}
