use serde_json::{Value, json};

use crate::helpers::spawn_app;

const OVERVIEW: &str = r#"query($code: String!, $all: Boolean!) {
  overview(jurisdiction: $code, includeDescendants: $all) {
    institutionCount
    byLevel { key count } byFundingForm { key count } byManagementMode { key count }
    bySector { key count } approvedBySector { key count } bySizeBand { key count } byClassification { key count }
    establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment }
    staff { inEstablishment fiscal selfFinanced management professionalTechnical logisticsService temporary secondedOut }
  }
}"#;

fn counts(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap().to_string(), c["count"].as_i64().unwrap()))
        .collect()
}

fn pairs(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    expected.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
async fn the_demo_city_overview_equals_the_report() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let data = app.ok(Some(&token), OVERVIEW, json!({"code": "620700", "all": false})).await;
    let o = &data["overview"];
    assert_eq!(o["institutionCount"], 236);
    assert_eq!(
        counts(&o["byLevel"]),
        pairs(&[
            ("DIVISION", 68),
            ("DEPUTY_DIVISION", 26),
            ("SECTION", 142),
            ("DEPUTY_SECTION", 0),
            ("SUB_SECTION", 0),
            ("UNRANKED", 0)
        ])
    );
    assert_eq!(
        counts(&o["byFundingForm"]),
        pairs(&[("FULL_APPROPRIATION", 198), ("DIFFERENTIAL_APPROPRIATION", 4), ("SELF_FINANCED", 34)])
    );
    assert_eq!(counts(&o["byManagementMode"]), pairs(&[("CIVIL_SERVANT_REFERENCED", 97), ("REGULAR", 139)]));
    assert_eq!(
        counts(&o["byClassification"]),
        pairs(&[
            ("PUBLIC_WELFARE_I", 160),
            ("PUBLIC_WELFARE_II", 11),
            ("ADMINISTRATIVE", 7),
            ("PRODUCTION_OPERATION", 8),
            ("UNCLASSIFIED", 44),
            ("EXCLUDED", 6)
        ])
    );
    assert_eq!(
        counts(&o["bySizeBand"]),
        pairs(&[
            ("OVER_100", 5),
            ("FROM_50_TO_100", 13),
            ("FROM_20_TO_50", 23),
            ("FROM_10_TO_20", 50),
            ("FROM_5_TO_10", 57),
            ("UNDER_5", 88)
        ])
    );
    let sectors = counts(&o["bySector"]);
    for (sector, n) in [
        ("DIRECT_PARTY", 4),
        ("DIRECT_GOVERNMENT", 12),
        ("AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 32),
        ("EDUCATION", 16),
        ("HEALTH", 13),
        ("CULTURE_TOURISM_SPORTS", 12),
        ("CIVIL_AFFAIRS_SOCIAL_WELFARE", 12),
    ] {
        assert!(sectors.contains(&(sector.to_string(), n)), "{sector}: {sectors:?}");
    }
    assert_eq!(sectors.iter().map(|(_, n)| n).sum::<i64>(), 236);
    let e = &o["establishment"];
    assert_eq!(
        (e["approved"].as_i64(), e["fiscal"].as_i64(), e["selfFinanced"].as_i64()),
        (Some(4158), Some(3605), Some(553))
    );
    assert_eq!(e["overEstablishment"], 74, "627 self-financed staff on 553 self-financed slots");
    // Each sector's establishment as section 1 gives it: education 885 and health 384 (30.5 %),
    // agriculture 975 (23.4 %), industry 352 (8.4 %), culture 210 (5.1 %), civil affairs 102 (2.4 %).
    let by_sector: std::collections::HashMap<String, i64> = counts(&o["approvedBySector"]).into_iter().collect();
    for (sector, slots) in [
        ("EDUCATION", 885),
        ("HEALTH", 384),
        ("AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 975),
        ("INDUSTRY_TRANSPORT", 352),
        ("CULTURE_TOURISM_SPORTS", 210),
        ("CIVIL_AFFAIRS_SOCIAL_WELFARE", 102),
    ] {
        assert_eq!(by_sector[sector], slots, "{sector}");
    }
    assert_eq!(by_sector.values().sum::<i64>(), 4158);
    // 3,605 fiscal slots for 3,353 fiscal staff: 252 vacant before the turnover pool moves some
    // (deposited slots are not to be filled; borrowed ones are).
    let pool =
        app.ok(Some(&token), r#"{ overview(jurisdiction: "620700") { pool { deposited lent } } }"#, json!({})).await;
    let (deposited, lent) =
        (pool["overview"]["pool"]["deposited"].as_i64().unwrap(), pool["overview"]["pool"]["lent"].as_i64().unwrap());
    // (the agriculture and forestry academies' 13 frozen slots among them).
    assert_eq!(e["frozen"], 13);
    assert_eq!(e["vacant"].as_i64().unwrap() + 13 + deposited - lent, 252);
    let s = &o["staff"];
    assert_eq!(s["inEstablishment"], 3980);
    assert_eq!((s["fiscal"].as_i64(), s["selfFinanced"].as_i64()), (Some(3353), Some(627)));
    assert_eq!(
        (s["management"].as_i64(), s["professionalTechnical"].as_i64(), s["logisticsService"].as_i64()),
        (Some(1298), Some(1794), Some(888))
    );
    assert_eq!(s["temporary"], 480);
}

#[tokio::test]
async fn the_demo_city_history_comes_out_of_its_ledger() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let q = r#"{ overview(jurisdiction: "620700") { baseline { baseYear baseTotal approvedNow changeSinceBase }
        reformsSinceBase { institutionsRemoved slotsReclaimed slotsAllocated } establishment { reserve } }
        removed: institutions(jurisdiction: "620700", status: DISSOLVED) { totalCount }
        verifyLedger(jurisdiction: "620700", includeDescendants: true) { consistent differences { field } } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    assert_eq!(
        data["overview"]["baseline"],
        json!({"baseYear": 2019, "baseTotal": 4926, "approvedNow": 4158, "changeSinceBase": -768})
    );
    assert_eq!(
        data["overview"]["reformsSinceBase"],
        json!({"institutionsRemoved": 7, "slotsReclaimed": 391, "slotsAllocated": 224})
    );
    assert_eq!(data["overview"]["establishment"]["reserve"], 0);
    assert_eq!(data["removed"]["totalCount"], 2);
    assert_eq!(data["verifyLedger"]["consistent"], true, "{}", data["verifyLedger"]);
}

#[tokio::test]
async fn the_city_overview_with_descendants_adds_the_counties() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let city = app.ok(Some(&token), OVERVIEW, json!({"code": "620700", "all": false})).await;
    let all = app.ok(Some(&token), OVERVIEW, json!({"code": "620700", "all": true})).await;
    let mut counties = 0;
    for code in ["620702", "620721", "620722", "620723", "620724", "620725"] {
        let county = app.ok(Some(&token), OVERVIEW, json!({"code": code, "all": false})).await;
        let n = county["overview"]["institutionCount"].as_i64().unwrap();
        assert!(n > 10 && n < 236, "{code} has {n} institutions");
        counties += n;
    }
    assert_eq!(all["overview"]["institutionCount"].as_i64().unwrap(), 236 + counties);
    assert!(
        all["overview"]["establishment"]["approved"].as_i64() > city["overview"]["establishment"]["approved"].as_i64()
    );
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_app().await;
    let first = api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    assert!(!first.already_loaded && first.institutions > 236);
    let second = api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    assert!(second.already_loaded);
}

#[tokio::test]
async fn a_county_office_cannot_read_the_city_overview() {
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let token = app.office("620722");
    let code = app.error_code(Some(&token), OVERVIEW, json!({"code": "620700", "all": false})).await;
    assert_eq!(code, "FORBIDDEN");
    let code = app.error_code(Some(&token), OVERVIEW, json!({"code": "620721", "all": false})).await;
    assert_eq!(code, "FORBIDDEN");
    let code = app.error_code(None, OVERVIEW, json!({"code": "620722", "all": false})).await;
    assert_eq!(code, "FORBIDDEN");
}

#[tokio::test]
async fn the_overview_exports_to_csv_and_xlsx() {
    use calamine::Reader;
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let scope = api::scope::Scope::resolve(
        &app.db,
        api::auth::Principal {
            subject: "t".into(),
            role: api::auth::Role::StaffingOffice,
            jurisdiction: Some("620700".into()),
            department: None,
            institution: None,
        },
    )
    .await
    .unwrap();
    let request = |format, chinese| api::export::ExportRequest {
        kind: "overview",
        jurisdiction: "620700",
        include_descendants: false,
        release: None,
        format,
        chinese,
        pii: &app.pii,
        writer: &app.db,
    };
    let csv = api::export::build(&app.db, &scope, &request(api::export::Format::Csv, false)).await.unwrap();
    let csv = String::from_utf8(csv.bytes).unwrap();
    assert!(csv.starts_with("\u{feff}jurisdiction,table,key,value\n"));
    assert!(csv.contains("620700,institutions,total,236\n"));
    assert!(csv.contains("620700,by_level,DIVISION,68\n"));
    assert!(csv.contains("620700,establishment,approved,4158\n"));
    // In Chinese the values are Chinese too, not only the headers.
    let zh = api::export::build(&app.db, &scope, &request(api::export::Format::Csv, true)).await.unwrap();
    let zh = String::from_utf8(zh.bytes).unwrap();
    assert!(zh.starts_with("\u{feff}地区,表,项目,数值\n"), "{zh}");
    assert!(zh.contains("620700,按机构规格,正处级,68\n"), "{zh}");
    assert!(zh.contains("620700,按分类,公益一类,160\n"), "{zh}");
    assert!(!zh.contains("PUBLIC_WELFARE_I") && !zh.contains("by_level"), "{zh}");
    // The workbook: the same sheet, with a frozen bold header, an autofilter and column widths.
    let file = api::export::build(&app.db, &scope, &request(api::export::Format::Xlsx, true)).await.unwrap();
    assert_eq!(file.name, "overview-620700.xlsx");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(&file.name);
    std::fs::write(&path, &file.bytes).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("overview").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, vec!["地区", "表", "项目", "数值"]);
    assert!(sheet.rows().any(|r| r[2] == "公益一类" && r[3] == 160.0), "Chinese values in the workbook");
    let xml = sheet_xml(&file.bytes);
    assert!(xml.contains("<pane ySplit=\"1\"") && xml.contains("state=\"frozen\""), "frozen header: {xml:.400}");
    assert!(xml.contains("<autoFilter ref=\"A1:D"), "autofilter");
    assert!(xml.contains("<cols>") && xml.contains("customWidth=\"1\""), "column widths");
    // The download is the same workbook as the command line's (both go through `build`).
    let token = app.office("620700");
    let download = app
        .client
        .get(format!("{}/exports/overview.xlsx?jurisdiction=620700&lang=zh", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let http_path = dir.path().join("http.xlsx");
    std::fs::write(&http_path, download.bytes().await.unwrap()).unwrap();
    let mut http_book: calamine::Xlsx<_> = calamine::open_workbook(&http_path).unwrap();
    assert_eq!(http_book.sheet_names(), book.sheet_names());
    assert_eq!(http_book.worksheet_range("overview").unwrap(), sheet);
}

/// The first worksheet's XML inside an XLSX file.
pub fn sheet_xml(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[tokio::test]
async fn a_synthetic_province_loads_deterministically_with_consistent_ledgers() {
    let app = spawn_app().await;
    let first = api::seed::demo::load_synthetic(&app.db, &app.pii, 2, 2, 0.2).await.unwrap();
    assert_eq!(first.jurisdictions, 7, "the province, two cities, four counties");
    assert!(first.institutions > 60 && first.staff > 500, "{first:?}");
    assert!(api::seed::demo::load_synthetic(&app.db, &app.pii, 2, 2, 0.2).await.unwrap().already_loaded);
    let token = app.office("990000");
    let q = r#"{ overview(jurisdiction: "990000", includeDescendants: true) { institutionCount staff { inEstablishment } }
        verifyLedger(jurisdiction: "990000", includeDescendants: true) { consistent } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    assert_eq!(data["overview"]["institutionCount"].as_i64().unwrap(), first.institutions as i64);
    assert_eq!(data["verifyLedger"]["consistent"], true);
    // A history like the demo city's: slots reclaimed into the reserve and allocated on.
    let q = r#"{ reclaims: establishmentLedger(jurisdiction: "990000", includeDescendants: true, kind: RECLAIM) { totalCount }
        allocations: establishmentLedger(jurisdiction: "990000", includeDescendants: true, kind: ALLOCATE) { totalCount }
        overview(jurisdiction: "990000", includeDescendants: true) { establishment { reserve } } }"#;
    let history = app.ok(Some(&token), q, json!({})).await;
    assert!(history["reclaims"]["totalCount"].as_i64().unwrap() > 0, "{history}");
    assert!(history["allocations"]["totalCount"].as_i64().unwrap() > 0, "{history}");
    assert_eq!(history["overview"]["establishment"]["reserve"], 0, "what was reclaimed was allocated on");
    // Same seed, same province: a second database gets the same figures.
    let other = spawn_app().await;
    let again = api::seed::demo::load_synthetic(&other.db, &other.pii, 2, 2, 0.2).await.unwrap();
    assert_eq!((again.institutions, again.staff), (first.institutions, first.staff));
}
