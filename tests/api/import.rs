//! `api import`: all rows or none, every bad row reported with its line and reason.

use std::path::PathBuf;

use serde_json::json;

use crate::fixture::{HIRE, credit_code, hire_input, national_id};
use crate::helpers::{TestApp, spawn_app};

const INSTITUTION_HEADER: &str = "credit_code,name,jurisdiction,department,sector,level,funding_form,management_mode,classification,legal_person,established_on,approved_fiscal,approved_self_financed";

fn write(app_dir: &tempfile::TempDir, name: &str, contents: &str) -> PathBuf {
    let path = app_dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn institution_line(code: &str, name: &str, jurisdiction: &str, fiscal: i32, own: i32) -> String {
    format!(
        "{code},{name},{jurisdiction},张掖市水务局,AGRICULTURE_FORESTRY_WATER_LIVESTOCK,SECTION,FULL_APPROPRIATION,REGULAR,PUBLIC_WELFARE_I,true,1979-05-01,{fiscal},{own}"
    )
}

async fn seeded() -> (TestApp, tempfile::TempDir) {
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    (app, tempfile::tempdir().unwrap())
}

#[tokio::test]
async fn a_good_institution_file_is_imported_whole() {
    let (app, dir) = seeded().await;
    let csv = [
        INSTITUTION_HEADER.to_string(),
        institution_line(&credit_code("620700", 501), "张掖市水土保持试验站", "620700", 12, 0),
        institution_line(&credit_code("620700", 502), "张掖市灌溉试验站", "620700", 3, 2),
    ]
    .join("\n");
    let report = api::import::import_institutions(&app.db, &write(&dir, "units.csv", &csv)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.written, 2);
    assert_eq!(report.created_departments, vec!["张掖市水务局".to_string()]);
    let token = app.office("620700");
    let q = r#"{ institutions(search: "试验站", orderBy: {field: NAME}) { totalCount edges { node { name department { name }
        classification classificationHistory { documentNo } establishment { fiscal selfFinanced } } } } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    assert_eq!(data["institutions"]["totalCount"], 2);
    let node = &data["institutions"]["edges"][0]["node"];
    assert_eq!(node["department"]["name"], "张掖市水务局");
    assert_eq!(node["classification"], "PUBLIC_WELFARE_I");
    // The file names no decision: the import is the record, and says the old system had none.
    assert_eq!(node["classificationHistory"][0]["documentNo"], "导入:units.csv（原系统未载文号）");
    let establishment: Vec<(i64, i64)> = data["institutions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["establishment"]["fiscal"].as_i64().unwrap(),
                e["node"]["establishment"]["selfFinanced"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(establishment.contains(&(12, 0)) && establishment.contains(&(3, 2)), "{establishment:?}");
}

#[tokio::test]
async fn a_file_with_bad_rows_writes_nothing_and_names_every_bad_row() {
    let (app, dir) = seeded().await;
    let good = credit_code("620700", 601);
    let mut wrong = credit_code("620700", 602);
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let csv = [
        INSTITUTION_HEADER.to_string(),
        institution_line(&good, "张掖市甲站", "620700", 1, 0),
        institution_line(&wrong, "张掖市乙站", "620700", 1, 0),
        institution_line(&credit_code("620700", 603), "张掖市丙站", "629999", 1, 0),
        institution_line(&credit_code("620700", 604), "张掖市丁站", "620700", -2, 0).replace("SECTION", "BUREAU"),
        institution_line(&good, "张掖市戊站", "620700", 1, 0),
    ]
    .join("\n");
    let before = app.row_counts().await;
    let report = api::import::import_institutions(&app.db, &write(&dir, "bad.csv", &csv)).await.unwrap();
    assert_eq!(report.written, 0);
    let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 5, 6], "{:?}", report.errors);
    assert!(report.errors[0].reason.contains("check character"));
    assert!(report.errors[1].reason.contains("629999"));
    assert!(report.errors[4].reason.contains("repeats line 2"));
    assert_eq!(app.row_counts().await, before);
    let missing = write(&dir, "short.csv", "credit_code,name\n1,2\n");
    let report = api::import::import_institutions(&app.db, &missing).await.unwrap();
    assert_eq!(report.errors[0].line, 1);
    assert!(report.errors[0].reason.contains("missing columns"));
}

#[tokio::test]
async fn an_xlsx_institution_file_is_imported() {
    let (app, dir) = seeded().await;
    let path = dir.path().join("units.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in INSTITUTION_HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let line = institution_line(&credit_code("620722", 701), "民乐县水利站", "620722", 4, 0);
    for (c, v) in line.split(',').enumerate() {
        match v.parse::<f64>() {
            Ok(n) if c >= 11 => sheet.write_number(1, c as u16, n).unwrap(),
            _ => sheet.write_string(1, c as u16, v).unwrap(),
        };
    }
    book.save(&path).unwrap();
    let report = api::import::import_institutions(&app.db, &path).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.written, 1);
    let data = app
        .ok(
            Some(&app.office("620722")),
            "{ institutions { edges { node { name establishment { fiscal } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["institutions"]["edges"][0]["node"]["establishment"]["fiscal"], 4);
}

const STAFF_HEADER: &str = "national_id,name,institution_credit_code,category,basis,status,hire_date";

async fn one_institution(app: &TestApp, dir: &tempfile::TempDir, fiscal: i32) -> String {
    let code = credit_code("620700", 801);
    let csv = format!("{INSTITUTION_HEADER}\n{}", institution_line(&code, "张掖市水文站", "620700", fiscal, 0));
    let report = api::import::import_institutions(&app.db, &write(dir, "one.csv", &csv)).await.unwrap();
    assert_eq!(report.written, 1);
    code
}

fn staff_file(code: &str, people: u32) -> String {
    let mut lines = vec![STAFF_HEADER.to_string()];
    for n in 0..people {
        lines.push(format!(
            "{},职工{n},{code},PROFESSIONAL_TECHNICAL,FISCAL,ACTIVE,2010-09-01",
            national_id("620700", "19850101", n)
        ));
    }
    lines.join("\n")
}

#[tokio::test]
async fn a_staff_file_that_overfills_is_refused_unless_accepted_and_then_flagged() {
    let (app, dir) = seeded().await;
    let code = one_institution(&app, &dir, 3).await;
    let path = write(&dir, "staff.csv", &staff_file(&code, 5));
    let before = app.row_counts().await;
    let refused = api::import::import_staff(&app.db, &app.pii, &path, false).await.unwrap();
    assert_eq!(refused.errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![5, 6]);
    assert!(refused.errors[0].reason.contains("over its establishment"));
    assert_eq!(app.row_counts().await, before);

    let accepted = api::import::import_staff(&app.db, &app.pii, &path, true).await.unwrap();
    assert_eq!((accepted.written, accepted.over_establishment), (5, 2));
    let token = app.office("620700");
    let q = r#"{ overview(jurisdiction: "620700") { establishment { approved occupied overEstablishment } staff { inEstablishment } }
        staff(first: 10) { edges { node { overEstablishment } } } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    assert_eq!(data["overview"]["establishment"]["overEstablishment"], 2);
    assert_eq!(data["overview"]["staff"]["inEstablishment"], 5);
    let flagged =
        data["staff"]["edges"].as_array().unwrap().iter().filter(|e| e["node"]["overEstablishment"] == true).count();
    assert_eq!(flagged, 2);
    // A hire may never worsen it.
    let institution =
        app.ok(Some(&token), r#"{ institutions(search: "水文站") { edges { node { id } } } }"#, json!({})).await;
    let id = institution["institutions"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let input = hire_input(&id, "新人", &national_id("620700", "19950101", 900), "FISCAL");
    app.refused(Some(&token), HIRE, json!({ "input": input }), "CONFLICT").await;
}

#[tokio::test]
async fn a_staff_file_is_checked_row_by_row_and_against_every_tenant() {
    let (app, dir) = seeded().await;
    let code = one_institution(&app, &dir, 10).await;
    let first = api::import::import_staff(&app.db, &app.pii, &write(&dir, "a.csv", &staff_file(&code, 1)), false)
        .await
        .unwrap();
    assert_eq!(first.written, 1);
    let holder = national_id("620700", "19850101", 0);
    let csv = [
        STAFF_HEADER.to_string(),
        format!("{holder},同一人,{code},MANAGEMENT,FISCAL,ACTIVE,2012-01-01"),
        format!("{},甲,{code},MANAGEMENT,FISCAL,ACTIVE,2099-01-01", national_id("620700", "19900101", 1)),
        format!("{},乙,12620700000000000X,MANAGEMENT,FISCAL,ACTIVE,2012-01-01", national_id("620700", "19900101", 2)),
        format!("{},丙,{code},CLERK,FISCAL,ACTIVE,2012-01-01", national_id("620700", "19900101", 3)),
        format!("{},丁,{code},MANAGEMENT,FISCAL,ACTIVE,2012-01-01", national_id("620700", "19900101", 4)),
        format!("{},丁,{code},MANAGEMENT,FISCAL,ACTIVE,2013-01-01", national_id("620700", "19900101", 4)),
        format!("{},戊,{code},MANAGEMENT,TEMPORARY,ACTIVE,2012-01-01", national_id("620700", "19900101", 5)),
        // Sixteen when hired; a woman cadre past retirement age; a retiree on the list is fine.
        format!("{},己,{code},MANAGEMENT,TEMPORARY,ACTIVE,2024-01-01", national_id("620700", "20080101", 6)),
        format!("{},庚,{code},MANAGEMENT,FISCAL,ACTIVE,1990-01-01", national_id("620700", "19650101", 8)),
        format!("{},辛,{code},MANAGEMENT,FISCAL,RETIRED,1990-01-01", national_id("620700", "19600101", 10)),
    ]
    .join("\n");
    let before = app.row_counts().await;
    let report = api::import::import_staff(&app.db, &app.pii, &write(&dir, "b.csv", &csv), false).await.unwrap();
    let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
    // Line 2's person holds a slot already; a file bad in itself is not checked against others.
    // Line 10's woman cadre past the retirement age is an inherited fact: recorded, not refused.
    assert_eq!(lines, vec![3, 4, 5, 7, 9], "{:?}", report.errors);
    assert!(report.errors.iter().any(|e| e.reason.contains("at least 18")), "{:?}", report.errors);
    assert_eq!(app.row_counts().await, before);
    // Right in itself, it is: the operator's import names the line.
    let holder_only = csv.lines().take(2).collect::<Vec<_>>().join("\n");
    let report =
        api::import::import_staff(&app.db, &app.pii, &write(&dir, "c.csv", &holder_only), false).await.unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].line, 2);
    assert!(report.errors[0].reason.contains("一人一编"), "{:?}", report.errors);
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn a_large_staff_file_goes_in_by_the_thousand_with_every_hire_recorded() {
    let (app, dir) = seeded().await;
    // Three institutions; 2,400 people over them, so every write spans several batches.
    let mut units = vec![INSTITUTION_HEADER.to_string()];
    for n in 0..3 {
        units.push(institution_line(&credit_code("620700", 600 + n), &format!("张掖市试验站{n}"), "620700", 900, 0));
    }
    let report = api::import::import_institutions(&app.db, &write(&dir, "units.csv", &units.join("\n"))).await.unwrap();
    assert_eq!(report.written, 3, "{:?}", report.errors);
    let mut lines = vec![STAFF_HEADER.to_string()];
    for n in 0..2_400u32 {
        let code = credit_code("620700", 600 + n % 3);
        let basis = if n % 8 == 0 { "TEMPORARY" } else { "FISCAL" };
        let id = national_id("620700", &format!("198{}0101", n / 1000), n % 1000);
        lines.push(format!("{id},职工{n},{code},PROFESSIONAL_TECHNICAL,{basis},ACTIVE,2010-09-01"));
    }
    let path = write(&dir, "people.csv", &lines.join("\n"));
    let before = app.statements();
    let seen = std::sync::Mutex::new(Vec::new());
    let tell = |stage: &str, done: usize, all: usize| seen.lock().unwrap().push(format!("{stage} {done}/{all}"));
    let report = api::import::import_staff_with_progress(&app.db, &app.pii, &path, false, Some(&tell)).await.unwrap();
    let statements = app.statements() - before;
    assert!(report.errors.is_empty(), "{:?}", &report.errors[..report.errors.len().min(3)]);
    // The command line shows how far it has gone: rows checked every 500, all checked, then
    // each thousand written.
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "checking 500/2400",
            "checking 1000/2400",
            "checking 1500/2400",
            "checking 2000/2400",
            "checked 2400/2400",
            "written 1000/2400",
            "written 2000/2400",
            "written 2400/2400"
        ]
    );
    assert_eq!((report.written, report.over_establishment), (2_400, 0));
    // Batched: a few statements per thousand rows, not several per row.
    assert!(statements < 40, "{statements} statements for 2,400 rows");

    let token = app.office("620700");
    let q = r#"{ overview(jurisdiction: "620700") { establishment { approved occupied vacant } staff { inEstablishment } }
        auditLog(first: 1) { totalCount } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    assert_eq!(data["overview"]["establishment"]["occupied"], 2_100);
    assert_eq!(data["overview"]["establishment"]["vacant"], 2_700 - 2_100);
    assert_eq!(data["overview"]["staff"]["inEstablishment"], 2_100);
    assert!(data["auditLog"]["totalCount"].as_i64().unwrap() >= 2_400 + 3);
    crate::fixture::assert_ledger_consistent(&app, &token, "620700").await;
    let counts: std::collections::HashMap<_, _> = app.row_counts().await.into_iter().collect();
    assert_eq!(counts["staff_movement"], 2_400);

    // The same file again: every slot holder is already on a list (and 1,500 of them would not
    // fit in the 600 slots left), and nothing is written.
    // The file's own rows are judged first: 1,500 over establishment (the first 200 reasons
    // kept, all counted), and only a file right in itself is checked against people held.
    let again = api::import::import_staff(&app.db, &app.pii, &path, false).await.unwrap();
    assert_eq!((again.errors.len(), again.error_count), (200, 1_500));
    assert!(again.errors.iter().all(|e| e.reason.contains("超编")), "{:?}", &again.errors[..3]);
    let accepted = api::import::import_staff(&app.db, &app.pii, &path, true).await.unwrap();
    assert_eq!(accepted.error_count, 2_100);
    assert!(accepted.errors.iter().all(|e| e.reason.contains("一人一编")), "{:?}", &accepted.errors[..3]);
    assert_eq!(app.row_counts().await.into_iter().collect::<std::collections::HashMap<_, _>>(), counts);
}

#[tokio::test]
async fn an_imported_establishment_stays_within_the_control_figure() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let before = app.row_counts().await;
    let file = [
        INSTITUTION_HEADER.to_string(),
        institution_line(&credit_code("620722", 900), "民乐县新设服务中心", "620722", 5_000, 0),
    ]
    .join("\n");
    // The rule's refusal is the row's reason (not a fault of the server): line 2, its column.
    let report = api::import::import_institutions(&app.db, &write(&dir, "big.csv", &file)).await.unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].line, 2);
    assert!(report.errors[0].reason.starts_with("approved_fiscal:"), "{:?}", report.errors);
    assert!(report.errors[0].reason.contains("control figure"), "{:?}", report.errors);
    assert_eq!(app.row_counts().await, before, "a refused import wrote something");
    // Uploaded, the same file is answered 200 with the line, in Chinese.
    let (status, answer) =
        upload(&app, Some(&app.office("620722")), "institutions.csv", file.clone().into_bytes()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["errors"][0]["line"], 2, "{answer}");
    assert!(answer["errors"][0]["reason"].as_str().unwrap().starts_with("财政拨款编制："), "{answer}");
    assert_eq!(app.row_counts().await, before, "a refused import wrote something");
    let small = [
        INSTITUTION_HEADER.to_string(),
        institution_line(&credit_code("620722", 901), "民乐县新设服务站", "620722", 2, 0),
    ]
    .join("\n");
    let report = api::import::import_institutions(&app.db, &write(&dir, "small.csv", &small)).await.unwrap();
    assert_eq!(report.written, 1, "{:?}", report.errors);
}

#[tokio::test]
async fn offices_own_words_are_read_chinese_labels_yes_no_and_usual_dates() {
    let (app, dir) = seeded().await;
    let code = credit_code("620700", 511);
    let csv = format!(
        "{INSTITUTION_HEADER}\n{code},张掖市水土保持试验站,620700,张掖市水务局,农林水牧,科级,全额拨款,非参公,公益一类,是,1979/5/1,6,0"
    );
    let report = api::import::import_institutions(&app.db, &write(&dir, "units.csv", &csv)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let token = app.office("620700");
    let q = r#"{ institutions(search: "试验站") { edges { node { id sector level fundingForm managementMode classification legalPerson establishedOn } } } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    let node = &data["institutions"]["edges"][0]["node"];
    assert_eq!(node["sector"], "AGRICULTURE_FORESTRY_WATER_LIVESTOCK");
    assert_eq!(node["level"], "SECTION");
    assert_eq!(node["classification"], "PUBLIC_WELFARE_I");
    assert_eq!(node["legalPerson"], true);
    assert_eq!(node["establishedOn"], "1979-05-01");
    let staff = format!(
        "{STAFF_HEADER}\n{},职工甲,{code},专业技术人员,财政拨款,在职,2010年9月1日",
        national_id("620700", "19850101", 1)
    );
    let report = api::import::import_staff(&app.db, &app.pii, &write(&dir, "people.csv", &staff), false).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // A value no office writes is still refused, by line and column.
    let bad = format!(
        "{INSTITUTION_HEADER}\n{},张掖市灌溉试验站,620700,张掖市水务局,农林水牧,科级,全额拨款,非参公,公益三类,也许,1979/5/1,3,0",
        credit_code("620700", 512)
    );
    let report = api::import::import_institutions(&app.db, &write(&dir, "bad.csv", &bad)).await.unwrap();
    let reasons: Vec<&str> = report.errors.iter().map(|e| e.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.starts_with("classification")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.starts_with("legal_person")), "{reasons:?}");
}

/// Uploads a file to `/imports/{file}`; answers the status and the JSON body.
pub(crate) async fn upload(app: &TestApp, token: Option<&str>, file: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new().post(format!("{}/imports/{file}", app.address)).body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_large_upload_tells_its_progress_as_it_goes_then_its_report() {
    let app = spawn_app().await;
    let w = crate::fixture::world(&app).await;
    let own = credit_code("620700", 1);
    let header = "身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期";
    let mut csv = String::from(header);
    for i in 0..1200u32 {
        let birth = format!("1990{:02}{:02}", 1 + (i / 28) % 12, 1 + i % 28);
        csv.push_str(&format!(
            "\n{},编外{i},{own},工勤技能,编外,在职,2020/01/01",
            national_id("620700", &birth, i % 1000)
        ));
    }
    let response = reqwest::Client::new()
        .post(format!("{}/imports/staff.csv", app.address))
        .bearer_auth(&w.city.token)
        .header("Accept", "application/x-ndjson")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/x-ndjson; charset=utf-8");
    let text = response.text().await.unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let stage = |name: &str| -> Vec<i64> {
        lines.iter().filter(|l| l["stage"] == name).map(|l| l["done"].as_i64().unwrap()).collect()
    };
    assert_eq!(stage("read"), [1200]);
    assert_eq!(stage("checking"), [500, 1000], "row by row, every 500");
    assert_eq!(stage("checked"), [1200]);
    let written = stage("written");
    assert_eq!(written.last(), Some(&1200), "{written:?}");
    assert!(written.windows(2).all(|w| w[0] < w[1]), "{written:?}");
    assert!(lines.iter().all(|l| l["total"].is_null() || l["total"] == 1200));
    let last = lines.last().unwrap();
    assert_eq!((&last["report"]["written"], &last["report"]["errors"]), (&json!(1200), &json!([])), "{text}");
}

#[tokio::test]
async fn an_office_uploads_a_staff_file_in_its_own_words_and_reads_each_bad_rows_reason_in_chinese() {
    let app = spawn_app().await;
    let w = crate::fixture::world(&app).await;
    let office = w.city.token.as_str();
    let own = credit_code("620700", 1);
    let minle = credit_code("620722", 2);
    let good = national_id("620700", "19920101", 11);
    let mut bad = national_id("620700", "19920101", 12);
    bad.replace_range(17.., if bad.ends_with('1') { "2" } else { "1" });
    let header = "身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期";
    let csv = format!(
        "\u{feff}{header}\n{good},王一,{own},专业技术,FISCAL,ACTIVE,2020/01/01\n{bad},王二,{own},管理,FISCAL,ACTIVE,2020/01/01\n\
         {},王三,{minle},管理,FISCAL,ACTIVE,2020/01/01\n",
        national_id("620700", "19920101", 13)
    );
    // Not the public's, not a department's.
    assert_eq!(upload(&app, None, "staff.csv", csv.clone().into_bytes()).await.0, 403);
    let department = app.department_token("620700", 1);
    assert_eq!(upload(&app, Some(&department), "staff.csv", csv.clone().into_bytes()).await.0, 403);
    let before = app.row_counts().await;
    let (status, report) = upload(&app, Some(office), "staff.csv", csv.into_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["written"], 0, "one bad row refuses the file: {report}");
    assert_eq!(
        report["errors"],
        json!([
            {"line": 3, "reason": "身份证号校验码不正确（GB 11643）"},
            {"line": 4, "reason": format!("单位统一社会信用代码：没有统一社会信用代码为{minle}的单位")},
        ]),
        "another jurisdiction's unit reads as unknown"
    );
    assert_eq!(app.row_counts().await, before);
    // The good row alone goes in, recorded as the office's.
    let csv = format!("{header}\n{good},王一,{own},专业技术,FISCAL,ACTIVE,2020/01/01\n");
    let (_, report) = upload(&app, Some(office), "staff.csv", csv.into_bytes()).await;
    assert_eq!(report["written"], 1, "{report}");
    let english = upload(&app, Some(office), "staff.csv?lang=en", b"name\n".to_vec()).await.1;
    assert!(english["errors"][0]["reason"].as_str().unwrap().starts_with("missing columns"), "{english}");
    assert_eq!(
        upload(&app, Some(office), "staff.txt", b"x".to_vec()).await.1["errors"][0]["reason"],
        "文件应为 .csv 或 .xlsx"
    );
    // The template, with its drop-down lists, is there for anyone to fill in.
    let template = app.get("/imports/staff-template.xlsx").await;
    assert_eq!(template.status(), 200);
    let bytes = template.bytes().await.unwrap();
    let (status, report) = upload(&app, Some(office), "staff.xlsx", bytes.to_vec()).await;
    assert_eq!((status, report["written"].clone(), report["errors"].clone()), (200, json!(0), json!([])), "{report}");
}

#[tokio::test]
async fn an_office_uploads_institutions_of_its_own_jurisdiction_only() {
    let app = spawn_app().await;
    let w = crate::fixture::world(&app).await;
    let header = "统一社会信用代码,单位名称,行政区划代码,主管部门,行业,机构规格,经费形式,管理方式,分类,是否法人,成立日期,财政拨款编制,自收自支编制";
    let own = institution_line(&credit_code("620700", 901), "张掖市气象服务中心", "620700", 6, 0);
    let other = institution_line(&credit_code("620722", 902), "民乐县气象服务中心", "620722", 4, 0);
    let nameless = institution_line(&credit_code("620700", 903), "", "620700", 2, 0);
    let file = format!("{header}\n{own}\n{other}\n{nameless}\n");
    let (status, report) = upload(&app, Some(&w.city.token), "institutions.csv", file.into_bytes()).await;
    assert_eq!(status, 200);
    assert_eq!(report["written"], 0, "{report}");
    assert_eq!(report["errors"][0], json!({"line": 3, "reason": "行政区划代码：620722不是本辖区"}));
    assert_eq!(report["errors"][1]["line"], 4, "{report}");
    assert!(report["errors"][1]["reason"].as_str().unwrap().starts_with("单位名称："), "{report}");
    let (_, report) =
        upload(&app, Some(&w.city.token), "institutions.csv", format!("{header}\n{own}\n").into_bytes()).await;
    assert_eq!(report["written"], 1, "{report}");
    let found = app
        .ok(
            Some(&w.city.token),
            r#"{ institutions(search: "气象服务中心") { edges { node { name establishment { approved } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(found["institutions"]["edges"][0]["node"]["establishment"]["approved"], 6);
}
