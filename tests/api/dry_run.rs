//! Dry runs: the same code path in a transaction that is rolled back. The answer is what the
//! real call answers (the resulting figures, or the refusal with its reason); nothing is
//! written, audit included.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::fixture::{HIRE, credit_code, hire_input, institution_input, national_id, second_institution, world};
use crate::helpers::{TestApp, spawn_app};

/// Everything a change could move: row counts, balance sums, active staff, the audit head.
async fn state(app: &TestApp) -> (Vec<(&'static str, i64)>, String) {
    let backend = app.db.get_database_backend();
    let sql = "SELECT (SELECT COALESCE(SUM(approved), 0) || '/' || COALESCE(SUM(frozen), 0) || '/' || COALESCE(SUM(occupied), 0) \
               || '/' || COALESCE(SUM(deposited), 0) || '/' || COALESCE(SUM(borrowed), 0) FROM establishment_balance) || ' ' || \
               (SELECT COUNT(*) FROM staff WHERE status = 'ACTIVE') || ' ' || (SELECT seq FROM audit_head) || ' ' || \
               (SELECT COUNT(*) FROM institution WHERE status = 'ACTIVE') AS s";
    let row = app.db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
    (app.row_counts().await, row.try_get::<String>("", "s").unwrap())
}

fn dry(variables: &Value, key: &str) -> Value {
    let mut v = variables.clone();
    v[key]["dryRun"] = json!(true);
    v
}

/// Runs `query` dry, checks nothing changed, then for real: the two answers must agree.
async fn same_answer(app: &TestApp, token: &str, query: &str, variables: Value, key: &str) -> Value {
    let before = state(app).await;
    let (_, dry_answer) = app.graphql(Some(token), query, dry(&variables, key)).await;
    assert_eq!(state(app).await, before, "a dry run writes nothing: {dry_answer}");
    let (_, real_answer) = app.graphql(Some(token), query, variables).await;
    assert!(real_answer.get("errors").is_none(), "{real_answer}");
    assert_eq!(dry_answer, real_answer, "the dry run answers what the real call does");
    assert_ne!(state(app).await, before, "the real call writes: {real_answer}");
    real_answer
}

#[tokio::test]
async fn establishment_staff_and_reform_changes_answer_the_same_dry_and_write_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let a = w.city.institution.clone();
    // An establishment event: the resulting figures.
    let event = "mutation($i: EstablishmentEventInput!) { recordEstablishmentEvent(input: $i) {
        reserve { funding slots } institutions { id establishment { approved frozen occupied vacant } } } }";
    let approve = json!({"i": {"institutionId": a, "action": "APPROVE", "funding": "FISCAL", "slots": 3,
        "documentNo": "张编发〔2026〕2号", "effectiveOn": "2026-02-01", "reason": "新增职能"}});
    let answer = same_answer(&app, t, event, approve, "i").await;
    assert_eq!(answer["data"]["recordEstablishmentEvent"]["institutions"][0]["establishment"]["approved"], 8);
    // A hire: the person, and the institution's figures as the hire leaves them.
    let hire = "mutation($input: HireInput!) { hireStaff(input: $input) { name basis status
        institution { establishment { occupied vacant } staffCounts { inEstablishment } } } }";
    let input = json!({"input": hire_input(&a, "新进人员", &national_id("620700", "19900101", 300), "FISCAL")});
    let answer = same_answer(&app, t, hire, input, "input").await;
    assert_eq!(answer["data"]["hireStaff"]["institution"]["establishment"]["occupied"], 2, "{answer}");
    // A departure.
    let leave = "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status
        institution { establishment { occupied vacant } } } }";
    let input = json!({"i": {"staffId": w.city.person, "effectiveOn": "2026-04-01", "reason": "TRANSFER_OUT"}});
    let answer = same_answer(&app, t, leave, input, "i").await;
    assert_eq!(answer["data"]["staffLeaves"]["status"], "LEFT");
    // A merger into a new institution created in the same request.
    let b = second_institution(&app, t, &w.city.department, "张掖市健康教育所", 48, 3).await;
    let merge = "mutation($i: MergeInput!) { mergeInstitutions(input: $i) { peopleMoved slotsMoved
        target { name establishment { approved occupied } } ended { name status } } }";
    let target = institution_input(&w.city.department, "张掖市公共卫生服务中心", &credit_code("620700", 49));
    let input = json!({"i": {"sourceIds": [a, b], "newTarget": target, "documentNo": "张编发〔2026〕11号",
        "effectiveOn": "2026-07-01", "reason": "整合"}});
    let answer = same_answer(&app, t, merge, input, "i").await;
    assert_eq!(answer["data"]["mergeInstitutions"]["target"]["establishment"]["approved"], 11, "{answer}");
}

#[tokio::test]
async fn a_refusal_is_the_same_dry_and_for_real() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let full = second_institution(&app, t, &w.city.department, "张掖市中心血站", 46, 1).await;
    let first = json!({"input": hire_input(&full, "甲", &national_id("620700", "19960101", 101), "FISCAL")});
    app.ok(Some(t), HIRE, first).await;
    let second = json!({"input": hire_input(&full, "乙", &national_id("620700", "19960101", 102), "FISCAL")});
    let before = state(&app).await;
    let dry_body = app.refused(Some(t), HIRE, dry(&second, "input"), "CONFLICT").await;
    let real_body = app.refused(Some(t), HIRE, second, "CONFLICT").await;
    assert_eq!(dry_body["errors"][0]["message"], real_body["errors"][0]["message"]);
    assert_eq!(state(&app).await, before);
}

#[tokio::test]
async fn a_pool_deposit_answers_the_same_dry() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let mut input = institution_input(&w.city.department, "张掖市农技推广站", &credit_code("620700", 300));
    input["sector"] = json!("AGRICULTURE_FORESTRY_WATER_LIVESTOCK");
    let data = app.ok(Some(t), crate::fixture::CREATE_INSTITUTION, json!({ "input": input })).await;
    let farm = data["createInstitution"]["id"].as_str().unwrap().to_string();
    crate::fixture::establishment(&app, t, &farm, 6, 0).await;
    let configure = "mutation { configureTurnoverPool(input: {capShare: 0.5, minVacantMonths: 12}) { capShare } }";
    app.ok(Some(t), configure, json!({})).await;
    let deposit = "mutation($i: PoolMovementInput!) { depositSlots(input: $i) { deposited available } }";
    let input = json!({"i": {"institutionId": farm, "slots": 3, "documentNo": "张编发〔2025〕30号", "effectiveOn": "2025-06-01"}});
    let answer = same_answer(&app, t, deposit, input, "i").await;
    assert_eq!(answer["data"]["depositSlots"]["deposited"], 3);
}

#[tokio::test]
async fn control_figures_ceilings_and_pool_rules_answer_the_same_dry() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let hand_down =
        "mutation($i: HandDownInput!) { handDownControlFigures(input: $i) { figure { totalEstablishment } room } }";
    let figures = json!({"i": {"jurisdiction": "620722", "totalEstablishment": 8, "fiscalPeople": 3,
        "documentNo": "张编委〔2025〕9号", "effectiveOn": "2025-01-01"}});
    let answer = same_answer(&app, t, hand_down, figures, "i").await;
    assert_eq!(answer["data"]["handDownControlFigures"]["room"], 3);
    let ceiling =
        "mutation($i: SetCeilingInput!) { setControlCeiling(input: $i) { baseYear totalCeiling fiscalCeiling } }";
    let input = json!({"i": {"baseYear": 2019, "baseTotal": 100, "baseFiscal": 80, "documentNo": "张编委〔2019〕1号"}});
    same_answer(&app, t, ceiling, input, "i").await;
    let lower = "mutation($i: LowerCeilingInput!) { lowerControlCeiling(input: $i) { totalCeiling fiscalCeiling } }";
    let input = json!({"i": {"totalCeiling": 99, "fiscalCeiling": 79, "documentNo": "张编委〔2026〕2号"}});
    let answer = same_answer(&app, t, lower, input, "i").await;
    assert_eq!(answer["data"]["lowerControlCeiling"]["totalCeiling"], 99);
    let rules = "mutation($i: PoolRulesInput!) { configureTurnoverPool(input: $i) { capShare minVacantMonths } }";
    let input = json!({"i": {"capShare": 0.4, "minVacantMonths": 18}});
    let answer = same_answer(&app, t, rules, input, "i").await;
    assert_eq!(answer["data"]["configureTurnoverPool"]["minVacantMonths"], 18);
}
