//! Payroll reconciliation (三个一致, CONTRACT.md `POST /reconciliations/payroll.csv`): a payroll
//! built from a county's roster with known differences gives exactly those lists; a sibling
//! county learns nothing from uploading another's people; the run is saved, reopened and its
//! findings resolved with a note; the roster is not changed.

use serde_json::{Value, json};

use crate::fixture::{HIRE, credit_code, hire_input, national_id, second_institution, world};
use crate::helpers::{TestApp, spawn_app};

async fn reconcile(app: &TestApp, token: &str, csv: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/reconciliations/payroll.csv?lang=en", app.address))
        .bearer_auth(token)
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// A list's items as (line, name, masked number's last four, institution, paid by).
fn items(answer: &Value, list: &str) -> Vec<(Value, String, String, Value, Value)> {
    answer[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {answer}"))
        .iter()
        .map(|i| {
            let number = i["nationalId"].as_str().unwrap();
            assert!(number.starts_with("**************"), "masked: {number}");
            (
                i["line"].clone(),
                i["name"].as_str().unwrap().to_string(),
                number[14..].to_string(),
                i["institution"].clone(),
                i.get("paidBy").cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

const RETIRE: &str = r#"mutation($s: ID!) { retireStaff(input: {retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", staffId: $s, effectiveOn: "2025-02-01"}) { status } }"#;

#[tokio::test]
async fn a_payroll_with_known_differences_gives_exactly_those_lists() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let cdc = "张掖市疾病预防控制中心";
    let clinic = second_institution(&app, t, &w.city.department, "张掖市急救中心", 42, 3).await;
    let hire = |institution: &str, name: &str, n: u32, basis: &str| {
        let mut input = hire_input(institution, name, &national_id("620700", "19850101", n), basis);
        if name == "预算临聘" {
            input["paidByBudget"] = json!(true);
        }
        json!({"input": input})
    };
    app.ok(Some(t), HIRE, hire(&w.city.institution, "未发工资", 11, "FISCAL")).await;
    app.ok(Some(t), HIRE, hire(&clinic, "异地发放", 12, "FISCAL")).await;
    app.ok(Some(t), HIRE, hire(&clinic, "预算临聘", 13, "TEMPORARY")).await;
    app.ok(Some(t), HIRE, hire(&clinic, "自聘临时", 14, "TEMPORARY")).await;
    let retired = app.ok(Some(t), HIRE, hire(&clinic, "已退休", 15, "FISCAL")).await["hireStaff"]["id"].clone();
    app.ok(Some(t), RETIRE, json!({"s": retired})).await;
    let before = app.row_counts().await;

    let cdc_code = credit_code("620700", 1);
    let id = |n| national_id("620700", "19850101", n);
    let stranger = national_id("620700", "19900101", 77);
    let csv = [
        "身份证号,姓名,单位统一社会信用代码".to_string(),
        format!("{},张掖市职工,{cdc_code}", w.city.national_id), // line 2: as it should be
        format!("{},异地发放,{cdc_code}", id(12)),               // line 3: holds a slot at the clinic
        format!("{},预算临聘,{}", id(13), credit_code("620700", 42)), // line 4: budget-paid temporary: fine
        format!("{},自聘临时,{}", id(14), credit_code("620700", 42)), // line 5: temporary, not budget-paid
        format!("{},已退休,{}", id(15), credit_code("620700", 42)), // line 6: retired, still paid
        format!("{stranger},无此人,{cdc_code}"),                 // line 7: no such person
        format!("{},民乐县职工,{cdc_code}", w.minle.national_id), // line 8: another county's person
        "12345,格式错误,".to_string(),                           // line 9: not an ID number
        format!("{},张掖市职工,{cdc_code}", w.city.national_id), // line 10: paid twice
    ]
    .join("\n");
    let (status, answer) = reconcile(&app, t, &csv).await;
    assert_eq!(status, 200, "{answer}");
    let last4 = |number: &str| number[14..].to_string();
    assert_eq!(
        items(&answer, "inEstablishmentNotPaid"),
        vec![(Value::Null, "未发工资".into(), last4(&id(11)), json!(cdc), Value::Null)]
    );
    assert_eq!(
        items(&answer, "paidElsewhere"),
        vec![(json!(3), "异地发放".into(), last4(&id(12)), json!("张掖市急救中心"), json!(cdc))]
    );
    assert_eq!(
        items(&answer, "paidPastRetirement"),
        vec![(json!(6), "已退休".into(), last4(&id(15)), json!("张掖市急救中心"), Value::Null)]
    );
    // Another county's person reads exactly as someone who does not exist.
    assert_eq!(
        items(&answer, "paidNotInEstablishment"),
        vec![
            (json!(5), "自聘临时".into(), last4(&id(14)), json!("张掖市急救中心"), Value::Null),
            (json!(7), "无此人".into(), last4(&stranger), json!(cdc), Value::Null),
            (json!(8), "民乐县职工".into(), last4(&w.minle.national_id), json!(cdc), Value::Null),
        ]
    );
    let unreadable: Vec<(i64, String)> = answer["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["line"].as_i64().unwrap(), i["reason"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(unreadable.len(), 2, "{answer}");
    assert_eq!(unreadable[0].0, 9);
    assert_eq!(unreadable[1], (10, "the same national ID as line 2".to_string()));
    assert_eq!(answer["rows"], 9);
    assert_eq!(answer["payrollPeople"], 7);
    // Fiscal people holding a slot (the fixture's, 未发工资, 异地发放) and the budget-paid temporary one.
    assert_eq!(answer["fiscalSupported"], 4);

    // The roster is unchanged: only the saved run, its findings and its audit row were written.
    let after = app.row_counts().await;
    let changed: Vec<_> = before.iter().zip(&after).filter(|(b, a)| b != a).map(|(b, _)| b.0).collect();
    assert_eq!(changed, vec!["audit_log"], "{before:?} -> {after:?}");

    // Reopened, its findings resolved one by one with a note.
    let run = answer["id"].as_str().map(str::to_string).unwrap_or_else(|| answer["id"].to_string());
    let query = r#"query($id: ID!) { reconciliation(id: $id) { fileRows payrollPeople fiscalSupported paidElsewhere
        unreadable items(list: "PAID_ELSEWHERE") { id line name resolvedNote } } }"#;
    let data = app.ok(Some(t), query, json!({"id": run})).await;
    let saved = &data["reconciliation"];
    assert_eq!((saved["fileRows"].clone(), saved["payrollPeople"].clone()), (json!(9), json!(7)));
    assert_eq!((saved["paidElsewhere"].clone(), saved["unreadable"].clone()), (json!(1), json!(2)));
    let item = saved["items"][0]["id"].clone();
    let resolve = r#"mutation($id: ID!, $note: String!) { resolveReconciliationItem(id: $id, note: $note) { resolvedNote resolvedBy } }"#;
    let done = app.ok(Some(t), resolve, json!({"id": item, "note": "已通知财政局改由急救中心发放"})).await;
    assert_eq!(done["resolveReconciliationItem"]["resolvedNote"], "已通知财政局改由急救中心发放");
    let open = r#"query($id: ID!) { reconciliation(id: $id) { items(unresolvedOnly: true, first: 50) { list } } }"#;
    let left = app.ok(Some(t), open, json!({"id": run})).await;
    assert_eq!(left["reconciliation"]["items"].as_array().unwrap().len(), 7, "{left}");
    // Another county neither reopens the run nor resolves its findings.
    app.refused(Some(&w.minle.token), query, json!({"id": run}), "NOT_FOUND").await;
    app.refused(Some(&w.minle.token), resolve, json!({"id": item, "note": "x"}), "NOT_FOUND").await;
    // Exported as a workbook: its counts, then every finding with how it was resolved.
    let download = |token: &str| {
        app.client.get(format!("{}/reconciliations/{run}.xlsx", app.address)).bearer_auth(token.to_string()).send()
    };
    let response = download(t).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let findings = book.worksheet_range("findings").unwrap();
    assert_eq!(findings.rows().count(), 9, "a header and eight findings");
    let text: Vec<String> = findings.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.contains(&"编制与发放单位不一致".to_string()), "{text:?}");
    assert!(text.contains(&"已通知财政局改由急救中心发放".to_string()), "{text:?}");
    assert!(text.contains(&"与第2行的身份证号相同".to_string()), "{text:?}");
    assert_eq!(download(&w.minle.token).await.unwrap().status().as_u16(), 404);
    let listed = app.ok(Some(t), "{ reconciliations { id runBy fileSha256 } }", json!({})).await;
    assert_eq!(listed["reconciliations"].as_array().unwrap().len(), 1);
    assert_eq!(listed["reconciliations"][0]["fileSha256"].as_str().unwrap().len(), 64);
}

#[tokio::test]
async fn a_sibling_county_learns_nothing_from_another_countys_people() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Sunan uploads Minle's real person beside made-up numbers: every row reads the same.
    let fake: Vec<String> = (1..=5).map(|n| national_id("620722", "19800101", 100 + n)).collect();
    let mut numbers = fake.clone();
    numbers.insert(2, w.minle.national_id.clone());
    let csv = std::iter::once("national_id,name,institution_credit_code".to_string())
        .chain(numbers.iter().map(|n| format!("{n},某人,{}", credit_code("620722", 2))))
        .collect::<Vec<_>>()
        .join("\n");
    let (status, answer) = reconcile(&app, &w.sunan.token, &csv).await;
    assert_eq!(status, 200, "{answer}");
    let listed = answer["paidNotInEstablishment"].as_array().unwrap();
    assert_eq!(listed.len(), 6);
    let shapes: Vec<Value> = listed
        .iter()
        .map(|i| {
            let mut i = i.clone();
            i.as_object_mut().unwrap().retain(|k, _| k != "line" && k != "nationalId");
            i
        })
        .collect();
    assert!(shapes.windows(2).all(|pair| pair[0] == pair[1]), "every row reads alike: {listed:?}");
    for list in ["paidElsewhere", "paidPastRetirement", "unreadable"] {
        assert_eq!(answer[list], json!([]), "{list}");
    }
    // Its own person, absent from the file, is the only one in establishment and not paid.
    assert_eq!(answer["inEstablishmentNotPaid"].as_array().unwrap().len(), 1);
    assert_eq!(answer["inEstablishmentNotPaid"][0]["name"], "肃南县职工");
    // Only a staffing office reconciles, and only its own reach.
    let department = app.department_token("620721", w.sunan.department.parse().unwrap());
    assert_eq!(reconcile(&app, &department, &csv).await.0, 403);
    let response = app
        .client
        .post(format!("{}/reconciliations/payroll.csv?jurisdiction=620722", app.address))
        .bearer_auth(&w.sunan.token)
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    // A file without the columns is refused with its reason, and nothing is saved.
    let (status, answer) = reconcile(&app, &w.sunan.token, "姓名\n某人").await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["errorCount"].as_u64().unwrap() >= 1, "{answer}");
}

#[tokio::test]
async fn a_long_list_is_answered_in_part_and_saved_whole() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let mut csv = String::from("national_id,name,institution_credit_code\n");
    for k in 0..1_200u32 {
        let birth = format!("{}0101", 1950 + k / 999);
        csv.push_str(&format!("{},查无此人{k},\n", national_id("620700", &birth, k % 999 + 1)));
    }
    let (status, answer) = reconcile(&app, t, &csv).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["paidNotInEstablishment"].as_array().unwrap().len(), api::reconciliation::ANSWERED);
    assert_eq!(answer["counts"]["paidNotInEstablishment"], 1_200);
    assert_eq!(answer["counts"]["inEstablishmentNotPaid"], 1);
    assert_eq!(answer["counts"]["unreadable"], 0);
    let query = r#"query($id: ID!) { reconciliation(id: $id) { paidNotInEstablishment
      items(list: "PAID_NOT_IN_ESTABLISHMENT", first: 500, offset: 1100) { line name } } }"#;
    let id = answer["id"].to_string();
    let run = &app.ok(Some(t), query, json!({"id": id})).await["reconciliation"];
    assert_eq!(run["paidNotInEstablishment"], 1_200);
    let rest = run["items"].as_array().unwrap();
    assert_eq!(rest.len(), 100);
    assert_eq!((rest[0]["line"].as_i64(), rest[0]["name"].as_str()), (Some(1_102), Some("查无此人1100")));
}
