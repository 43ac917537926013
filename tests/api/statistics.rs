//! The annual statistics workbook (机构编制统计年报): its tables against the API's own figures,
//! its cross-checks, the year's changes by reason, and who may have it.

use calamine::{Data, Reader};
use chrono::Datelike;
use serde_json::json;

use crate::fixture::{HIRE, hire_input, national_id, world};
use crate::helpers::{TestApp, spawn_app};

async fn workbook(app: &TestApp, token: Option<&str>, query: &str) -> (u16, Vec<u8>) {
    let mut request = app.client.get(format!("{}/statistics/annual.xlsx?{query}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}

/// A sheet's rows as text (numbers without a fraction).
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Float(f) => format!("{}", *f as i64),
                    Data::Int(i) => i.to_string(),
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The value in `column` (0 = the first value column) of the row whose item is `item`.
fn value(rows: &[Vec<String>], item: &str, column: usize) -> i64 {
    let row = rows.iter().find(|r| r[1] == item).unwrap_or_else(|| panic!("no row {item}: {rows:?}"));
    row[2 + column].parse().unwrap()
}

#[tokio::test]
async fn the_demo_citys_workbook_reconciles_with_its_overview_and_every_check_agrees() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let year = chrono::Utc::now().year();
    for below in [false, true] {
        let (status, bytes) =
            workbook(&app, Some(&t), &format!("jurisdiction=620700&year={year}&include_descendants={below}")).await;
        assert_eq!(status, 200);
        let q = r#"query($d: Boolean!) { overview(jurisdiction: "620700", includeDescendants: $d) { institutionCount
          byLevel { key count } establishment { approved fiscal selfFinanced occupied vacant }
          staff { inEstablishment management professionalTechnical logisticsService temporary } } }"#;
        let o = app.ok(Some(&t), q, json!({"d": below})).await;
        let o = &o["overview"];
        let units = sheet(&bytes, "表1单位情况");
        assert_eq!(value(&units, "事业单位总数", 0), o["institutionCount"].as_i64().unwrap(), "{below}");
        assert_eq!(value(&units, "事业单位总数", 1), o["establishment"]["approved"].as_i64().unwrap());
        let divisions = o["byLevel"].as_array().unwrap().iter().find(|c| c["key"] == "DIVISION").unwrap();
        assert_eq!(value(&units, "机构规格｜正处级", 0), divisions["count"].as_i64().unwrap());
        let establishment = sheet(&bytes, "表2编制情况");
        assert_eq!(value(&establishment, "按经费｜财政拨款编制", 0), o["establishment"]["fiscal"].as_i64().unwrap());
        assert_eq!(value(&establishment, "使用｜其中：空编", 0), o["establishment"]["vacant"].as_i64().unwrap());
        assert_eq!(value(&establishment, "其他｜其中：编外人员", 0), o["staff"]["temporary"].as_i64().unwrap());
        let people = sheet(&bytes, "表3在编人员");
        let s = &o["staff"];
        assert_eq!(value(&people, "在编人员合计", 0), s["inEstablishment"].as_i64().unwrap());
        assert_eq!(value(&people, "在编人员合计", 1), s["management"].as_i64().unwrap());
        assert_eq!(value(&people, "在编人员合计", 2), s["professionalTechnical"].as_i64().unwrap());
        assert_eq!(value(&people, "在编人员合计", 3), s["logisticsService"].as_i64().unwrap());
        // The demo's records are filled in: nobody's education or ethnicity is missing.
        assert_eq!(value(&people, "学历｜未填报", 0), 0);
        assert_eq!(value(&people, "民族｜未填报", 0), 0);
        if below {
            // Sunan is the Yugur autonomous county.
            assert!(value(&people, "少数民族｜其中：裕固族", 0) > 0);
        }
        let checks = sheet(&bytes, "审核");
        let failed: Vec<&Vec<String>> = checks.iter().skip(1).filter(|r| r[5] != "一致").collect();
        assert!(failed.is_empty(), "{failed:?}");
        assert!(checks.len() > 40, "every table's totals are checked: {}", checks.len());
        let cover = sheet(&bytes, "封面");
        assert!(cover.iter().any(|r| r[1].contains("全部一致")), "{cover:?}");
    }
}

#[tokio::test]
async fn the_years_changes_are_counted_by_reason_and_start_plus_changes_is_the_end() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = &w.city.token;
    let year = chrono::Utc::now().year();
    let today = chrono::Utc::now().date_naive();
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap().to_string();
    // Two arrivals this year (an open exam, a military cadre), one resignation, one death.
    let mut hired = Vec::new();
    for (n, recruitment) in ["OPEN_EXAM", "MILITARY_CADRE_PLACEMENT"].into_iter().enumerate() {
        let mut input =
            hire_input(&w.city.institution, "新人", &national_id("620700", "19950101", 60 + n as u32), "FISCAL");
        input["hireDate"] = json!(first);
        input["ownPlan"]["recruitment"] = json!(recruitment);
        let data = app.ok(Some(t), HIRE, json!({"input": input})).await;
        hired.push(data["hireStaff"]["id"].as_str().unwrap().to_string());
    }
    let leave = "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status } }";
    for (id, reason) in [(&w.city.person, "RESIGNATION"), (&hired[1], "DEATH")] {
        app.ok(Some(t), leave, json!({"i": {"staffId": id, "effectiveOn": today.to_string(), "reason": reason}})).await;
    }
    let (status, bytes) = workbook(&app, Some(t), &format!("jurisdiction=620700&year={year}")).await;
    assert_eq!(status, 200);
    let moves = sheet(&bytes, "表4人员变动");
    assert_eq!(value(&moves, "年初在编人数", 0), 1, "{moves:?}");
    assert_eq!((value(&moves, "本年增加", 0), value(&moves, "本年减少", 0)), (2, 2));
    assert_eq!(value(&moves, "本年增加｜其中：公开招聘", 0), 1);
    assert_eq!(value(&moves, "本年增加｜其中：军转干部安置", 0), 1);
    assert_eq!(value(&moves, "本年减少｜其中：辞职", 0), 1);
    assert_eq!(value(&moves, "本年减少｜其中：死亡", 0), 1);
    assert_eq!(value(&moves, "年末在编人数（年初＋增加－减少）", 0), 1);
    assert_eq!(value(&moves, "年末在编人数（名册）", 0), 1);
    // Last year's workbook is as at its 31 December: one person, nothing changed that year.
    let (_, last) = workbook(&app, Some(t), &format!("jurisdiction=620700&year={}", year - 1)).await;
    let people = sheet(&last, "表3在编人员");
    assert_eq!(value(&people, "在编人员合计", 0), 1);
    let cover = sheet(&last, "封面");
    assert!(cover.iter().any(|r| r[1] == format!("{}年12月31日", year - 1)), "{cover:?}");
    // Offices only, their own reach only, and years that make sense.
    let department = app.department_token("620700", w.city.department.parse().unwrap());
    let query = format!("jurisdiction=620700&year={year}");
    assert_eq!(workbook(&app, Some(&department), &query).await.0, 403);
    assert_eq!(workbook(&app, Some(&w.minle.token), &query).await.0, 403);
    assert_eq!(workbook(&app, None, &query).await.0, 403);
    assert_eq!(workbook(&app, Some(t), "jurisdiction=620700&year=1999").await.0, 400);
    assert_eq!(workbook(&app, Some(t), &format!("jurisdiction=620700&year={}", year + 1)).await.0, 400);
}
