//! Small worlds built through the API itself: the demo tree, one department, institution and
//! person in the city and in two counties.

use api::codes::{CreditCode, NationalId};
use serde_json::json;

use crate::helpers::TestApp;

pub fn credit_code(division: &str, n: u32) -> String {
    CreditCode::complete(&format!("12{division}{n:08}0")).unwrap().into_string()
}

pub fn national_id(division: &str, birth: &str, seq: u32) -> String {
    NationalId::complete(&format!("{division}{birth}{seq:03}"))
}

pub async fn department(app: &TestApp, token: &str, name: &str) -> String {
    let data =
        app.ok(Some(token), "mutation($n: String!) { createDepartment(name: $n) { id } }", json!({"n": name})).await;
    data["createDepartment"]["id"].as_str().unwrap().to_string()
}

pub const CREATE_INSTITUTION: &str = r#"mutation($input: CreateInstitutionInput!) {
  createInstitution(input: $input) { id name creditCode }
}"#;

pub fn institution_input(department: &str, name: &str, credit_code: &str) -> serde_json::Value {
    json!({
        "creditCode": credit_code, "name": name, "departmentId": department,
        "sector": "HEALTH", "level": "SECTION", "fundingForm": "FULL_APPROPRIATION",
        "managementMode": "REGULAR", "establishedOn": "1985-03-01",
        "responsibilities": "公共卫生服务", "internalBodies": ["办公室", "业务科"],
        "leadershipPosts": [{"title": "主任", "count": 1}]
    })
}

pub async fn institution(app: &TestApp, token: &str, department: &str, name: &str, credit_code: &str) -> String {
    let data = app
        .ok(Some(token), CREATE_INSTITUTION, json!({"input": institution_input(department, name, credit_code)}))
        .await;
    data["createInstitution"]["id"].as_str().unwrap().to_string()
}

pub const SET_ESTABLISHMENT: &str = r#"mutation($input: InitialEstablishmentInput!) {
  setInitialEstablishment(input: $input) { approved fiscal selfFinanced vacant }
}"#;

pub async fn establishment(app: &TestApp, token: &str, institution: &str, fiscal: i32, self_financed: i32) {
    let input = json!({"institutionId": institution, "fiscal": fiscal, "selfFinanced": self_financed,
        "documentNo": "张编发〔2024〕1号", "effectiveOn": "2024-01-01"});
    app.ok(Some(token), SET_ESTABLISHMENT, json!({"input": input})).await;
}

pub const HIRE: &str = r#"mutation($input: HireInput!) {
  hireStaff(input: $input) { id name nationalId basis status institutionId }
}"#;

/// A hire; into an establishment slot it carries the office's own vacancy-use plan (用编计划),
/// as every such hire must carry a plan.
pub fn hire_input(institution: &str, name: &str, national_id: &str, basis: &str) -> serde_json::Value {
    let mut input = json!({"institutionId": institution, "name": name, "nationalId": national_id,
        "category": "PROFESSIONAL_TECHNICAL", "basis": basis, "hireDate": "2015-09-01"});
    if matches!(basis, "FISCAL" | "SELF_FINANCED") {
        input["ownPlan"] =
            json!({"recruitment": "OPEN_EXAM", "posts": "专业技术岗", "documentNo": "张编办〔2015〕9号"});
    }
    input
}

pub async fn hire(app: &TestApp, token: &str, institution: &str, name: &str, national_id: &str) -> String {
    let data = app.ok(Some(token), HIRE, json!({"input": hire_input(institution, name, national_id, "FISCAL")})).await;
    data["hireStaff"]["id"].as_str().unwrap().to_string()
}

/// One unit with staff in each of: the city, Minle (620722) and Sunan (620721).
pub struct World {
    pub city: Unit,
    pub minle: Unit,
    pub sunan: Unit,
}

pub struct Unit {
    pub token: String,
    pub department: String,
    pub institution: String,
    pub person: String,
    pub national_id: String,
}

async fn unit(app: &TestApp, code: &'static str, name: &str, n: u32) -> Unit {
    let token = app.office(code);
    let department = department(app, &token, &format!("{name}卫生健康局")).await;
    let institution =
        institution(app, &token, &department, &format!("{name}疾病预防控制中心"), &credit_code(code, n)).await;
    establishment(app, &token, &institution, 5, 0).await;
    let national_id = national_id(code, "19800101", n);
    let person = hire(app, &token, &institution, &format!("{name}职工"), &national_id).await;
    Unit { token, department, institution, person, national_id }
}

pub async fn world(app: &TestApp) -> World {
    api::seed::zhangye_tree(&app.db).await.unwrap();
    World {
        city: unit(app, "620700", "张掖市", 1).await,
        minle: unit(app, "620722", "民乐县", 2).await,
        sunan: unit(app, "620721", "肃南县", 3).await,
    }
}

pub const EVENT: &str = r#"mutation($input: EstablishmentEventInput!) {
  recordEstablishmentEvent(input: $input) { operation reserve { funding slots }
    institutions { establishment { approved frozen occupied vacant } } }
}"#;

pub fn event(institution: &str, action: &str, slots: i32) -> serde_json::Value {
    json!({"input": {"institutionId": institution, "action": action, "funding": "FISCAL", "slots": slots,
        "documentNo": "张编发〔2025〕7号", "effectiveOn": "2025-03-01", "reason": "工作需要"}})
}

pub const ESTABLISHMENT: &str =
    "query($id: ID!) { institution(id: $id) { establishment { approved frozen occupied vacant overEstablishment } } }";

/// The institution's fiscal (approved, frozen, occupied, vacant).
pub async fn balance(app: &TestApp, token: &str, institution: &str) -> (i64, i64, i64, i64) {
    let data = app.ok(Some(token), ESTABLISHMENT, json!({"id": institution})).await;
    let e = &data["institution"]["establishment"];
    let n = |k: &str| e[k].as_i64().unwrap();
    (n("approved"), n("frozen"), n("occupied"), n("vacant"))
}

/// Asserts `verifyLedger` finds every balance of the jurisdiction (and below) explained.
pub async fn assert_ledger_consistent(app: &TestApp, token: &str, code: &str) {
    let q = "query($c: String!) { verifyLedger(jurisdiction: $c, includeDescendants: true) { consistent balancesChecked differences { institutionId field recorded derived }
        totalsChecked totalsDifferences { jurisdictionId figure recorded derived }
        auditChainIntact auditRowsChecked auditChainBreak { seq problem } } }";
    let data = app.ok(Some(token), q, json!({"c": code})).await;
    assert_eq!(data["verifyLedger"]["consistent"], true, "{}", data["verifyLedger"]);
    assert_eq!(data["verifyLedger"]["auditChainIntact"], true, "{}", data["verifyLedger"]);
    assert!(data["verifyLedger"]["balancesChecked"].as_i64().unwrap() > 0);
    assert!(data["verifyLedger"]["totalsChecked"].as_i64().unwrap() > 0, "{}", data["verifyLedger"]);
}

pub async fn second_institution(
    app: &TestApp,
    token: &str,
    department: &str,
    name: &str,
    n: u32,
    slots: i32,
) -> String {
    let code = if token.is_empty() { unreachable!() } else { credit_code("620700", n) };
    let id = institution(app, token, department, name, &code).await;
    establishment(app, token, &id, slots, 0).await;
    id
}
