//! Uploads as an attacker sends them: no file tells an office about people or institutions it
//! cannot read, and no file, however it is built, takes more than its limits.

use std::io::Write;

use serde_json::{Value, json};

use crate::fixture::{credit_code, national_id, world};
use crate::helpers::{TestApp, spawn_app};

async fn upload(app: &TestApp, token: &str, file: &str, body: Vec<u8>) -> (u16, Value) {
    crate::import::upload(app, Some(token), file, body).await
}

const HEADER: &str = "national_id,name,institution_credit_code,category,basis,status,hire_date";

/// A staff file of people in establishment at `institution`, one per ID.
fn people(institution: &str, ids: &[String]) -> Vec<u8> {
    let mut csv = String::from(HEADER);
    for (k, id) in ids.iter().enumerate() {
        csv.push_str(&format!("\n{id},候选{k},{institution},MANAGEMENT,FISCAL,ACTIVE,2015-01-01"));
    }
    csv.into_bytes()
}

#[tokio::test]
async fn a_file_of_candidate_ids_answers_alike_whichever_of_them_is_real() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // Sunan (620721) cannot read Minle's (620722) people; one of twenty candidates is Minle's.
    let sunan = credit_code("620721", 3);
    let real = w.minle.national_id.clone();
    let mut candidates: Vec<String> = (100..120).map(|k| national_id("620722", "19800101", k)).collect();
    candidates[6] = real.clone();
    let mut moved = candidates.clone();
    moved.swap(6, 13);
    let path = "staff.csv?acceptOverEstablishment=true";
    let before = app.row_counts().await;
    let (status, first) = upload(&app, &w.sunan.token, path, people(&sunan, &candidates)).await;
    let (_, second) = upload(&app, &w.sunan.token, path, people(&sunan, &moved)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first, second, "the answer must not depend on which candidate is real");
    assert_eq!(first["written"], 0);
    assert_eq!(first["errors"].as_array().unwrap().len(), 1, "{first}");
    assert_eq!(first["errors"][0]["line"], Value::Null, "no line is named: {first}");
    assert!(first["errors"][0]["reason"].as_str().unwrap().contains("本辖区以外"), "{first}");
    assert!(!first.to_string().contains(&real), "{first}");
    // Each such file is audited and counted against the hires' allowance of probing refusals.
    let audited =
        app.ok(Some(&w.sunan.token), r#"{ auditLog(action: "staff.import.refused") { totalCount } }"#, json!({})).await;
    assert_eq!(audited["auditLog"]["totalCount"], 2);
    for _ in 2..api::throttle::PROBE_ALLOWANCE {
        upload(&app, &w.sunan.token, path, people(&sunan, &candidates)).await;
    }
    let (status, _) = upload(&app, &w.sunan.token, path, people(&sunan, &[])).await;
    assert_eq!(status, 429, "the allowance is used up: no more imports this hour");
    // Nothing but the refusals' audit rows was written.
    let after: Vec<_> = app.row_counts().await.into_iter().filter(|(t, _)| *t != "audit_log").collect();
    assert_eq!(after, before.into_iter().filter(|(t, _)| *t != "audit_log").collect::<Vec<_>>());
}

#[tokio::test]
async fn a_bad_file_is_judged_on_its_own_rows_before_anyone_elses_people() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let sunan = credit_code("620721", 3);
    // The real ID on a row beside nonsense: the answer names only the nonsense.
    let with_real = [w.minle.national_id.clone(), "not an id".into()];
    let without = [national_id("620722", "19800101", 150), "not an id".into()];
    let (_, a) = upload(&app, &w.sunan.token, "staff.csv", people(&sunan, &with_real)).await;
    let (_, b) = upload(&app, &w.sunan.token, "staff.csv", people(&sunan, &without)).await;
    assert_eq!(a, b, "{a} against {b}");
    assert_eq!(a["errors"][0]["line"], 3, "{a}");
    // The city reads Minle's people: it is told which line holds a slot there.
    let city = credit_code("620700", 1);
    let (_, named) =
        upload(&app, &w.city.token, "staff.csv?acceptOverEstablishment=true", people(&city, &with_real[..1])).await;
    assert_eq!(named["errors"][0]["line"], 2, "{named}");
}

#[tokio::test]
async fn an_institutions_file_does_not_say_where_a_credit_code_is_registered() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let header = "credit_code,name,jurisdiction,department,sector,level,funding_form,management_mode,classification,legal_person,established_on,approved_fiscal,approved_self_financed";
    let line = |code: &str, name: &str| {
        format!(
            "{code},{name},620721,肃南县卫生健康局,HEALTH,SECTION,FULL_APPROPRIATION,REGULAR,PUBLIC_WELFARE_I,true,2001-01-01,0,0"
        )
    };
    let minle = credit_code("620722", 2);
    let own = credit_code("620721", 3);
    let file = format!("{header}\n{}\n{}\n", line(&minle, "甲中心"), line(&own, "乙中心"));
    let (status, report) = upload(&app, &w.sunan.token, "institutions.csv", file.into_bytes()).await;
    assert_eq!(status, 200, "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{report}");
    assert_eq!(errors[0]["line"], Value::Null, "{report}");
    assert!(errors[0]["reason"].as_str().unwrap().contains("本辖区以外"), "{report}");
    assert_eq!(errors[1]["line"], 3, "its own registered code is named: {report}");
    assert!(!report.to_string().contains(&minle), "{report}");
}

/// A workbook with one sheet (and shared strings, if given), its parts deflated.
fn workbook(sheet: &[u8], shared: Option<&[u8]>) -> Vec<u8> {
    let mut parts: Vec<(&str, &[u8])> = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml", shared));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(contents).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn sheet(cells: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{cells}</sheetData></worksheet>"#
    )
    .into_bytes()
}

async fn refusal(app: &TestApp, token: &str, file: &str, body: Vec<u8>) -> (Option<u64>, String) {
    let (status, report) = upload(app, token, file, body).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["written"], 0, "{report}");
    (report["errors"][0]["line"].as_u64(), report["errors"][0]["reason"].as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn a_workbook_bomb_is_refused_before_it_takes_memory() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.as_str();
    // Two cells far apart: the sheet claims 1,048,576 rows by 16,384 columns.
    let far = sheet(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>"#,
    );
    let bomb = workbook(&far, None);
    assert!(bomb.len() < 2_000, "{} bytes", bomb.len());
    let (line, reason) = refusal(&app, token, "staff.xlsx", bomb).await;
    assert!(reason.contains("行数过多"), "{reason}");
    assert_eq!(line, Some(1_048_576));
    let wide = sheet(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="XFD1" t="inlineStr"><is><t>y</t></is></c></row>"#,
    );
    assert!(refusal(&app, token, "staff.xlsx", workbook(&wide, None)).await.1.contains("列数过多"));
    // A part that unpacks to far more than it packs.
    let mut padded =
        br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            .to_vec();
    padded.extend(std::iter::repeat_n(b' ', 8 * 1024 * 1024));
    padded.extend(b"<sheetData></sheetData></worksheet>");
    let zipped = workbook(&padded, None);
    assert!(zipped.len() < 100_000, "{} bytes", zipped.len());
    assert!(refusal(&app, token, "staff.xlsx", zipped).await.1.contains("压缩比异常"));
    // Shared strings that announce billions of entries (calamine reserves room for them).
    let shared = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>"#;
    let announced = workbook(&sheet(""), Some(shared));
    assert!(refusal(&app, token, "staff.xlsx", announced).await.1.contains("文本数过多"));
    // Two million announced: more than 16 MiB of shared strings can hold, so more than is read.
    let shared = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2000000" uniqueCount="2000000"><si><t>x</t></si></sst>"#;
    let announced = workbook(&sheet(""), Some(shared));
    assert!(refusal(&app, token, "staff.xlsx", announced).await.1.contains("1048576"));
    // The server is still there and answers at once.
    app.ok(Some(token), r#"{ overview(jurisdiction: "620700") { institutionCount } }"#, json!({})).await;
}

#[tokio::test]
async fn a_large_csv_is_refused_at_its_row_limit_and_its_errors_are_counted_not_all_returned() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.as_str();
    let row = format!(
        "\n{},某某,{},MANAGEMENT,FISCAL,ACTIVE,2015-01-01",
        national_id("620700", "19800101", 7),
        credit_code("620700", 1)
    );
    let mut big = HEADER.to_string();
    while big.len() + row.len() < 20 * 1024 * 1024 - 1024 {
        big.push_str(&row);
    }
    let (line, reason) = refusal(&app, token, "staff.csv", big.into_bytes()).await;
    assert!(reason.contains("行数过多"), "{reason}");
    assert_eq!(line, Some(100_002), "the first row past the limit");
    // Fifty thousand bad rows: the first 200 reasons, and how many there were.
    let mut bad = HEADER.to_string();
    for _ in 0..50_000 {
        bad.push_str("\nx,某某,y,z,FISCAL,ACTIVE,2015-01-01");
    }
    let (_, report) = upload(&app, token, "staff.csv", bad.into_bytes()).await;
    assert_eq!(report["errors"].as_array().unwrap().len(), 200, "{}", report["errorCount"]);
    assert_eq!(report["errorCount"], 150_000, "three bad cells a row");
    // Over the upload limit itself.
    let (status, _) = upload(&app, token, "staff.csv", vec![b'a'; 21 * 1024 * 1024]).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn text_that_is_not_text_is_named_by_its_line() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.as_str();
    let code = credit_code("620700", 1);
    let mut latin1 = format!("{HEADER}\n{},", national_id("620700", "19800101", 8)).into_bytes();
    latin1.extend([0xd6, 0xd0, 0xff]);
    latin1.extend(format!(",{code},MANAGEMENT,FISCAL,ACTIVE,2015-01-01").bytes());
    let (line, reason) = refusal(&app, token, "staff.csv", latin1).await;
    assert_eq!(line, Some(2));
    assert!(reason.contains("UTF-8"), "{reason}");
    let nul =
        format!("{HEADER}\n{},张\0三,{code},MANAGEMENT,FISCAL,ACTIVE,2015-01-01", national_id("620700", "19800101", 9));
    let (line, reason) = refusal(&app, token, "staff.csv", nul.into_bytes()).await;
    assert_eq!(line, Some(2));
    assert!(reason.contains("控制字符"), "{reason}");
    // The staff file's own columns (required and optional) and eight more are read; one past them is not.
    let extra: Vec<String> = (0..26).map(|n| format!("x{n}")).collect();
    let wide = format!("{HEADER},{}\n", extra.join(","));
    assert!(refusal(&app, token, "staff.csv", wide.into_bytes()).await.1.contains("列数过多"));
}

#[tokio::test]
async fn an_office_runs_one_import_at_a_time() {
    // The server's own record of running imports, held here as a running import holds it: the
    // same office's next file is refused until it is given back, whatever the timing.
    let imports = std::sync::Arc::new(api::server::ImportsRunning::default());
    let app = crate::helpers::spawn_app_with({
        let imports = imports.clone();
        move |mut state| {
            state.imports = imports;
            state
        }
    })
    .await;
    let w = world(&app).await;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let city = entity::jurisdiction::Entity::find()
        .filter(entity::jurisdiction::Column::Code.eq("620700"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let code = credit_code("620700", 1);
    let running = imports.start(city.id).unwrap();
    let (status, _) = upload(&app, &w.city.token, "staff.csv", people(&code, &[])).await;
    assert_eq!(status, 429, "a second file of the same office waits for the first");
    // Another office is not held up.
    let (status, _) = upload(&app, &w.minle.token, "staff.csv", people(&credit_code("620722", 2), &[])).await;
    assert_eq!(status, 200);
    drop(running);
    let (status, report) = upload(&app, &w.city.token, "staff.csv", people(&code, &[])).await;
    assert_eq!(status, 200, "{report}");
    // A real import takes the place and gives it back when it ends.
    let (status, report) = upload(&app, &w.city.token, "staff.csv", people(&code, &[])).await;
    assert_eq!(status, 200, "{report}");
    assert!(imports.start(city.id).is_ok(), "the place was given back");
}
