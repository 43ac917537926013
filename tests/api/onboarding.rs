//! A jurisdiction from nothing: `api init` creates a county and its ancestors from the national
//! division table on an empty database, accounts are made for places that exist, and new
//! jurisdictions are checked against the table (a functional zone by its parent's decision).

use std::time::Duration;

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, test_signer};

#[tokio::test]
async fn init_creates_a_county_and_its_ancestors_from_the_national_table_once() {
    let app = spawn_app().await;
    let levels = api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let made: Vec<(String, String, &str, bool)> =
        levels.iter().map(|l| (l.row.code.clone(), l.row.name.clone(), l.row.kind.word(), l.created)).collect();
    assert_eq!(
        made,
        [
            ("620000".into(), "甘肃省".into(), "PROVINCE", true),
            ("620500".into(), "天水市".into(), "CITY", true),
            ("620521".into(), "清水县".into(), "COUNTY", true),
        ]
    );
    assert_eq!(levels[2].row.path, "/620000/620500/620521/");
    // Again: nothing changes; a sibling reuses its ancestors.
    let before = app.row_counts().await;
    let again = api::jurisdiction::init(&app.db, "620521").await.unwrap();
    assert!(again.iter().all(|l| !l.created));
    assert_eq!(app.row_counts().await, before);
    let sibling = api::jurisdiction::init(&app.db, "620502").await.unwrap();
    assert_eq!(sibling.iter().map(|l| l.created).collect::<Vec<_>>(), [false, false, true]);
    assert_eq!(sibling[2].row.kind, entity::enums::JurisdictionKind::District);
    // A code the table does not hold is refused, and nothing is written.
    let before = app.row_counts().await;
    let error = api::jurisdiction::init(&app.db, "620599").await.err().unwrap();
    assert!(error.to_string().contains("not in the national division table"), "{error}");
    assert_eq!(app.row_counts().await, before);
    // Each creation is in the audit chain, and the county's office reads its own tree at once.
    let office = app.office("620521");
    let data = app.ok(Some(&office), "{ jurisdictions { code name } }", json!({})).await;
    assert_eq!(data["jurisdictions"], json!([{"code": "620521", "name": "清水县"}]));
    let q =
        r#"{ verifyLedger(jurisdiction: "620000", includeDescendants: true) { auditChainIntact auditRowsChecked } }"#;
    let verified = app.ok(Some(&app.office("620000")), q, json!({})).await;
    assert_eq!(verified["verifyLedger"]["auditChainIntact"], true, "{verified}");
    assert!(verified["verifyLedger"]["auditRowsChecked"].as_i64().unwrap() >= 4, "{verified}");
}

#[tokio::test]
async fn accounts_are_made_only_for_places_that_exist_and_the_new_county_signs_in() {
    let app = spawn_app_with(|state| {
        state.with_signin(api::signin::SignIn::new(test_signer(), Duration::from_secs(1800), false).unwrap())
    })
    .await;
    let add = |jurisdiction: &'static str, department: Option<i32>| {
        let role = if department.is_some() { api::auth::Role::Department } else { api::auth::Role::StaffingOffice };
        api::signin::add_user(
            &app.db,
            crate::helpers::new_account(
                "qingshui.office",
                Some("a passphrase of 12 or more"),
                role,
                jurisdiction,
                department,
            ),
        )
    };
    let refused = add("620521", None).await.err().unwrap();
    assert!(refused.to_string().contains("api init --jurisdiction 620521"), "{refused}");
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    api::jurisdiction::init(&app.db, "620502").await.unwrap();
    // A department of another jurisdiction is no department of this one.
    let other = crate::fixture::department(&app, &app.office("620502"), "秦州区教育局").await;
    assert!(add("620521", Some(other.parse().unwrap())).await.is_err());
    add("620521", None).await.unwrap();
    let response = app
        .client
        .post(format!("{}/auth/login", app.address))
        .json(&json!({"username": "qingshui.office", "password": "a passphrase of 12 or more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let token = response.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let data = app.ok(Some(&token), r#"{ overview(jurisdiction: "620521") { institutionCount } }"#, json!({})).await;
    assert_eq!(data["overview"]["institutionCount"], 0);
}

#[tokio::test]
async fn a_new_jurisdiction_is_checked_against_the_table_and_a_functional_zone_needs_a_decision() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620500").await.unwrap();
    let city = app.office("620500");
    let create = "mutation($i: CreateJurisdictionInput!) { createJurisdiction(input: $i) { code name kind } }";
    let input = |code: &str, name: &str, kind: &str, document: Option<&str>| json!({"i": {"code": code, "name": name, "kind": kind, "parentCode": "620500", "documentNo": document}});
    // In the table: the official name and kind, under its own parent.
    for (code, name, kind, why) in [
        ("620521", "清水", "COUNTY", "the official name of 620521 is 清水县"),
        ("620521", "清水县", "DISTRICT", "is a COUNTY"),
        ("620722", "民乐县", "COUNTY", "sits under 620700"),
    ] {
        let refused = app.refused(Some(&city), create, input(code, name, kind, None), "BAD_USER_INPUT").await;
        assert!(refused["errors"][0]["message"].as_str().unwrap().contains(why), "{refused}");
    }
    let made = app.ok(Some(&city), create, input("620521", "清水县", "COUNTY", None)).await;
    assert_eq!(made["createJurisdiction"], json!({"code": "620521", "name": "清水县", "kind": "COUNTY"}));
    // Outside the table: a functional zone, by the city's decision, with the city's prefix.
    let zone = input("620571", "天水经济技术开发区", "DISTRICT", None);
    let refused = app.refused(Some(&city), create, zone, "BAD_USER_INPUT").await;
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("documentNo"), "{refused}");
    let elsewhere = input("620771", "开发区", "DISTRICT", Some("天政发〔2026〕5号"));
    app.refused(Some(&city), create, elsewhere, "BAD_USER_INPUT").await;
    let zone = input("620571", "天水经济技术开发区", "DISTRICT", Some("天政发〔2026〕5号"));
    app.ok(Some(&city), create, zone).await;
    let audit = app
        .ok(
            Some(&city),
            r#"{ auditLog(action: "jurisdiction.create", first: 5) { edges { node { after } } } }"#,
            json!({}),
        )
        .await;
    assert!(audit.to_string().contains("天政发〔2026〕5号"), "{audit}");
}

#[tokio::test]
async fn a_person_twice_in_one_file_is_refused_whatever_their_status() {
    let app = spawn_app().await;
    let w = crate::fixture::world(&app).await;
    let code = crate::fixture::credit_code("620700", 1);
    let id = crate::fixture::national_id("620700", "19600101", 77);
    let file = format!(
        "national_id,name,institution_credit_code,category,basis,status,hire_date\n\
         {id},甲,{code},MANAGEMENT,FISCAL,RETIRED,1985-01-01\n{id},甲,{code},MANAGEMENT,FISCAL,ACTIVE,1985-01-01\n"
    );
    let (status, answer) = crate::import::upload(&app, Some(&w.city.token), "staff.csv", file.into_bytes()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["written"], 0, "{answer}");
    assert!(
        answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["line"] == 3 && e["reason"].as_str().unwrap().contains("同一人已在第2行")),
        "{answer}"
    );
}

#[tokio::test]
async fn people_in_post_past_the_statutory_age_are_recorded_and_counted_not_refused() {
    let app = spawn_app().await;
    let w = crate::fixture::world(&app).await;
    let code = crate::fixture::credit_code("620700", 1);
    // A woman born in 1965, a management cadre since 1990: past 55 today (弹性延迟 or paperwork
    // pending in the old system). And one hired after she had reached the age: refused.
    let past = crate::fixture::national_id("620700", "19650101", 8);
    let late = crate::fixture::national_id("620700", "19500101", 6);
    let header = "national_id,name,institution_credit_code,category,basis,status,hire_date";
    let file = format!("{header}\n{past},庚,{code},MANAGEMENT,FISCAL,ACTIVE,1990-01-01\n");
    let (status, answer) = crate::import::upload(&app, Some(&w.city.token), "staff.csv", file.into_bytes()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!((answer["written"].clone(), answer["pastRetirementAge"].clone()), (json!(1), json!(1)), "{answer}");
    // Flagged: the findings list the institution with her.
    let q = r#"{ findings(jurisdiction: "620700") { pastRetirementAge { totalCount items { figure detail institution { name } } } } }"#;
    let flagged = app.ok(Some(&w.city.token), q, json!({})).await;
    let list = &flagged["findings"]["pastRetirementAge"];
    assert_eq!(list["totalCount"], 1, "{flagged}");
    assert_eq!(list["items"][0]["figure"], 1.0);
    assert_eq!(list["items"][0]["institution"]["name"], "张掖市疾病预防控制中心", "{flagged}");
    // The findings file an office hands on lists her too (the ID number never leaves).
    let export = app.text("/exports/findings.csv?jurisdiction=620700&lang=zh", &w.city.token).await;
    assert!(export.contains("超龄在岗,张掖市疾病预防控制中心"), "{export}");
    assert!(!export.contains(&past), "{export}");
    let file = format!("{header}\n{late},辛,{code},MANAGEMENT,FISCAL,ACTIVE,2015-01-01\n");
    let (_, answer) = crate::import::upload(&app, Some(&w.city.token), "staff.csv", file.into_bytes()).await;
    assert_eq!(answer["written"], 0, "{answer}");
    assert_eq!(answer["errors"][0]["line"], 2, "hired after reaching the age: {answer}");
    assert_eq!(answer["errors"][0]["reason"], "身份证号：本人已于2005-01-01达到法定退休年龄，不能进人", "{answer}");
    // A hire through the API is a new act: the same person is refused there.
    let fresh = crate::fixture::national_id("620700", "19650101", 18);
    let input = crate::fixture::hire_input(&w.city.institution, "壬", &fresh, "FISCAL");
    let refused =
        app.refused(Some(&w.city.token), crate::fixture::HIRE, json!({"input": input}), "BAD_USER_INPUT").await;
    assert!(refused.to_string().contains("retirement"), "{refused}");
}

const RECORD: &str = r#"mutation($i: RecordGrantedInput!) { recordGrantedControlFigures(input: $i) {
    figure { totalEstablishment fiscalPeople } room handedDown { totalEstablishment } } }"#;

fn institutions_file(code: &str, rows: &[(u32, &str, i32)]) -> Vec<u8> {
    let mut file = "credit_code,name,jurisdiction,department,sector,level,funding_form,management_mode,\
                    classification,legal_person,established_on,approved_fiscal,approved_self_financed"
        .to_string();
    for (n, name, fiscal) in rows {
        let credit = crate::fixture::credit_code(code, *n);
        file.push_str(&format!(
            "\n{credit},{name},{code},县卫生健康局,HEALTH,SECTION,FULL_APPROPRIATION,REGULAR,PUBLIC_WELFARE_I,true,1990-01-01,{fiscal},0"
        ));
    }
    file.into_bytes()
}

#[tokio::test]
async fn a_county_starting_alone_records_its_granted_figures_and_one_under_a_controlling_city_still_loads() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    api::jurisdiction::init(&app.db, "620502").await.unwrap();
    let (qingshui, city) = (app.office("620521"), app.office("620500"));
    // No level above hands figures down here: the county records what the province's and city's
    // document granted it, and its inventory is then held by it.
    let input = |total: i32, people: i32| {
        json!({"i": {"totalEstablishment": total, "fiscalPeople": people, "documentNo": "天编发〔2024〕12号",
            "effectiveOn": "2024-03-01"}})
    };
    let recorded = app.ok(Some(&qingshui), RECORD, input(30, 25)).await;
    assert_eq!(recorded["recordGrantedControlFigures"]["figure"]["totalEstablishment"], 30);
    assert_eq!(recorded["recordGrantedControlFigures"]["handedDown"], json!([]), "its own figure is handed to nobody");
    let too_many = institutions_file("620521", &[(1, "清水县甲中心", 20), (2, "清水县乙中心", 15)]);
    let (_, answer) = crate::import::upload(&app, Some(&qingshui), "institutions.csv", too_many).await;
    assert_eq!(answer["written"], 0, "{answer}");
    assert_eq!(answer["errors"][0]["line"], 3, "the row past the figure: {answer}");
    let fits = institutions_file("620521", &[(1, "清水县甲中心", 20), (2, "清水县乙中心", 5)]);
    let (_, answer) = crate::import::upload(&app, Some(&qingshui), "institutions.csv", fits).await;
    assert_eq!((answer["written"].clone(), answer["notices"].clone()), (json!(2), json!([])), "{answer}");
    // Never below what it holds.
    app.refused(Some(&qingshui), RECORD, input(20, 20), "CONFLICT").await;
    // The city hands a figure to Qinzhou: it now controls its counties. Qingshui can no longer
    // record its own (the city decides), and the sibling without a figure still loads its
    // inventory, told to record the figure; a new approval there waits for the city.
    let hand = r#"mutation($i: HandDownInput!) { handDownControlFigures(input: $i) { room } }"#;
    let grant = json!({"i": {"jurisdiction": "620502", "totalEstablishment": 50, "fiscalPeople": 40,
        "documentNo": "天编发〔2025〕1号", "effectiveOn": "2025-01-01"}});
    app.ok(Some(&city), hand, grant).await;
    app.refused(Some(&qingshui), RECORD, input(40, 30), "CONFLICT").await;
    api::jurisdiction::init(&app.db, "620503").await.unwrap();
    let maiji = app.office("620503");
    let file = institutions_file("620503", &[(1, "麦积区甲中心", 6)]);
    let (status, answer) = crate::import::upload(&app, Some(&maiji), "institutions.csv", file).await;
    assert_eq!((status, answer["written"].clone()), (200, json!(1)), "{answer}");
    assert!(answer["notices"][0].as_str().unwrap().contains("尚未获上级下达编制控制数"), "{answer}");
    let unit =
        app.ok(Some(&maiji), r#"{ institutions(jurisdiction: "620503") { edges { node { id } } } }"#, json!({})).await;
    let unit = unit["institutions"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let refused =
        app.refused(Some(&maiji), crate::fixture::EVENT, crate::fixture::event(&unit, "APPROVE", 1), "CONFLICT").await;
    assert!(refused.to_string().contains("no control figure"), "{refused}");
}

#[tokio::test]
async fn an_inventory_in_the_old_systems_shape_keeps_its_decisions_three_determinations_and_secondments() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let office = app.office("620521");
    let code = crate::fixture::credit_code("620521", 7);
    let units = format!(
        "统一社会信用代码,单位名称,行政区划代码,主管部门,行业,机构规格,经费形式,管理方式,分类,是否法人,成立日期,财政拨款编制,自收自支编制,\
         批准文号,批准日期,主要职责,内设机构,领导职数\n\
         {code},清水县水土保持站,620521,清水县水务局,农林水牧,股级,全额拨款,非参公,公益一类,是,1983-04-01,6,0,\
         清编发〔1983〕9号,1983-03-20,承担水土流失监测,办公室；监测股,站长1；副站长1\n"
    );
    let (status, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", units.into_bytes()).await;
    assert_eq!((status, answer["written"].clone()), (200, json!(1)), "{answer}");
    let q = r#"{ institutions(jurisdiction: "620521") { edges { node { id level classification internalBodies
        leadershipPosts { title count } } } }
        establishmentLedger(jurisdiction: "620521") { edges { node { documentNo effectiveOn approvedDelta } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let node = &data["institutions"]["edges"][0]["node"];
    // 股级 is a level of its own (not unranked), and 农林水牧 and 公益一类 read as their words.
    assert_eq!(
        (node["level"].clone(), node["classification"].clone()),
        (json!("SUB_SECTION"), json!("PUBLIC_WELFARE_I"))
    );
    assert_eq!(node["internalBodies"], json!(["办公室", "监测股"]));
    assert_eq!(node["leadershipPosts"], json!([{"title": "站长", "count": 1}, {"title": "副站长", "count": 1}]));
    let entries = data["establishmentLedger"]["edges"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["node"]["documentNo"] == "清编发〔1983〕9号" && e["node"]["effectiveOn"] == "1983-03-20"),
        "the file's own decision, not an invented one: {entries:?}"
    );
    // People: a secondment as the old system has it, and budget-paid temporary staff.
    let seconded = crate::fixture::national_id("620521", "19850101", 1);
    let temporary = crate::fixture::national_id("620521", "19900101", 2);
    let papered = crate::fixture::national_id("620521", "19870101", 3);
    let people = format!(
        "身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期,借调单位,借调开始日期,借调文号,财政供养\n\
         {seconded},甲,{code},专业技术,财政拨款,SECONDED_OUT,2010-01-01,清水县水务局,2023-05-01,,\n\
         {temporary},乙,{code},工勤,编外,在职,2020-01-01,,,,是\n\
         {papered},丙,{code},管理,财政拨款,借调,2012-01-01,清水县政府办,2024-02-01,清政办发〔2024〕3号,\n"
    );
    let (_, answer) = crate::import::upload(&app, Some(&office), "staff.csv", people.into_bytes()).await;
    assert_eq!(answer["written"], 3, "{answer}");
    // A secondment without papers is recorded as it is, and listed; one with its 文号 is not.
    let q = r#"{ findings(jurisdiction: "620521") { secondedWithoutPapers { totalCount items { figure detail } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let unpapered = &data["findings"]["secondedWithoutPapers"];
    assert_eq!(unpapered["totalCount"], 1, "{data}");
    assert_eq!(unpapered["items"][0]["figure"], 1.0, "{data}");
    assert!(unpapered["items"][0]["detail"].as_str().unwrap().contains("清水县水务局"), "{data}");
    // Each secondment is dated: in mid-2023 甲 was away and 丙 still at work in the unit.
    let q = r#"{ overview(jurisdiction: "620521", asOf: "2023-06-01") { staff { secondedOut } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    assert_eq!(data["overview"]["staff"]["secondedOut"], 1, "{data}");
    let q = r#"{ staff(jurisdiction: "620521", first: 5) { edges { node { name status secondedTo secondedSince } } }
        overview(jurisdiction: "620521") { control { usage { ownFiscalPeople } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let list = data["staff"]["edges"].as_array().unwrap();
    let first = list.iter().find(|e| e["node"]["name"] == "甲").unwrap();
    assert_eq!(first["node"]["secondedTo"], "清水县水务局");
    let q = r#"{ findings(jurisdiction: "620521") { slotsWithoutDocument { totalCount } } }"#;
    let documented = app.ok(Some(&office), q, json!({})).await;
    assert_eq!(documented["findings"]["slotsWithoutDocument"]["totalCount"], 0, "the file's 文号: {documented}");
    assert_eq!(first["node"]["secondedSince"], "2023-05-01");
    // Both are supported by the budget: the fiscal person and the budget-paid temporary one.
    assert_eq!(data["overview"]["control"]["usage"]["ownFiscalPeople"], 3, "{data}");
}

#[tokio::test]
async fn a_file_is_previewed_as_it_would_be_read_before_anything_is_written() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let office = app.office("620521");
    let code = crate::fixture::credit_code("620521", 7);
    let id = crate::fixture::national_id("620521", "19850101", 1);
    let file = format!(
        "序号,身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期,借调单位,备注\n\
         1,{id},甲,{code},专业技术,财政拨款,在职,2010-01-01,,新进\n2,x,乙,{code},管理,财政拨款,在职,2011-01-01,,\n"
    );
    let before = app.row_counts().await;
    let (status, answer) =
        crate::import::upload(&app, Some(&office), "staff.csv?preview=true", file.into_bytes()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(app.row_counts().await, before, "a preview writes nothing");
    let columns: Vec<(String, serde_json::Value)> = answer["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["header"].as_str().unwrap().to_string(), c["column"].clone()))
        .collect();
    assert_eq!(columns[0], ("序号".to_string(), json!(null)), "not a column of the file's kind: ignored");
    assert_eq!(columns[1], ("身份证号".to_string(), json!("national_id")));
    assert_eq!(columns[8], ("借调单位".to_string(), json!("seconded_to")));
    assert_eq!(answer["columns"][3]["label"], "单位统一社会信用代码", "each column with its Chinese header");
    assert_eq!(columns[9].1, json!(null));
    assert_eq!(answer["rowCount"], 2);
    assert_eq!(answer["rows"][0]["line"], 2);
    assert_eq!(answer["rows"][0]["cells"]["category"], "专业技术");
    assert!(answer["rows"][0]["cells"].get("备注").is_none());
    // Missing columns are said before any row is read.
    let (_, answer) =
        crate::import::upload(&app, Some(&office), "staff.csv?preview=true", "姓名,岗位类别\n甲,管理\n".into()).await;
    assert!(answer["errors"][0]["reason"].as_str().unwrap().starts_with("缺少列"), "{answer}");
}

#[tokio::test]
async fn a_refused_file_comes_back_with_each_lines_reasons_to_correct_and_send_again() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let office = app.office("620521");
    let units = institutions_file("620521", &[(7, "清水县丙中心", 0)]);
    assert_eq!(crate::import::upload(&app, Some(&office), "institutions.csv", units).await.1["written"], 1);
    let code = crate::fixture::credit_code("620521", 7);
    let good = crate::fixture::national_id("620521", "19850101", 1);
    let file = format!(
        "身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期\n\
         {good},甲,{code},专业技术,编外,在职,2010-01-01\nx,乙,{code},教师,编外,在职,2011-01-01\n"
    );
    let response = app
        .client
        .post(format!("{}/imports/staff.csv?annotated=true", app.address))
        .bearer_auth(&office)
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].ends_with(",错误原因"), "{text}");
    assert!(lines[1].starts_with(&format!("\t{good},")), "a long number stays text: {text}");
    assert!(lines[1].ends_with(','), "the good line has no reason: {text}");
    assert!(lines[2].contains("身份证号") && lines[2].contains("岗位类别"), "both reasons of line 3: {text}");
}

const CREATE_ACCOUNT: &str = r#"mutation($i: CreateAccountInput!) { createAccount(input: $i) {
    username role jurisdiction departmentId signsIn disabled } }"#;

#[tokio::test]
async fn a_city_office_makes_and_manages_its_counties_and_departments_accounts() {
    let app = spawn_app_with(|state| {
        state.with_signin(api::signin::SignIn::new(test_signer(), Duration::from_secs(1800), false).unwrap())
    })
    .await;
    let w = crate::fixture::world(&app).await;
    let account = |username: &str, role: &str, jurisdiction: &str, department: Option<&str>| {
        json!({"i": {"username": username, "role": role, "jurisdiction": jurisdiction, "departmentId": department,
            "password": "a passphrase of 12 or more"}})
    };
    // The city makes Minle's office account and one for a department of its own.
    let made =
        app.ok(Some(&w.city.token), CREATE_ACCOUNT, account("minle.office", "STAFFING_OFFICE", "620722", None)).await;
    assert_eq!(made["createAccount"]["signsIn"], "password");
    let dept = account("city.health", "DEPARTMENT", "620700", Some(&w.city.department));
    app.ok(Some(&w.city.token), CREATE_ACCOUNT, dept).await;
    // Not beyond its reach, not a department of another jurisdiction, not twice, not by a county
    // for its city, nor by a department; nothing written by a refusal.
    let elsewhere = account("x.office", "STAFFING_OFFICE", "620500", None);
    app.refused(Some(&w.city.token), CREATE_ACCOUNT, elsewhere, "NOT_FOUND").await;
    let wrong = account("y.health", "DEPARTMENT", "620700", Some(&w.minle.department));
    app.refused(Some(&w.city.token), CREATE_ACCOUNT, wrong, "NOT_FOUND").await;
    let again = account("minle.office", "STAFFING_OFFICE", "620722", None);
    app.refused(Some(&w.city.token), CREATE_ACCOUNT, again, "CONFLICT").await;
    let upward = account("z.office", "STAFFING_OFFICE", "620700", None);
    app.refused(Some(&w.minle.token), CREATE_ACCOUNT, upward, "NOT_FOUND").await;
    let department = app.department_token("620700", w.city.department.parse().unwrap());
    app.refused(Some(&department), "{ accounts { username } }", json!({}), "FORBIDDEN").await;
    // The county signs in; the city resets its password (the session ends) and then disables it.
    let login = |password: &'static str| {
        app.client
            .post(format!("{}/auth/login", app.address))
            .json(&json!({"username": "minle.office", "password": password}))
            .send()
    };
    let token = login("a passphrase of 12 or more").await.unwrap().json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let reset = "mutation { resetAccountPassword(username: \"minle.office\", password: \"another passphrase 12\") }";
    app.ok(Some(&w.city.token), reset, json!({})).await;
    assert_eq!(app.error_code(Some(&token), "{ jurisdictions { code } }", json!({})).await, "UNAUTHENTICATED");
    assert_eq!(login("another passphrase 12").await.unwrap().status().as_u16(), 200);
    // Minle sees its own account only; the city sees both levels'.
    let listed = app.ok(Some(&w.minle.token), "{ accounts { username } }", json!({})).await;
    assert_eq!(listed["accounts"], json!([{"username": "minle.office"}]));
    app.ok(Some(&w.city.token), "mutation { disableAccount(username: \"minle.office\") }", json!({})).await;
    assert_eq!(login("another passphrase 12").await.unwrap().status().as_u16(), 401);
    let listed = app.ok(Some(&w.city.token), "{ accounts { username disabled } }", json!({})).await;
    assert_eq!(
        listed["accounts"],
        json!([{"username": "city.health", "disabled": false}, {"username": "minle.office", "disabled": true}])
    );
    let audited = app
        .ok(
            Some(&w.city.token),
            r#"{ a: auditLog(action: "account.add", includeDescendants: true) { totalCount }
            r: auditLog(action: "account.reset", includeDescendants: true) { totalCount }
            d: auditLog(action: "account.disable", includeDescendants: true) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        (&audited["a"]["totalCount"], &audited["r"]["totalCount"], &audited["d"]["totalCount"]),
        (&json!(2), &json!(1), &json!(1))
    );
}

/// A government body's unified social credit code (organs start with 11).
fn organ_code(n: u32) -> String {
    api::codes::CreditCode::complete(&format!("11620521{n:08}0")).unwrap().into_string()
}

#[tokio::test]
async fn a_department_list_records_each_kind_and_code_and_the_institutions_file_finds_them() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let office = app.office("620521");
    // An institution import first names the health bureau, which creates it without a kind.
    let units = institutions_file("620521", &[(7, "清水县人民医院", 0)]);
    let (_, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", units).await;
    assert_eq!(answer["createdDepartments"], json!(["县卫生健康局"]), "{answer}");
    let (health, water) = (organ_code(1), organ_code(2));
    // A refused file: a kind that is not one, a code that fails its check, the same body twice.
    let bad = format!(
        "部门名称,行政区划代码,部门类别,统一社会信用代码\n县卫生健康局,620521,政府,{health}\n县水务局,620521,局,\n\
         县委办公室,620521,党委,11620521000000039\n县水务局,620521,政府,\n"
    );
    let before = app.row_counts().await;
    let (status, answer) = crate::import::upload(&app, Some(&office), "departments.csv", bad.into_bytes()).await;
    assert_eq!((status, answer["written"].clone()), (200, json!(0)), "{answer}");
    assert_eq!(app.row_counts().await, before, "all rows or none");
    let reasons: Vec<(u64, &str)> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(reasons[0], (3, "部门类别：取值无效：局"), "{answer}");
    assert!(reasons[1].0 == 4 && reasons[1].1.starts_with("统一社会信用代码"), "{answer}");
    assert!(reasons[2].0 == 5 && reasons[2].1.starts_with("部门名称：同一"), "{answer}");
    // The list as the old system has it: the existing bureau takes its kind and code.
    let good = format!(
        "部门名称,行政区划代码,部门类别,统一社会信用代码\n县卫生健康局,620521,政府,{health}\n县水务局,620521,政府部门,{water}\n\
         县委宣传部,620521,党委,\n共青团清水县委,620521,群团,\n"
    );
    let (_, answer) = crate::import::upload(&app, Some(&office), "departments.csv", good.clone().into_bytes()).await;
    assert_eq!(answer["written"], 4, "{answer}");
    assert_eq!(answer["createdDepartments"], json!(["县水务局", "县委宣传部", "共青团清水县委"]), "{answer}");
    let q = r#"{ departments(jurisdiction: "620521") { name kind code } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let list = data["departments"].as_array().unwrap();
    assert_eq!(list.len(), 4, "the bureau the institutions named is not made twice: {data}");
    let bureau = list.iter().find(|d| d["name"] == "县卫生健康局").unwrap();
    assert_eq!((bureau["kind"].clone(), bureau["code"].clone()), (json!("GOVERNMENT"), json!(health)));
    let league = list.iter().find(|d| d["name"] == "共青团清水县委").unwrap();
    assert_eq!((league["kind"].clone(), league["code"].clone()), (json!("MASS_ORGANISATION"), json!(null)));
    // Loaded again, nothing changes; the institutions file then finds the water bureau.
    let (_, answer) = crate::import::upload(&app, Some(&office), "departments.csv", good.into_bytes()).await;
    assert_eq!(answer["createdDepartments"], json!([]), "{answer}");
    let audits = app
        .ok(Some(&office), r#"{ auditLog(first: 50) { edges { node { action } } } }"#, json!({}))
        .await
        .to_string()
        .matches("department.import")
        .count();
    assert_eq!(audits, 4, "one row per department created or changed, none for a repeat");
    // Another county's list is not this office's to load.
    let other = "部门名称,行政区划代码,部门类别\n县水务局,620500,政府\n";
    let (_, answer) = crate::import::upload(&app, Some(&office), "departments.csv", other.into()).await;
    assert_eq!(answer["errors"][0]["reason"], "行政区划代码：620500不是本辖区", "{answer}");
    // A department made through the API carries its kind too; a code held by another is refused.
    let made = app
        .ok(
            Some(&office),
            r#"mutation { createDepartment(name: "县人大常委会办公室", kind: PEOPLES_CONGRESS) { kind } }"#,
            json!({}),
        )
        .await;
    assert_eq!(made["createDepartment"]["kind"], "PEOPLES_CONGRESS");
    let taken = format!(r#"mutation {{ createDepartment(name: "县政协办公室", code: "{water}") {{ id }} }}"#);
    app.refused(Some(&office), &taken, json!({}), "CONFLICT").await;
}

#[tokio::test]
async fn a_unit_that_is_not_a_legal_person_goes_in_without_a_credit_code_and_its_people_name_it() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let office = app.office("620521");
    let header = "统一社会信用代码,单位名称,行政区划代码,主管部门,行业,机构规格,经费形式,管理方式,分类,是否法人,成立日期,财政拨款编制,自收自支编制";
    let district = ",清水县城区学区,620521,清水县教育局,HEALTH,UNRANKED,全额拨款,非参公,公益一类,否,2024-03-01,3,0";
    // A legal person always has its code: that line is refused, and so the whole file.
    let legal = ",清水县疾控中心,620521,清水县卫生健康局,HEALTH,SECTION,全额拨款,非参公,公益一类,是,1990-01-01,5,0";
    let file = format!("{header}\n{district}\n{legal}\n");
    let (_, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", file.into_bytes()).await;
    assert_eq!(answer["written"], 0, "{answer}");
    assert_eq!(answer["errors"][0]["line"], 3, "{answer}");
    assert!(answer["errors"][0]["reason"].as_str().unwrap().contains("法人单位须有统一社会信用代码"), "{answer}");
    let file = format!("{header}\n{district}\n");
    let (_, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", file.clone().into_bytes()).await;
    assert_eq!(answer["written"], 1, "{answer}");
    let q = r#"{ institutions(jurisdiction: "620521") { edges { node { name creditCode legalPerson establishment { approved } } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let node = &data["institutions"]["edges"][0]["node"];
    assert_eq!((node["creditCode"].clone(), node["legalPerson"].clone()), (json!(null), json!(false)), "{data}");
    assert_eq!(node["establishment"]["approved"], 3);
    // Without a code a unit is told apart by its name: the same file again is refused.
    let (_, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", file.into_bytes()).await;
    assert_eq!(answer["errors"][0]["reason"], "单位名称：本辖区已登记无代码的同名单位：清水县城区学区", "{answer}");
    // Its people name it (单位名称) where the code cell is empty.
    let (teacher, stranger) =
        (crate::fixture::national_id("620521", "19900101", 1), crate::fixture::national_id("620521", "19910101", 2));
    let people = format!(
        "身份证号,姓名,单位统一社会信用代码,单位名称,岗位类别,用编类型,人员状态,进人日期\n\
         {teacher},甲,,清水县城区学区,专业技术,财政拨款,在职,2024-04-01\n"
    );
    let (_, answer) = crate::import::upload(&app, Some(&office), "staff.csv", people.into_bytes()).await;
    assert_eq!(answer["written"], 1, "{answer}");
    let unknown = format!(
        "身份证号,姓名,单位统一社会信用代码,单位名称,岗位类别,用编类型,人员状态,进人日期\n\
         {stranger},乙,,清水县不存在学区,专业技术,财政拨款,在职,2024-04-01\n"
    );
    let (_, answer) = crate::import::upload(&app, Some(&office), "staff.csv", unknown.into_bytes()).await;
    assert_eq!(answer["errors"][0]["reason"], "单位名称：没有名为清水县不存在学区的单位", "{answer}");
    // Through the API: a unit that is not a legal person may be made without a code; a legal person may not.
    let department = crate::fixture::department(&app, &office, "清水县民政局").await;
    let mut input = crate::fixture::institution_input(&department, "清水县社会福利中心", "");
    input["creditCode"] = json!(null);
    input["legalPerson"] = json!(false);
    let made = app.ok(Some(&office), crate::fixture::CREATE_INSTITUTION, json!({"input": input.clone()})).await;
    assert_eq!(made["createInstitution"]["creditCode"], json!(null));
    input["name"] = json!("清水县救助管理站");
    input["legalPerson"] = json!(true);
    app.refused(Some(&office), crate::fixture::CREATE_INSTITUTION, json!({"input": input}), "BAD_USER_INPUT").await;
}

#[tokio::test]
async fn vacancies_standing_at_import_take_the_files_vacant_since_date_else_the_approval() {
    let app = spawn_app().await;
    api::jurisdiction::init(&app.db, "620521").await.unwrap();
    let office = app.office("620521");
    let (dated, undated) = (crate::fixture::credit_code("620521", 7), crate::fixture::credit_code("620521", 8));
    let header = "统一社会信用代码,单位名称,行政区划代码,主管部门,行业,机构规格,经费形式,管理方式,分类,是否法人,成立日期,财政拨款编制,自收自支编制,批准日期,空编起始日期";
    let row = |code: &str, name: &str, since: &str| {
        format!(
            "{code},{name},620521,清水县水务局,HEALTH,UNRANKED,全额拨款,非参公,公益一类,是,1983-04-01,3,0,1983-04-01,{since}"
        )
    };
    // A date before the unit existed is refused.
    let bad = format!("{header}\n{}\n", row(&dated, "清水县水文站", "1980-01-01"));
    let (_, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", bad.into_bytes()).await;
    assert_eq!(answer["errors"][0]["reason"], "空编起始日期：早于单位成立日期", "{answer}");
    let file =
        format!("{header}\n{}\n{}\n", row(&dated, "清水县水文站", "2025-06-01"), row(&undated, "清水县水保站", ""));
    let (_, answer) = crate::import::upload(&app, Some(&office), "institutions.csv", file.into_bytes()).await;
    assert_eq!(answer["written"], 2, "{answer}");
    // One person each, hired long ago: two vacancies each.
    let people = format!(
        "national_id,name,institution_credit_code,category,basis,status,hire_date\n\
         {},甲,{dated},MANAGEMENT,FISCAL,ACTIVE,2010-01-01\n{},乙,{undated},MANAGEMENT,FISCAL,ACTIVE,2010-01-01\n",
        crate::fixture::national_id("620521", "19800101", 1),
        crate::fixture::national_id("620521", "19800101", 2)
    );
    let (_, answer) = crate::import::upload(&app, Some(&office), "staff.csv", people.into_bytes()).await;
    assert_eq!(answer["written"], 2, "{answer}");
    let q = r#"{ institutions(jurisdiction: "620521", orderBy: {field: NAME, direction: ASC}) { edges { node { name vacancies { since } } } }
        findings(jurisdiction: "620521") { longVacant(months: 24) { items { institution { name } figure } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let since = |name: &str| -> Vec<String> {
        let edges = data["institutions"]["edges"].as_array().unwrap();
        let node = &edges.iter().find(|e| e["node"]["name"] == name).unwrap()["node"];
        node["vacancies"].as_array().unwrap().iter().map(|v| v["since"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(since("清水县水文站"), ["2025-06-01", "2025-06-01"], "the file's date: {data}");
    assert_eq!(since("清水县水保站"), ["1983-04-01", "1983-04-01"], "else the approval's: {data}");
    // So only the unit whose vacancies are old by the records is long-vacant.
    let long = data["findings"]["longVacant"]["items"].as_array().unwrap();
    assert_eq!(long.len(), 1, "{data}");
    assert_eq!(long[0]["institution"]["name"], "清水县水保站");
    // Written in bulk, the file leaves the ledger, the balances, the totals and the audit chain
    // agreeing, with one audit row per unit and the department it made.
    let q = r#"{ verifyLedger(jurisdiction: "620521") { consistent auditChainIntact differences { field } totalsDifferences { figure } }
        overview(jurisdiction: "620521") { institutionCount establishment { approved vacant } }
        auditLog(action: "institution.import", first: 10) { edges { node { entityId } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    assert_eq!(data["verifyLedger"]["consistent"], true, "{data}");
    assert_eq!(data["verifyLedger"]["auditChainIntact"], true, "{data}");
    assert_eq!(data["overview"]["institutionCount"], 2, "{data}");
    assert_eq!(data["overview"]["establishment"], json!({"approved": 6, "vacant": 4}), "{data}");
    assert_eq!(data["auditLog"]["edges"].as_array().unwrap().len(), 2, "{data}");
    // Neither file line carried its decision's number (批准文号): the slots are recorded, and listed.
    let q = r#"{ findings(jurisdiction: "620521") { slotsWithoutDocument { totalCount items { figure } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    assert_eq!(data["findings"]["slotsWithoutDocument"]["totalCount"], 2, "{data}");
    assert_eq!(data["findings"]["slotsWithoutDocument"]["items"][0]["figure"], 3.0, "{data}");
    // 甲 leaves today: the slot freed is today's, the file's date stays on the two before it.
    let q = r#"{ staff(jurisdiction: "620521", first: 5) { edges { node { id name institution { id name } } } } }"#;
    let data = app.ok(Some(&office), q, json!({})).await;
    let edges = data["staff"]["edges"].as_array().unwrap();
    let person = &edges.iter().find(|e| e["node"]["name"] == "甲").unwrap()["node"];
    let today = chrono::Utc::now().date_naive().to_string();
    let leave = "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status } }";
    app.ok(Some(&office), leave, json!({"i": {"staffId": person["id"], "effectiveOn": today, "reason": "DEATH"}}))
        .await;
    let q = r#"query($id: ID!) { institution(id: $id) { vacancies { since } } }"#;
    let data = app.ok(Some(&office), q, json!({"id": person["institution"]["id"]})).await;
    let since: Vec<&str> =
        data["institution"]["vacancies"].as_array().unwrap().iter().map(|v| v["since"].as_str().unwrap()).collect();
    assert_eq!(since, ["2025-06-01", "2025-06-01", today.as_str()], "{data}");
}
