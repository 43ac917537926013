//! Establishment events, the reserve, the control ceiling and the ledger behind them.

use serde_json::json;

use crate::fixture::{
    EVENT, HIRE, assert_ledger_consistent, balance, event, hire_input, national_id, second_institution, world,
};
use crate::helpers::spawn_app;

#[tokio::test]
async fn every_event_moves_its_balance_and_writes_its_ledger_rows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let inst = w.city.institution.as_str();
    let other = second_institution(&app, t, &w.city.department, "张掖市卫生监督所", 41, 2).await;
    assert_eq!(balance(&app, t, inst).await, (5, 0, 1, 4));
    app.ok(Some(t), EVENT, event(inst, "APPROVE", 3)).await;
    assert_eq!(balance(&app, t, inst).await, (8, 0, 1, 7));
    app.ok(Some(t), EVENT, event(inst, "FREEZE", 2)).await;
    assert_eq!(balance(&app, t, inst).await, (8, 2, 1, 5));
    app.ok(Some(t), EVENT, event(inst, "UNFREEZE", 1)).await;
    app.ok(Some(t), EVENT, event(inst, "REDUCE", 1)).await;
    assert_eq!(balance(&app, t, inst).await, (7, 1, 1, 5));
    let reclaimed = app.ok(Some(t), EVENT, event(inst, "RECLAIM", 2)).await;
    let reserve = &reclaimed["recordEstablishmentEvent"]["reserve"];
    assert_eq!(reserve[0], json!({"funding": "FISCAL", "slots": 2}));
    assert_eq!(balance(&app, t, inst).await, (5, 1, 1, 3));
    app.ok(Some(t), EVENT, event(&other, "ALLOCATE", 1)).await;
    assert_eq!(balance(&app, t, &other).await, (3, 0, 0, 3));
    let transfer = r#"mutation($i: TransferEstablishmentInput!) { transferEstablishment(input: $i) { operation } }"#;
    let input = json!({"i": {"fromInstitutionId": inst, "toInstitutionId": other, "funding": "FISCAL", "slots": 2,
        "documentNo": "张编发〔2025〕8号", "effectiveOn": "2025-04-01", "reason": "职能调整"}});
    let op = app.ok(Some(t), transfer, input).await["transferEstablishment"]["operation"].as_str().unwrap().to_string();
    assert_eq!(balance(&app, t, inst).await, (3, 1, 1, 1));
    assert_eq!(balance(&app, t, &other).await, (5, 0, 0, 5));
    let ledger = r#"query($id: ID!) { establishmentLedger(institutionId: $id, first: 50) { totalCount edges { node { kind approvedDelta frozenDelta documentNo operation } } } }"#;
    let rows = app.ok(Some(t), ledger, json!({"id": inst})).await;
    let kinds: Vec<&str> = rows["establishmentLedger"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["TRANSFER_OUT", "RECLAIM", "REDUCE", "UNFREEZE", "FREEZE", "APPROVE", "APPROVE"]);
    let transfer_rows = app
        .ok(
            Some(t),
            "{ establishmentLedger(kind: TRANSFER_IN) { edges { node { operation approvedDelta } } } }",
            json!({}),
        )
        .await;
    assert_eq!(transfer_rows["establishmentLedger"]["edges"][0]["node"]["operation"], op.as_str());
    let reduce_reserve = r#"mutation { reduceReserve(input: {funding: FISCAL, slots: 1, documentNo: "张编发〔2025〕9号", effectiveOn: "2025-05-01", reason: "核销"}) { reserve { slots } } }"#;
    let after = app.ok(Some(t), reduce_reserve, json!({})).await;
    assert_eq!(after["reduceReserve"]["reserve"][0]["slots"], 0);
    assert_ledger_consistent(&app, t, "620700").await;
}

#[tokio::test]
async fn events_that_break_a_rule_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let inst = w.city.institution.as_str();
    // 5 approved, 1 occupied: 4 vacant.
    let body = app.refused(t, EVENT, event(inst, "REDUCE", 5), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("vacant"), "{body}");
    app.refused(t, EVENT, event(inst, "RECLAIM", 5), "CONFLICT").await;
    app.refused(t, EVENT, event(inst, "FREEZE", 5), "CONFLICT").await;
    let body = app.refused(t, EVENT, event(inst, "UNFREEZE", 1), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("frozen"));
    app.refused(t, EVENT, event(inst, "ALLOCATE", 1), "CONFLICT").await;
    app.refused(t, EVENT, event(inst, "APPROVE", 0), "BAD_USER_INPUT").await;
    let mut no_reason = event(inst, "APPROVE", 1);
    no_reason["input"]["reason"] = json!(" ");
    app.refused(t, EVENT, no_reason, "BAD_USER_INPUT").await;
    let mut future = event(inst, "APPROVE", 1);
    future["input"]["effectiveOn"] = json!("2999-01-01");
    app.refused(t, EVENT, future, "BAD_USER_INPUT").await;
    let mut no_document = event(inst, "APPROVE", 1);
    no_document["input"]["documentNo"] = json!("");
    app.refused(t, EVENT, no_document, "BAD_USER_INPUT").await;
    // Frozen slots cannot be filled.
    app.ok(t, EVENT, event(inst, "FREEZE", 4)).await;
    let hire = hire_input(inst, "新人", &national_id("620700", "19950101", 50), "FISCAL");
    app.refused(t, HIRE, json!({ "input": hire }), "CONFLICT").await;
    // Another county's institution is not the city's to change; the county's own is.
    app.refused(t, EVENT, event(&w.minle.institution, "APPROVE", 1), "FORBIDDEN").await;
    app.refused(Some(&w.minle.token), EVENT, event(inst, "APPROVE", 1), "NOT_FOUND").await;
    let transfer = r#"mutation($i: TransferEstablishmentInput!) { transferEstablishment(input: $i) { operation } }"#;
    let across = json!({"i": {"fromInstitutionId": inst, "toInstitutionId": w.minle.institution, "funding": "FISCAL",
        "slots": 1, "documentNo": "张编发〔2025〕8号", "effectiveOn": "2025-04-01", "reason": "x"}});
    app.refused(t, transfer, across, "FORBIDDEN").await;
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

const SET_CEILING: &str =
    r#"mutation($i: SetCeilingInput!) { setControlCeiling(input: $i) { totalCeiling fiscalCeiling } }"#;
const LOWER_CEILING: &str = r#"mutation($i: LowerCeilingInput!) { lowerControlCeiling(input: $i) { totalCeiling } }"#;

#[tokio::test]
async fn the_control_ceiling_is_set_once_only_goes_down_and_caps_approvals() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let inst = w.city.institution.as_str();
    let ceiling = |total: i32, fiscal: i32| json!({"i": {"baseYear": 2019, "baseTotal": total, "baseFiscal": fiscal, "documentNo": "张编委〔2019〕1号"}});
    app.refused(t, SET_CEILING, ceiling(5, 6), "BAD_USER_INPUT").await;
    app.ok(t, SET_CEILING, ceiling(8, 7)).await;
    app.refused(t, SET_CEILING, ceiling(9, 9), "CONFLICT").await;
    // The city holds 5 fiscal slots: 2 more fit the fiscal ceiling of 7, a third does not.
    app.ok(t, EVENT, event(inst, "APPROVE", 2)).await;
    let body = app.refused(t, EVENT, event(inst, "APPROVE", 1), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("ceiling"));
    // Reclaimed slots stay within the jurisdiction's total; allocating them back is allowed.
    app.ok(t, EVENT, event(inst, "RECLAIM", 2)).await;
    app.refused(t, EVENT, event(inst, "APPROVE", 1), "CONFLICT").await;
    app.ok(t, EVENT, event(inst, "ALLOCATE", 2)).await;
    let lower = |total: i32, fiscal: i32| json!({"i": {"totalCeiling": total, "fiscalCeiling": fiscal, "documentNo": "张编委〔2024〕2号"}});
    app.refused(t, LOWER_CEILING, lower(9, 7), "BAD_USER_INPUT").await;
    app.ok(t, LOWER_CEILING, lower(7, 7)).await;
    let q = r#"{ overview(jurisdiction: "620700") { baseline { baseYear baseTotal totalCeiling approvedNow changeSinceBase } } }"#;
    let data = app.ok(t, q, json!({})).await;
    assert_eq!(
        data["overview"]["baseline"],
        json!({"baseYear": 2019, "baseTotal": 8, "totalCeiling": 7, "approvedNow": 7, "changeSinceBase": -1})
    );
    // The county has no ceiling of its own: none applies there.
    app.ok(Some(&w.minle.token), EVENT, event(&w.minle.institution, "APPROVE", 50)).await;
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

#[tokio::test]
async fn the_ledger_and_audit_log_follow_the_tree() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.ok(Some(&w.minle.token), EVENT, event(&w.minle.institution, "APPROVE", 1)).await;
    let q = "{ establishmentLedger { totalCount } auditLog { totalCount edges { node { action actor entity before after } } } }";
    let minle = app.ok(Some(&w.minle.token), q, json!({})).await;
    let city = app.ok(Some(&w.city.token), q, json!({})).await;
    let sunan = app.ok(Some(&w.sunan.token), q, json!({})).await;
    let count = |d: &serde_json::Value, k: &str| d[k]["totalCount"].as_i64().unwrap();
    assert_eq!(count(&minle, "establishmentLedger"), 2);
    assert_eq!(count(&sunan, "establishmentLedger"), 1);
    assert_eq!(count(&city, "establishmentLedger"), 4, "three initial approvals and Minle's");
    assert!(count(&city, "auditLog") > count(&minle, "auditLog"));
    let actions: Vec<&str> =
        minle["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
    assert_eq!(actions[0], "establishment.event");
    assert!(actions.contains(&"staff.hire") && actions.contains(&"institution.create"));
    let hire =
        minle["auditLog"]["edges"].as_array().unwrap().iter().find(|e| e["node"]["action"] == "staff.hire").unwrap();
    let after = hire["node"]["after"].as_str().unwrap();
    assert!(
        !after.contains(&w.minle.national_id) && !after.contains("cipher"),
        "no ID number in the audit log: {after}"
    );
    let department = app.department_token("620722", w.minle.department.parse().unwrap());
    assert_eq!(app.error_code(Some(&department), "{ auditLog { totalCount } }", json!({})).await, "FORBIDDEN");
    assert_eq!(app.error_code(None, "{ establishmentLedger { totalCount } }", json!({})).await, "FORBIDDEN");
    let dept = app.ok(Some(&department), "{ establishmentLedger { totalCount } }", json!({})).await;
    assert_eq!(dept["establishmentLedger"]["totalCount"], 2);
}

const CONTROL: &str = r#"query($j: String!) { overview(jurisdiction: $j) { control {
    figure { jurisdictionCode totalEstablishment fiscalPeople usedEstablishment usedFiscalPeople documentNo }
    usage { ownEstablishment handedDown ownFiscalPeople handedDownFiscalPeople } room fiscalPeopleRoom
    handedDown { jurisdictionCode totalEstablishment usedEstablishment } } } }"#;

const HAND_DOWN: &str = r#"mutation($i: HandDownInput!) { handDownControlFigures(input: $i) {
    figure { totalEstablishment fiscalPeople } room } }"#;

fn figures(code: &str, total: i32, people: i32) -> serde_json::Value {
    json!({"i": {"jurisdiction": code, "totalEstablishment": total, "fiscalPeople": people,
        "documentNo": "张编委〔2025〕9号", "effectiveOn": "2025-01-01"}})
}

#[tokio::test]
async fn a_county_cannot_grant_itself_slots_beyond_the_figure_its_city_handed_down() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let minle = app.office("620722");
    let control = app.ok(Some(&minle), CONTROL, json!({"j": "620722"})).await;
    let c = &control["overview"]["control"];
    let figure = c["figure"]["totalEstablishment"].as_i64().unwrap();
    let room = c["room"].as_i64().unwrap();
    assert!(room > 0 && room < 500, "{c}");
    assert_eq!(figure - room, c["usage"]["ownEstablishment"].as_i64().unwrap());
    // The finding: Minle approved itself +500 fiscal slots. Now the figure stops it.
    let page = app
        .ok(Some(&minle), r#"{ institutions(jurisdiction: "620722", first: 1) { edges { node { id } } } }"#, json!({}))
        .await;
    let unit = page["institutions"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let body = app.refused(Some(&minle), EVENT, event(&unit, "APPROVE", 500), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("control figure"), "{body}");
    // Within the room it may approve.
    app.ok(Some(&minle), EVENT, event(&unit, "APPROVE", 1)).await;
    // The city sees each level: its own figure from the province and every county's.
    let city = app.office("620700");
    let control = app.ok(Some(&city), CONTROL, json!({"j": "620700"})).await;
    let c = &control["overview"]["control"];
    assert_eq!(c["handedDown"].as_array().unwrap().len(), 6, "{c}");
    // 3,353 fiscally funded staff and the 12 temporary staff paid by the budget in the three
    // units self-financed in name only (the report's problem 5).
    assert_eq!(c["usage"]["ownFiscalPeople"], 3365);
    let handed: i64 =
        c["handedDown"].as_array().unwrap().iter().map(|f| f["totalEstablishment"].as_i64().unwrap()).sum();
    assert_eq!(c["usage"]["handedDown"].as_i64().unwrap(), handed);
    assert!(c["room"].as_i64().unwrap() >= 0, "{c}");
    assert!(c["fiscalPeopleRoom"].as_i64().unwrap() >= 0, "{c}");
}

#[tokio::test]
async fn figures_are_handed_down_by_the_parent_and_bind_the_child() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (city, minle, sunan) = (w.city.token.as_str(), w.minle.token.as_str(), w.sunan.token.as_str());
    // Only the parent hands figures down, and only to a child of its own.
    app.refused(Some(minle), HAND_DOWN, figures("620722", 100, 50), "NOT_FOUND").await;
    app.refused(Some(city), HAND_DOWN, figures("620700", 100, 50), "NOT_FOUND").await;
    // Not below what Minle holds (5 slots, 1 fiscally supported person).
    app.refused(Some(city), HAND_DOWN, figures("620722", 4, 1), "CONFLICT").await;
    let data = app.ok(Some(city), HAND_DOWN, figures("620722", 8, 3)).await;
    assert_eq!(data["handDownControlFigures"]["room"], 3);
    // Changed again by a later decision (up or down: see the redistribution test).
    app.ok(Some(city), HAND_DOWN, figures("620722", 7, 3)).await;
    // Minle approves within its figure (2 more), not beyond.
    app.refused(Some(minle), EVENT, event(&w.minle.institution, "APPROVE", 3), "CONFLICT").await;
    app.ok(Some(minle), EVENT, event(&w.minle.institution, "APPROVE", 2)).await;
    // Three fiscally supported people at most: Minle has one; two more are hired, a third is not.
    for n in 0..2 {
        let id = national_id("620722", "19900101", 400 + n);
        app.ok(Some(minle), HIRE, json!({"input": hire_input(&w.minle.institution, "新人", &id, "FISCAL")})).await;
    }
    let id = national_id("620722", "19900101", 410);
    let body = app
        .refused(
            Some(minle),
            HIRE,
            json!({"input": hire_input(&w.minle.institution, "新人", &id, "FISCAL")}),
            "CONFLICT",
        )
        .await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("supports 3 people"), "{body}");
    // Temporary staff paid by the budget count too; others do not.
    let mut temporary = hire_input(&w.minle.institution, "临时", &national_id("620722", "19900101", 420), "TEMPORARY");
    app.ok(Some(minle), HIRE, json!({"input": temporary.clone()})).await;
    temporary["nationalId"] = json!(national_id("620722", "19900101", 421));
    temporary["paidByBudget"] = json!(true);
    app.refused(Some(minle), HIRE, json!({"input": temporary}), "CONFLICT").await;
    let mut fiscal_flagged =
        hire_input(&w.minle.institution, "编内", &national_id("620722", "19900101", 422), "FISCAL");
    fiscal_flagged["paidByBudget"] = json!(true);
    app.refused(Some(minle), HIRE, json!({"input": fiscal_flagged}), "BAD_USER_INPUT").await;
    let usage = app.ok(Some(city), CONTROL, json!({"j": "620722"})).await;
    assert_eq!(usage["overview"]["control"]["usage"]["ownFiscalPeople"], 3, "{usage}");
    // Sunan has no figure while its sibling has one: it approves nothing.
    let body = app.refused(Some(sunan), EVENT, event(&w.sunan.institution, "APPROVE", 1), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("no control figure"), "{body}");
    assert_ledger_consistent(&app, city, "620700").await;
}

const HISTORY: &str = r#"query($j: String!) { overview(jurisdiction: $j) { control { figure { totalEstablishment }
    history { totalEstablishment fiscalPeople previousTotalEstablishment previousFiscalPeople documentNo effectiveOn
      reason grantedByCode recordedBy recordedAt } } } }"#;

fn decision(code: &str, total: i32, people: i32, document: &str, reason: &str) -> serde_json::Value {
    json!({"i": {"jurisdiction": code, "totalEstablishment": total, "fiscalPeople": people,
        "documentNo": document, "effectiveOn": "2025-06-01", "reason": reason}})
}

#[tokio::test]
async fn the_city_redistributes_figures_between_its_counties_within_its_own_and_each_step_is_history() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (city, minle, sunan) = (w.city.token.as_str(), w.minle.token.as_str(), w.sunan.token.as_str());
    // The city's own figure from the province: what it holds itself plus 20 slots and 10 people.
    let held = app.ok(Some(city), CONTROL, json!({"j": "620700"})).await;
    let usage = &held["overview"]["control"]["usage"];
    let (own, own_people) = (usage["ownEstablishment"].as_i64().unwrap(), usage["ownFiscalPeople"].as_i64().unwrap());
    let record = r#"mutation($i: RecordGrantedInput!) { recordGrantedControlFigures(input: $i) { room } }"#;
    let granted = json!({"i": {"totalEstablishment": own + 20, "fiscalPeople": own_people + 10,
        "documentNo": "甘编委〔2025〕3号", "effectiveOn": "2025-01-01"}});
    app.ok(Some(city), record, granted).await;
    // Minle 10 of them, Sunan 8 (each holds 5 slots and 1 person).
    app.ok(Some(city), HAND_DOWN, decision("620722", 10, 5, "张编委〔2025〕1号", "")).await;
    app.ok(Some(city), HAND_DOWN, decision("620721", 8, 4, "张编委〔2025〕2号", "")).await;
    // A typo keyed 10 for 12 is corrected up, within the city's room (2 left).
    let raised = app.ok(Some(city), HAND_DOWN, decision("620722", 12, 5, "张编委〔2025〕3号", "更正")).await;
    assert_eq!(raised["handDownControlFigures"]["figure"]["totalEstablishment"], 12);
    // The city has no room for more: 20 are handed down.
    let body = app.refused(Some(city), HAND_DOWN, decision("620722", 13, 5, "张编委〔2025〕4号", ""), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("beyond its own"), "{body}");
    // 统筹调剂: Sunan gives up 3, Minle takes them.
    app.ok(Some(city), HAND_DOWN, decision("620721", 5, 4, "张编委〔2025〕5号", "统筹调剂")).await;
    app.ok(Some(city), HAND_DOWN, decision("620722", 15, 6, "张编委〔2025〕5号", "统筹调剂")).await;
    // Never below what a county holds: Sunan holds 5 slots.
    let body = app.refused(Some(city), HAND_DOWN, decision("620721", 4, 4, "张编委〔2025〕6号", ""), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("already holds 5 slots"), "{body}");
    // The counties approve within what they now have: Minle 10 more, Sunan none.
    app.ok(Some(minle), EVENT, event(&w.minle.institution, "APPROVE", 10)).await;
    app.refused(Some(minle), EVENT, event(&w.minle.institution, "APPROVE", 1), "CONFLICT").await;
    app.refused(Some(sunan), EVENT, event(&w.sunan.institution, "APPROVE", 1), "CONFLICT").await;
    // Minle's history, newest first: who recorded what, when, by which document, replacing what.
    let data = app.ok(Some(city), HISTORY, json!({"j": "620722"})).await;
    let steps = data["overview"]["control"]["history"].as_array().unwrap().clone();
    let totals: Vec<_> = steps.iter().map(|s| s["totalEstablishment"].as_i64().unwrap()).collect();
    assert_eq!(totals, [15, 12, 10]);
    assert_eq!(steps[0]["previousTotalEstablishment"], 12);
    assert_eq!(steps[0]["previousFiscalPeople"], 5);
    assert_eq!(steps[0]["reason"], "统筹调剂");
    assert_eq!(steps[0]["documentNo"], "张编委〔2025〕5号");
    assert_eq!(steps[0]["grantedByCode"], "620700");
    assert_eq!(steps[1]["reason"], "更正");
    assert_eq!(steps[2]["previousTotalEstablishment"], json!(null));
    assert_eq!(steps[2]["reason"], json!(null), "a blank reason is none");
    assert!(steps.iter().all(|s| s["recordedBy"].as_str().is_some_and(|b| !b.is_empty())), "{steps:?}");
    // The county reads its own history too; a supervising department does not.
    let own = app.ok(Some(minle), HISTORY, json!({"j": "620722"})).await;
    assert_eq!(own["overview"]["control"]["history"].as_array().unwrap().len(), 3);
    let department = app.department_token("620722", w.minle.department.parse().unwrap());
    assert_eq!(app.error_code(Some(&department), HISTORY, json!({"j": "620722"})).await, "FORBIDDEN");
    // Each decision is an audit row of its own.
    let audit = app
        .ok(
            Some(city),
            r#"{ auditLog(jurisdiction: "620700", includeDescendants: true, action: "control.hand_down") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(audit["auditLog"]["totalCount"], 5);
    assert_ledger_consistent(&app, city, "620700").await;
}

const DECIDE: &str = r#"mutation($i: DecideDeterminationsInput!) { decideDeterminations(input: $i) {
    level fundingForm managementMode leadershipPosts { title count } } }"#;

#[tokio::test]
async fn the_three_determinations_change_only_by_a_recorded_decision() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let inst = w.city.institution.as_str();
    // A plain update may not touch them.
    let update = "mutation($id: ID!, $i: UpdateInstitutionInput!) { updateInstitution(id: $id, input: $i) { id } }";
    for field in [
        json!({"level": "DIVISION"}),
        json!({"fundingForm": "SELF_FINANCED"}),
        json!({"managementMode": "CIVIL_SERVANT_REFERENCED"}),
        json!({"leadershipPosts": [{"title": "主任", "count": 3}]}),
    ] {
        let body = app.refused(t, update, json!({"id": inst, "i": field}), "BAD_USER_INPUT").await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("decideDeterminations"), "{body}");
    }
    app.ok(t, update, json!({"id": inst, "i": {"name": "张掖市疾病预防控制中心（更名）"}})).await;
    // A decision needs its document, and a self-financed form contradicts the 5 fiscal slots.
    let decide = |i: serde_json::Value| {
        let mut input = json!({"institutionId": inst, "documentNo": "张编发〔2025〕21号", "decidedOn": "2025-04-01",
            "reason": "职能调整"});
        for (k, v) in i.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({"i": input})
    };
    app.refused(t, DECIDE, decide(json!({"level": "DIVISION", "documentNo": " "})), "BAD_USER_INPUT").await;
    let body = app.refused(t, DECIDE, decide(json!({"fundingForm": "SELF_FINANCED"})), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("5"), "{body}");
    app.refused(t, DECIDE, decide(json!({"level": "SECTION"})), "BAD_USER_INPUT").await; // unchanged
    let done = app
        .ok(t, DECIDE, decide(json!({"level": "DEPUTY_DIVISION", "leadershipPosts": [{"title": "主任", "count": 1}, {"title": "副主任", "count": 2}]})))
        .await;
    assert_eq!(done["decideDeterminations"]["level"], "DEPUTY_DIVISION");
    // The timeline shows the decision with its document.
    let timeline = app
        .ok(
            t,
            "query($id: ID!) { institutionTimeline(id: $id) { category what documentNo detail } }",
            json!({"id": inst}),
        )
        .await;
    let entry = timeline["institutionTimeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["category"] == "DETERMINATION")
        .cloned()
        .expect("a DETERMINATION entry");
    assert_eq!(entry["documentNo"], "张编发〔2025〕21号");
    assert!(entry["what"].as_str().unwrap().contains("level"), "{entry}");
    assert!(entry["detail"].as_str().unwrap().contains("SECTION"), "{entry}");
    // Another office's institution reads as missing.
    let body = app.graphql(Some(&w.minle.token), DECIDE, decide(json!({"level": "DIVISION"}))).await.1;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND", "{body}");
    assert_ledger_consistent(&app, &w.city.token, "620700").await;
}
