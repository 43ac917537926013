//! The person's record (学历, 学位, 民族, 政治面貌, 岗位等级, 职务, dates), departures by reason and
//! the off-post statuses (在编不在岗) with their terms.

use serde_json::json;

use crate::fixture::{HIRE, hire, hire_input, national_id, world};
use crate::helpers::spawn_app;

const PERSON: &str = r#"query($id: ID!) { person(id: $id) { name sex { code label } ethnicity { code label }
  politicalStatus { code } education { code label } degree { code label } postGrade { code label } duty
  workStartedOn enteredEstablishmentOn departureReason offPost { kind until overrun } offPostHistory { kind endedOn } } }"#;

const FACTS: &str =
    r#"mutation($i: StaffFactsInput!) { recordStaffFacts(input: $i) { education { code } postGrade { code } duty } }"#;

#[tokio::test]
async fn a_persons_record_takes_national_codes_and_only_their_office_reads_the_personal_part() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = &w.sunan.token;
    // Anyone may read the code lists, each with its source.
    let lists =
        app.ok(None, "{ personCodeLists { name source codes { code label group category } } }", json!({})).await;
    let lists = lists["personCodeLists"].as_array().unwrap();
    assert_eq!(lists.len(), 5);
    assert!(lists.iter().any(|l| l["name"] == "ETHNICITY" && l["source"].as_str().unwrap().contains("GB 3304")));
    // A hire with its record, coded facts given by their labels or their codes.
    let mut input = hire_input(&w.sunan.institution, "安木兰", &national_id("620721", "19920305", 42), "FISCAL");
    input["facts"] = json!({"education": "大学本科毕业", "degree": "4", "ethnicity": "裕固族", "politicalStatus": "13",
        "postGrade": "专业技术十一级", "duty": "检验科科员", "workStartedOn": "2014-07-01"});
    let hired = app.ok(Some(t), HIRE, json!({"input": input})).await;
    let id = hired["hireStaff"]["id"].as_str().unwrap().to_string();
    let data = app.ok(Some(t), PERSON, json!({"id": id})).await;
    let person = &data["person"];
    assert_eq!(person["ethnicity"], json!({"code": "48", "label": "裕固族"}), "{data}");
    assert_eq!(person["education"], json!({"code": "21", "label": "大学本科毕业"}));
    assert_eq!(person["degree"]["label"], "学士");
    assert_eq!(person["postGrade"]["code"], "P11");
    assert_eq!(person["sex"], json!({"code": "2", "label": "女"}));
    assert_eq!(person["workStartedOn"], "2014-07-01");
    // Entering the establishment is the hire day unless the record says otherwise.
    assert_eq!(person["enteredEstablishmentOn"], "2015-09-01");
    // A grade of another category, an unknown code, a day before working age: refused, nothing written.
    let counts = app.row_counts().await;
    for (facts, field) in [
        (json!({"postGrade": "M8"}), "postGrade"),
        (json!({"ethnicity": "57"}), "ethnicity"),
        (json!({"workStartedOn": "2000-01-01"}), "workStartedOn"),
        (
            json!({"education": "21", "workStartedOn": "2016-01-01", "enteredEstablishmentOn": "2015-09-01"}),
            "enteredEstablishmentOn",
        ),
    ] {
        let i = json!({"i": {"staffId": id, "facts": facts, "documentNo": "肃人社〔2026〕5号", "effectiveOn": "2026-01-05"}});
        let body = app.refused(Some(t), FACTS, i, "BAD_USER_INPUT").await;
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    assert_eq!(app.row_counts().await, counts, "a refusal writes nothing");
    // A change by its document: a degree earned, a grade appointed (聘任).
    let change = json!({"staffId": id, "facts": {"education": "14", "degree": "硕士", "postGrade": "P10", "duty": ""},
        "documentNo": "肃人社〔2026〕5号", "effectiveOn": "2026-01-05"});
    let mut dry = change.clone();
    dry["dryRun"] = json!(true);
    app.ok(Some(t), FACTS, json!({"i": dry})).await;
    let data = app.ok(Some(t), PERSON, json!({"id": id})).await;
    assert_eq!(data["person"]["postGrade"]["code"], "P11", "a dry run writes nothing");
    let data = app.ok(Some(t), FACTS, json!({"i": change})).await;
    assert_eq!(
        data["recordStaffFacts"],
        json!({"education": {"code": "14"}, "postGrade": {"code": "P10"}, "duty": null})
    );
    let audit = r#"{ auditLog(first: 1, action: "staff.record_facts") { edges { node { after } } } }"#;
    let logged = app.ok(Some(t), audit, json!({})).await;
    let after = logged["auditLog"]["edges"][0]["node"]["after"].to_string();
    assert!(after.contains("肃人社〔2026〕5号") && after.contains("P10"), "{logged}");
    // A category the grade does not fit is refused until the grade changes with it.
    let update = "mutation($id: ID!) { updateStaff(id: $id, input: {category: MANAGEMENT}) { category } }";
    app.refused(Some(t), update, json!({"id": id}), "CONFLICT").await;
    // The city's office and the unit's department read the post, not the person.
    let department = app.department_token("620721", w.sunan.department.parse().unwrap());
    for token in [app.office("620700"), department] {
        let data = app.ok(Some(&token), PERSON, json!({"id": id})).await;
        let person = &data["person"];
        assert_eq!(person["postGrade"]["code"], "P10", "{data}");
        for personal in ["sex", "ethnicity", "politicalStatus", "education", "degree"] {
            assert!(person[personal].is_null(), "{personal}: {data}");
        }
    }
    // A sibling county reads nothing of the person.
    let data = app.ok(Some(&w.minle.token), PERSON, json!({"id": id})).await;
    assert!(data["person"].is_null());
}

#[tokio::test]
async fn departures_carry_their_reason_and_time_off_post_keeps_its_term() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = &w.minle.token;
    let leave = "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status departureReason } }";
    let body = app
        .refused(
            Some(t),
            leave,
            json!({"i": {"staffId": w.minle.person, "effectiveOn": "2026-03-01"}}),
            "BAD_USER_INPUT",
        )
        .await;
    assert!(body.to_string().contains("reason"), "{body}");
    let retire = json!({"i": {"staffId": w.minle.person, "effectiveOn": "2026-03-01", "reason": "RETIREMENT"}});
    app.refused(Some(t), leave, retire, "BAD_USER_INPUT").await;
    // Two people go away for a term; one of them stays past it.
    let a = hire(&app, t, &w.minle.institution, "甲", &national_id("620722", "19880101", 11)).await;
    let b = hire(&app, t, &w.minle.institution, "乙", &national_id("620722", "19890101", 12)).await;
    let c = hire(&app, t, &w.minle.institution, "丙", &national_id("620722", "19900101", 13)).await;
    let start = "mutation($i: StartOffPostInput!) { startOffPost(input: $i) { kind until overrun } }";
    let away = |staff: &str, kind: &str, from: &str, until: Option<&str>| json!({"i": {"staffId": staff, "kind": kind, "startedOn": from, "until": until, "documentNo": "民人社〔2024〕8号", "place": "民乐县生态产业园"}});
    // Leave to start a business runs three years at most; attachment needs its term.
    app.refused(Some(t), start, away(&a, "ENTREPRENEURSHIP", "2024-03-01", Some("2027-03-02")), "BAD_USER_INPUT").await;
    app.refused(Some(t), start, away(&a, "ATTACHMENT", "2024-03-01", None), "BAD_USER_INPUT").await;
    let data = app.ok(Some(t), start, away(&a, "ENTREPRENEURSHIP", "2024-03-01", Some("2027-03-01"))).await;
    assert_eq!(data["startOffPost"], json!({"kind": "ENTREPRENEURSHIP", "until": "2027-03-01", "overrun": false}));
    app.refused(Some(t), start, away(&a, "FULL_TIME_STUDY", "2025-03-01", Some("2025-09-01")), "CONFLICT").await;
    let second = "mutation($i: SecondStaffInput!) { secondStaff(input: $i) { status } }";
    let seconding = |staff: &str, until: &str| json!({"i": {"staffId": staff, "secondedTo": "民乐县委办公室", "effectiveOn": "2024-01-01", "until": until, "documentNo": "民组通〔2024〕2号"}});
    app.refused(Some(t), second, seconding(&a, "2024-12-31"), "CONFLICT").await;
    let data = app.ok(Some(t), start, away(&b, "ATTACHMENT", "2024-01-01", Some("2025-12-31"))).await;
    assert_eq!(data["startOffPost"]["overrun"], true);
    app.ok(Some(t), second, seconding(&c, "2024-12-31")).await;
    // Off post is still in post for the figures: the slot stays theirs.
    let q = r#"{ overview(jurisdiction: "620722") { staff { inEstablishment } } }"#;
    assert_eq!(app.ok(Some(t), q, json!({})).await["overview"]["staff"]["inEstablishment"], 4);
    let findings = r#"{ findings(jurisdiction: "620722") { offPostOverrun { totalCount items { figure detail } } } }"#;
    let data = app.ok(Some(t), findings, json!({})).await;
    let overrun = &data["findings"]["offPostOverrun"];
    assert_eq!(overrun["totalCount"], 1, "{data}");
    assert_eq!(overrun["items"][0]["figure"], 2.0, "{data}");
    let detail = overrun["items"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("挂职/驻村") && detail.contains("借调"), "{detail}");
    // Back in post: the overrun is gone and the history keeps it.
    let end = "mutation($i: EndOffPostInput!) { endOffPost(input: $i) { endedOn overrun } }";
    app.refused(Some(t), end, json!({"i": {"staffId": c, "endedOn": "2026-01-10"}}), "CONFLICT").await;
    let data = app.ok(Some(t), end, json!({"i": {"staffId": b, "endedOn": "2026-01-10"}})).await;
    assert_eq!(data["endOffPost"], json!({"endedOn": "2026-01-10", "overrun": false}));
    let data = app.ok(Some(t), PERSON, json!({"id": b})).await;
    assert!(data["person"]["offPost"].is_null());
    assert_eq!(data["person"]["offPostHistory"], json!([{"kind": "ATTACHMENT", "endedOn": "2026-01-10"}]));
    let data = app.ok(Some(t), findings, json!({})).await;
    assert_eq!(data["findings"]["offPostOverrun"]["items"][0]["figure"], 1.0, "{data}");
    // The department does not read who is off post, or why.
    let department = app.department_token("620722", w.minle.department.parse().unwrap());
    let data = app.ok(Some(&department), PERSON, json!({"id": a})).await;
    assert!(data["person"]["offPost"].is_null() && data["person"]["offPostHistory"] == json!([]), "{data}");
    // A departure ends the time off post and keeps its reason.
    let gone = json!({"i": {"staffId": a, "effectiveOn": "2026-03-01", "reason": "RESIGNATION", "documentNo": "民人社〔2026〕1号"}});
    let data = app.ok(Some(t), leave, gone).await;
    assert_eq!(data["staffLeaves"], json!({"status": "LEFT", "departureReason": "RESIGNATION"}));
    let data = app.ok(Some(t), PERSON, json!({"id": a})).await;
    assert_eq!(data["person"]["offPostHistory"], json!([{"kind": "ENTREPRENEURSHIP", "endedOn": "2026-03-01"}]));
    let retire = "mutation($i: StaffDateInput!) { retireStaff(input: $i) { departureReason } }";
    let input = json!({"i": {"staffId": w.minle.person, "effectiveOn": "2026-03-01", "retirementBasis": "WORK_INJURY", "documentNo": "甘人社〔2025〕1号"}});
    assert_eq!(app.ok(Some(t), retire, input).await["retireStaff"]["departureReason"], "RETIREMENT");
}

#[tokio::test]
async fn an_inventory_brings_each_persons_record_under_the_headers_offices_write() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let code = crate::fixture::credit_code("620700", 1);
    let (a, b) = (national_id("620700", "19850301", 51), national_id("620700", "19700101", 52));
    let header = "身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期,学历,学位,民族,政治面貌,岗位等级,职务,参加工作时间,入编日期,进人方式,减员原因";
    let good = format!(
        "{header}\n{a},甲,{code},管理人员,财政拨款,在职,2010-08-01,大学本科毕业,学士,回族,中国共产党党员,八级职员,副主任,2008-07-01,2010-08-01,公开招聘,\n\
         {b},乙,{code},专业技术人员,财政拨款,离职,1995-08-01,31,,01,13,P9,,1995-08-01,,,辞职\n"
    );
    // A grade of another category: refused with its line, the column named as the file names it.
    let bad = good.replace("八级职员", "P9");
    let (_, answer) = crate::import::upload(&app, Some(&w.city.token), "staff.csv", bad.into_bytes()).await;
    assert_eq!(answer["written"], 0, "{answer}");
    let errors = answer["errors"].to_string();
    assert!(errors.contains("岗位等级") && errors.contains("\"line\":2"), "{answer}");
    let (status, answer) = crate::import::upload(&app, Some(&w.city.token), "staff.csv", good.into_bytes()).await;
    assert_eq!((status, answer["written"].as_i64()), (200, Some(2)), "{answer}");
    let q = r#"{ staff(jurisdiction: "620700", search: "甲", first: 1) { edges { node { id } } } }"#;
    let id = app.ok(Some(&w.city.token), q, json!({})).await["staff"]["edges"][0]["node"]["id"].clone();
    let data = app.ok(Some(&w.city.token), PERSON, json!({"id": id})).await;
    let person = &data["person"];
    assert_eq!(
        (
            &person["ethnicity"]["code"],
            &person["politicalStatus"]["code"],
            &person["postGrade"]["code"],
            &person["duty"]
        ),
        (&json!("03"), &json!("01"), &json!("M8"), &json!("副主任")),
        "{data}"
    );
    assert_eq!(person["workStartedOn"], "2008-07-01");
    let q = r#"{ staff(jurisdiction: "620700", search: "乙", first: 1) { edges { node { departureReason education { label } } } } }"#;
    let data = app.ok(Some(&w.city.token), q, json!({})).await;
    assert_eq!(
        data["staff"]["edges"][0]["node"],
        json!({"departureReason": "RESIGNATION", "education": {"label": "大学专科毕业"}})
    );
}

#[tokio::test]
async fn the_roster_goes_out_with_each_record_under_the_imports_headers_and_the_export_is_audited() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = &w.city.token;
    let facts = json!({"i": {"staffId": w.city.person, "facts": {"ethnicity": "回族", "postGrade": "P8"}, "documentNo": "张人社〔2026〕2号", "effectiveOn": "2026-01-05"}});
    app.ok(Some(t), FACTS, facts).await;
    let get = |query: &'static str| {
        app.client.get(format!("{}/exports/staff.csv?{query}", app.address)).bearer_auth(t.clone()).send()
    };
    let text = get("jurisdiction=620700&include_descendants=true&lang=zh").await.unwrap().text().await.unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().trim_start_matches('\u{feff}');
    assert!(
        header.starts_with("身份证号,姓名,单位统一社会信用代码,单位名称,岗位类别,用编类型,人员状态,进人日期"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3, "the city's person and its two counties': {text}");
    // The city's own person in full, with the record; a county's person masked, without it.
    let own = rows.iter().find(|r| r.contains(&w.city.national_id)).expect("own person in full");
    assert!(own.contains("回族") && own.contains("专业技术八级") && own.contains("专业技术人员"), "{own}");
    let county = rows.iter().find(|r| r.contains("民乐县职工")).unwrap();
    assert!(!county.contains(&w.minle.national_id) && county.contains("*"), "{county}");
    // English words and codes without lang=zh.
    let text = get("jurisdiction=620700").await.unwrap().text().await.unwrap();
    assert!(text.contains("PROFESSIONAL_TECHNICAL") && text.contains(",03,"), "{text}");
    // Personal data left the system: the export is in the audit log.
    let audit = r#"{ auditLog(first: 5, action: "staff.export") { totalCount } }"#;
    assert_eq!(app.ok(Some(t), audit, json!({})).await["auditLog"]["totalCount"], 2);
    let department = app.department_token("620700", w.city.department.parse().unwrap());
    let refused = app
        .client
        .get(format!("{}/exports/staff.csv?jurisdiction=620700", app.address))
        .bearer_auth(department)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
}
