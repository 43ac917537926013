//! Every validation rule rejects its bad input with BAD_USER_INPUT (or CONFLICT for a rule
//! of the domain) and writes nothing.

use serde_json::json;

use crate::fixture::{
    CREATE_INSTITUTION, HIRE, SET_ESTABLISHMENT, credit_code, hire_input, institution_input, national_id, world,
};
use crate::helpers::spawn_app;

#[tokio::test]
async fn jurisdiction_and_department_rules() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let create = "mutation($i: CreateJurisdictionInput!) { createJurisdiction(input: $i) { code } }";
    let input = |code: &str, name: &str, kind: &str, parent: &str| json!({"i": {"code": code, "name": name, "kind": kind, "parentCode": parent}});
    let t = Some(w.city.token.as_str());
    app.refused(t, create, input("62079", "新区", "DISTRICT", "620700"), "BAD_USER_INPUT").await;
    app.refused(t, create, input("62079A", "新区", "DISTRICT", "620700"), "BAD_USER_INPUT").await;
    app.refused(t, create, input("620799", "  ", "DISTRICT", "620700"), "BAD_USER_INPUT").await;
    app.refused(t, create, input("620799", "新市", "CITY", "620700"), "BAD_USER_INPUT").await;
    app.refused(t, create, input("620799", "新区", "DISTRICT", "629999"), "BAD_USER_INPUT").await;
    app.refused(t, create, input("620722", "民乐县", "COUNTY", "620700"), "CONFLICT").await;
    app.refused(
        t,
        create,
        json!({"i": {"code": "620799", "name": "x", "kind": "VILLAGE", "parentCode": "620700"}}),
        "BAD_USER_INPUT",
    )
    .await;
    let department = "mutation($n: String!) { createDepartment(name: $n) { id } }";
    app.refused(t, department, json!({"n": ""}), "BAD_USER_INPUT").await;
    app.refused(t, department, json!({"n": "张掖市卫生健康局"}), "CONFLICT").await;
    let rename = "mutation($id: ID!, $n: String!) { updateDepartment(id: $id, name: $n) { id } }";
    app.refused(t, rename, json!({"id": w.city.department, "n": " "}), "BAD_USER_INPUT").await;
    app.refused(t, rename, json!({"id": "abc", "n": "x"}), "BAD_USER_INPUT").await;
}

#[tokio::test]
async fn institution_rules() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let good = credit_code("620700", 77);
    let mut wrong_check = good.clone();
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '0' { '1' } else { '0' });
    let bad = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut input = institution_input(&w.city.department, "张掖市新设中心", &good);
        f(&mut input);
        json!({ "input": input })
    };
    for (label, vars) in [
        ("check character", bad(&|i| i["creditCode"] = json!(wrong_check))),
        ("length", bad(&|i| i["creditCode"] = json!("12620700MB012345"))),
        ("charset", bad(&|i| i["creditCode"] = json!("12620700MB01234I5X"))),
        ("empty name", bad(&|i| i["name"] = json!(""))),
        ("future date", bad(&|i| i["establishedOn"] = json!("2999-01-01"))),
        ("other jurisdiction's department", bad(&|i| i["departmentId"] = json!(w.minle.department))),
        ("leadership count", bad(&|i| i["leadershipPosts"] = json!([{"title": "主任", "count": 0}]))),
        ("empty body", bad(&|i| i["internalBodies"] = json!(["办公室", " "]))),
        ("unknown enum", bad(&|i| i["sector"] = json!("MINING"))),
        ("bad date", bad(&|i| i["establishedOn"] = json!("1985-02-30"))),
    ] {
        let body = app.graphql(t, CREATE_INSTITUTION, vars.clone()).await.1;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{label}: {body}");
        app.refused(t, CREATE_INSTITUTION, vars, "BAD_USER_INPUT").await;
    }
    let taken = credit_code("620722", 2);
    app.refused(t, CREATE_INSTITUTION, bad(&|i| i["creditCode"] = json!(taken)), "CONFLICT").await;
    let update = "mutation($id: ID!, $i: UpdateInstitutionInput!) { updateInstitution(id: $id, input: $i) { id } }";
    app.refused(t, update, json!({"id": w.city.institution, "i": {"name": ""}}), "BAD_USER_INPUT").await;
    app.refused(t, update, json!({"id": w.city.institution, "i": {"establishedOn": "2999-01-01"}}), "BAD_USER_INPUT")
        .await;
    app.refused(
        t,
        update,
        json!({"id": w.city.institution, "i": {"departmentId": w.minle.department}}),
        "BAD_USER_INPUT",
    )
    .await;
    let classify =
        "mutation($i: ClassifyInput!) { classifyInstitution(input: $i) { institution { classification } warnings } }";
    let c = |doc: &str, on: &str, class: &str| json!({"i": {"institutionId": w.city.institution, "classification": class, "documentNo": doc, "decidedOn": on}});
    app.refused(t, classify, c(" ", "2024-01-01", "PUBLIC_WELFARE_I"), "BAD_USER_INPUT").await;
    app.refused(t, classify, c("张编发〔2024〕3号", "2999-01-01", "PUBLIC_WELFARE_I"), "BAD_USER_INPUT").await;
    app.refused(t, classify, c("张编发〔2024〕3号", "2024-01-01", "UNCLASSIFIED"), "BAD_USER_INPUT").await;
    let done = app.ok(t, classify, c("张编发〔2024〕3号", "2024-01-01", "PUBLIC_WELFARE_I")).await;
    assert_eq!(done["classifyInstitution"]["institution"]["classification"], "PUBLIC_WELFARE_I");
    let history =
        "query($id: ID!) { institution(id: $id) { classificationHistory { classification previous documentNo } } }";
    let h = app.ok(t, history, json!({"id": w.city.institution})).await;
    assert_eq!(h["institution"]["classificationHistory"][0]["documentNo"], "张编发〔2024〕3号");
    assert_eq!(h["institution"]["classificationHistory"][0]["previous"], "UNCLASSIFIED");
}

#[tokio::test]
async fn classification_against_funding_form_is_recorded_with_a_warning() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let classify = "mutation($i: ClassifyInput!) { classifyInstitution(input: $i) { warnings } }";
    let vars = json!({"i": {"institutionId": w.city.institution, "classification": "PRODUCTION_OPERATION",
        "documentNo": "张编发〔2024〕9号", "decidedOn": "2024-02-01"}});
    let data = app.ok(t, classify, vars).await;
    assert_eq!(data["classifyInstitution"]["warnings"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn establishment_rules() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let input = |fiscal: i32, own: i32, doc: &str| {
        json!({"input": {"institutionId": w.city.institution, "fiscal": fiscal, "selfFinanced": own,
            "documentNo": doc, "effectiveOn": "2024-01-01"}})
    };
    app.refused(t, SET_ESTABLISHMENT, input(-1, 3, "张编发〔2024〕2号"), "BAD_USER_INPUT").await;
    app.refused(t, SET_ESTABLISHMENT, input(0, 0, "张编发〔2024〕2号"), "BAD_USER_INPUT").await;
    app.refused(t, SET_ESTABLISHMENT, input(3, 0, ""), "BAD_USER_INPUT").await;
    app.refused(t, SET_ESTABLISHMENT, input(3, 0, "张编发〔2024〕2号"), "CONFLICT").await;
}

#[tokio::test]
async fn hiring_rules() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let inst = w.city.institution.as_str();
    let good = national_id("620700", "19900215", 11);
    let mut wrong = good.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '1' { '2' } else { '1' });
    for (label, mut input) in [
        ("check character", hire_input(inst, "李明", &wrong, "FISCAL")),
        ("birth date", hire_input(inst, "李明", &national_id("620700", "19901345", 1), "FISCAL")),
        ("length", hire_input(inst, "李明", "62070019900215", "FISCAL")),
        ("empty name", hire_input(inst, " ", &good, "FISCAL")),
    ] {
        if label == "length" {
            input["hireDate"] = json!("2015-09-01");
        }
        app.refused(t, HIRE, json!({ "input": input }), "BAD_USER_INPUT").await;
    }
    let mut future = hire_input(inst, "李明", &good, "FISCAL");
    future["hireDate"] = json!("2999-01-01");
    app.refused(t, HIRE, json!({ "input": future }), "BAD_USER_INPUT").await;
    let mut before_birth = hire_input(inst, "李明", &good, "FISCAL");
    before_birth["hireDate"] = json!("1989-01-01");
    app.refused(t, HIRE, json!({ "input": before_birth }), "BAD_USER_INPUT").await;
    // No self-financed slot in a fully fiscal institution.
    app.refused(t, HIRE, json!({"input": hire_input(inst, "李明", &good, "SELF_FINANCED")}), "CONFLICT").await;
}

#[tokio::test]
async fn one_person_holds_one_slot_across_tenants_without_revealing_where() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Minle's employee applies to the city: refused, and nothing written but the refusal's
    // own audit row (such refusals could probe other offices' data).
    let before = app.row_counts().await;
    let (_, body) = app
        .graphql(
            Some(&w.city.token),
            HIRE,
            json!({"input": hire_input(&w.city.institution, "民乐县职工", &w.minle.national_id, "FISCAL")}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "CONFLICT", "{body}");
    let after = app.row_counts().await;
    for ((table, was), (_, is)) in before.iter().zip(&after) {
        let expected = if *table == "audit_log" { was + 1 } else { *was };
        assert_eq!(*is, expected, "{table}");
    }
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("民乐") && !message.contains("620722"), "leaks the other tenant: {message}");
    // As temporary staff (no slot) the same person may be recorded.
    app.ok(
        Some(&w.city.token),
        HIRE,
        json!({"input": hire_input(&w.city.institution, "民乐县职工", &w.minle.national_id, "TEMPORARY")}),
    )
    .await;
    // Once they leave Minle, the city may hire them into a slot.
    let leave = "mutation($id: ID!) { staffLeaves(input: {staffId: $id, effectiveOn: \"2024-06-30\", reason: RESIGNATION}) { status } }";
    app.ok(Some(&w.minle.token), leave, json!({"id": w.minle.person})).await;
    app.ok(
        Some(&w.city.token),
        HIRE,
        json!({"input": hire_input(&w.city.institution, "民乐县职工", &w.minle.national_id, "FISCAL")}),
    )
    .await;
}

#[tokio::test]
async fn a_full_institution_refuses_a_hire_with_conflict() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    for n in 0..4 {
        let id = national_id("620700", "19920101", 100 + n);
        app.ok(t, HIRE, json!({"input": hire_input(&w.city.institution, "新职工", &id, "FISCAL")})).await;
    }
    let id = national_id("620700", "19920101", 200);
    let body = app
        .refused(t, HIRE, json!({"input": hire_input(&w.city.institution, "新职工", &id, "FISCAL")}), "CONFLICT")
        .await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("vacant"));
    let q = "query($id: ID!) { institution(id: $id) { establishment { approved occupied vacant } staffCounts { inEstablishment } } }";
    let data = app.ok(t, q, json!({"id": w.city.institution})).await;
    assert_eq!(data["institution"]["establishment"]["occupied"], 5);
    assert_eq!(data["institution"]["establishment"]["vacant"], 0);
    assert_eq!(data["institution"]["staffCounts"]["inEstablishment"], 5);
    // Retiring frees the slot for the next hire.
    let retire = "mutation($id: ID!) { retireStaff(input: {retirementBasis: WORK_INJURY, documentNo: \"甘人社〔2025〕1号\", staffId: $id, effectiveOn: \"2024-06-30\"}) { status } }";
    app.ok(t, retire, json!({"id": w.city.person})).await;
    app.ok(t, HIRE, json!({"input": hire_input(&w.city.institution, "新职工", &id, "FISCAL")})).await;
    app.refused(t, retire, json!({"id": w.city.person}), "CONFLICT").await;
    app.refused(
        t,
        "mutation($id: ID!) { updateStaff(id: $id, input: {name: \"\"}) { id } }",
        json!({"id": w.city.person}),
        "BAD_USER_INPUT",
    )
    .await;
}

#[tokio::test]
async fn every_error_carries_a_chinese_message_and_a_chinese_client_reads_it_first() {
    let app = crate::helpers::spawn_app().await;
    let ask = |language: Option<&'static str>| {
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", app.address))
            .json(&serde_json::json!({"query": "mutation { publishRelease { id } }"}));
        if let Some(language) = language {
            request = request.header("Accept-Language", language);
        }
        async move { request.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let english = ask(None).await;
    let error = &english["errors"][0];
    assert_eq!(error["extensions"]["code"], "FORBIDDEN");
    assert!(error["message"].as_str().unwrap().contains("the public may only read"), "{error}");
    assert_eq!(error["extensions"]["messageZh"], "无权办理：公众只能查阅，修改数据需要登录");
    let chinese = ask(Some("zh-CN,zh;q=0.9,en;q=0.8")).await;
    let error = &chinese["errors"][0];
    assert_eq!(error["message"], "无权办理：公众只能查阅，修改数据需要登录");
    assert!(error["extensions"]["messageEn"].as_str().unwrap().contains("the public may only read"), "{error}");
    // The same outside GraphQL: a file endpoint's refusal.
    let refused = reqwest::Client::new()
        .post(format!("{}/imports/staff.csv", app.address))
        .header("Accept-Language", "zh-CN")
        .body("x")
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(refused["errors"][0]["message"].as_str().unwrap().starts_with("无权办理"), "{refused}");
}
