//! Findings (the report's section 2) over the demo city and a small fixture.

use serde_json::{Value, json};

use crate::fixture::world;
use crate::helpers::spawn_app;

fn count(data: &Value, field: &str) -> u64 {
    data["findings"][field]["totalCount"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn the_demo_city_shows_the_reports_problems() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let q = r#"{ findings(jurisdiction: "620700") {
        microInstitutions { totalCount items(first: 200) { figure } } unclassified { totalCount items(first: 200) { figure } } secondedOut { totalCount items(first: 200) { figure } } logisticsHeavy { totalCount items(first: 200) { figure } }
        fewProfessionals { totalCount items(first: 200) { figure } } ageing(shareAbove: 0.3) { totalCount items(first: 200) { figure detail } } longVacant(months: 12) { totalCount items(first: 200) { figure detail } }
        neverAdjusted(establishedBefore: 1990) { totalCount items(first: 200) { figure } } overlappingResponsibilities(minSimilarity: 0.3) { totalCount items(first: 200) { figure detail } } } }"#;
    let data = app.ok(Some(&t), q, json!({})).await;
    assert_eq!(count(&data, "microInstitutions"), 88, "the report's 88 micro-institutions");
    assert_eq!(count(&data, "unclassified"), 44);
    let seconded: f64 = data["findings"]["secondedOut"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["figure"].as_f64().unwrap())
        .sum();
    assert_eq!(seconded, 46.0, "every seconded person is counted once");
    for field in ["logisticsHeavy", "fewProfessionals", "ageing", "longVacant", "neverAdjusted"] {
        assert!(count(&data, field) > 0, "{field}: {}", data["findings"][field]);
    }
    assert!(
        data["findings"]["microInstitutions"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["figure"].as_f64().unwrap() < 5.0)
    );
    let across = app.ok(Some(&t), r#"{ findings(jurisdiction: "620700", includeDescendants: true) { inconsistentClassification { totalCount items(first: 200) { detail institution { jurisdiction { code } } } } } }"#, json!({})).await;
    let list = across["findings"]["inconsistentClassification"]["items"].as_array().unwrap();
    assert!(!list.is_empty());
    let places: std::collections::HashSet<&str> =
        list.iter().map(|f| f["institution"]["jurisdiction"]["code"].as_str().unwrap()).collect();
    assert!(places.len() > 1, "the same kind of unit classified differently in different places");
    // A screen asks for a list's count and a window of it: the window is the list's own
    // order, its count the whole list's, and a window past the end is empty.
    let all: Vec<Value> = data["findings"]["microInstitutions"]["items"].as_array().unwrap().clone();
    let window = r#"query($first: Int!, $offset: Int!) { findings(jurisdiction: "620700") {
        microInstitutions { totalCount items(first: $first, offset: $offset) { figure } } } }"#;
    let page = app.ok(Some(&t), window, json!({"first": 10, "offset": 80})).await;
    assert_eq!(page["findings"]["microInstitutions"]["totalCount"], 88);
    assert_eq!(page["findings"]["microInstitutions"]["items"].as_array().unwrap()[..], all[80..88]);
    let past = app.ok(Some(&t), window, json!({"first": 10, "offset": 500})).await;
    assert_eq!(past["findings"]["microInstitutions"]["items"], json!([]));
    for (first, offset) in [(201, 0), (-1, 0), (10, -1)] {
        let code = app.error_code(Some(&t), window, json!({"first": first, "offset": offset})).await;
        assert_eq!(code, "BAD_USER_INPUT", "first {first}, offset {offset}");
    }
}

#[tokio::test]
async fn findings_on_a_fixture_and_who_may_ask() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = r#"{ findings(jurisdiction: "620700") { microInstitutions { totalCount items(first: 200) { figure institution { id } } } unclassified { totalCount items(first: 200) { institution { id } } } secondedOut { totalCount items(first: 200) { figure } } } }"#;
    let data = app.ok(Some(&w.city.token), q, json!({})).await;
    assert_eq!(
        data["findings"]["microInstitutions"]["items"],
        json!([{"figure": 1.0, "institution": {"id": w.city.institution}}])
    );
    assert_eq!(data["findings"]["unclassified"]["items"][0]["institution"]["id"], w.city.institution.as_str());
    assert_eq!(data["findings"]["secondedOut"]["items"], json!([]));
    assert_eq!(app.error_code(None, q, json!({})).await, "FORBIDDEN");
    assert_eq!(app.error_code(Some(&w.minle.token), q, json!({})).await, "FORBIDDEN");
}

#[tokio::test]
async fn offices_download_findings_releases_and_the_overview_as_csv_and_xlsx() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.ok(Some(&w.city.token), "mutation { publishRelease { id } }", json!({})).await;
    let get = |path: String, token: Option<String>| {
        let mut request = app.client.get(format!("{}{path}", app.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let findings =
        get("/exports/findings.csv?jurisdiction=620700&lang=zh".into(), Some(w.city.token.clone())).await.unwrap();
    assert_eq!(findings.status().as_u16(), 200);
    assert!(findings.headers()["content-disposition"].to_str().unwrap().contains("findings-620700.csv"));
    let text = findings.text().await.unwrap();
    assert!(text.starts_with("\u{feff}问题,单位名称,统一社会信用代码,数值,说明\n"), "{text}");
    assert!(text.contains("微小型单位,张掖市疾病预防控制中心"), "Chinese values, not only headers: {text}");
    let release = get("/exports/release.xlsx?jurisdiction=620700".into(), Some(w.city.token.clone())).await.unwrap();
    assert_eq!(release.status().as_u16(), 200);
    assert!(release.bytes().await.unwrap().starts_with(b"PK"), "an XLSX file is a zip");
    let overview = get("/exports/overview.csv?jurisdiction=620700".into(), Some(w.city.token.clone())).await.unwrap();
    assert!(overview.text().await.unwrap().contains("620700,institutions,total,1"));
    assert_eq!(get("/exports/findings.csv?jurisdiction=620700".into(), None).await.unwrap().status().as_u16(), 403);
    let other = get("/exports/findings.csv?jurisdiction=620700".into(), Some(w.minle.token.clone())).await.unwrap();
    assert_eq!(other.status().as_u16(), 403);
    assert_eq!(
        get("/exports/salaries.csv?jurisdiction=620700".into(), Some(w.city.token.clone()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

/// A credit code of digits only (as many are) leaves in every download whole: a text cell in
/// the workbook, and behind a tab in a CSV so that Excel and LibreOffice do not read it as a
/// number and round it (`tests/clients/spreadsheets.sh` opens the files in LibreOffice itself).
#[tokio::test]
async fn downloads_keep_every_digit_of_a_credit_code() {
    use calamine::{Data, Reader};
    let app = spawn_app().await;
    let w = world(&app).await;
    // A unit whose code is all digits (its check character happens to be one).
    let code = (10..100)
        .map(|n| crate::fixture::credit_code("620700", n))
        .find(|code| code.bytes().all(|b| b.is_ascii_digit()))
        .unwrap();
    let unit = crate::fixture::institution(&app, &w.city.token, &w.city.department, "张掖市数字编码中心", &code).await;
    crate::fixture::establishment(&app, &w.city.token, &unit, 3, 0).await;
    let release = app.ok(Some(&w.city.token), "mutation { publishRelease { id } }", json!({})).await;
    let id = release["publishRelease"]["id"].as_str().unwrap().to_string();
    let download = |path: String| {
        let client = app.client.clone();
        async move { client.get(path).send().await.unwrap().bytes().await.unwrap() }
    };
    // The public release as a citizen downloads it, and an office's findings.
    let csv = download(format!("{}/releases/{id}.csv", app.address)).await;
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    assert!(csv.contains(&format!(",\t{code},")), "the code behind a tab: {csv}");
    let xlsx = download(format!("{}/releases/{id}.xlsx", app.address)).await;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<&Data> = sheet.rows().flatten().filter(|cell| cell.to_string() == code).collect();
    assert!(!cells.is_empty(), "the code is in the workbook");
    assert!(cells.iter().all(|cell| matches!(cell, Data::String(_))), "a text cell, never a number: {cells:?}");
}

/// A fixture built for the remaining findings: each one names exactly the institutions made
/// to show it.
#[tokio::test]
async fn each_finding_names_the_institutions_built_to_show_it() {
    use crate::fixture::{
        CREATE_INSTITUTION, EVENT, HIRE, credit_code, establishment, event, hire_input, institution_input, national_id,
    };
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let make = |name: &'static str, n: u32, responsibilities: &'static str, established: &'static str| {
        let mut input = institution_input(&w.city.department, name, &credit_code("620700", n));
        input["responsibilities"] = json!(responsibilities);
        input["establishedOn"] = json!(established);
        json!({ "input": input })
    };
    let create = |vars: Value| async {
        app.ok(Some(t), CREATE_INSTITUTION, vars).await["createInstitution"]["id"].as_str().unwrap().to_string()
    };
    // Five logistics staff (men) born in 1968 in a unit serving through professional work:
    // logistics-heavy, few professionals, ageing.
    let depot = create(make("张掖市农产品质量检测中心", 801, "公务用车保障服务", "2010-01-01")).await;
    establishment(&app, t, &depot, 6, 0).await;
    for n in 0..5 {
        let mut input = hire_input(&depot, "司机", &national_id("620700", "19680505", 701 + 2 * n), "FISCAL");
        input["category"] = json!("LOGISTICS_SERVICE");
        input["hireDate"] = json!("1990-07-01");
        app.ok(Some(t), HIRE, json!({ "input": input })).await;
    }
    // Established in 1979 and never touched since; a twin reduced once is adjusted.
    let old = create(make("张掖市农机化技术站", 802, "农业机械化技术推广和示范", "1979-05-01")).await;
    establishment(&app, t, &old, 3, 0).await;
    let adjusted = create(make("张掖市农机化培训站", 803, "农业机械化技术推广和示范培训", "1979-06-01")).await;
    establishment(&app, t, &adjusted, 3, 0).await;
    app.ok(Some(t), EVENT, event(&adjusted, "REDUCE", 1)).await;
    // The same kind of unit classified differently in the city and in Minle.
    let classify = "mutation($i: ClassifyInput!) { classifyInstitution(input: $i) { warnings } }";
    let class = |id: &str, c: &str| json!({"i": {"institutionId": id, "classification": c, "documentNo": "张编发〔2024〕5号", "decidedOn": "2024-03-01"}});
    app.ok(Some(t), classify, class(&w.city.institution, "PUBLIC_WELFARE_I")).await;
    app.ok(Some(&w.minle.token), classify, class(&w.minle.institution, "PUBLIC_WELFARE_II")).await;
    let q = r#"{ findings(jurisdiction: "620700") {
        logisticsHeavy { totalCount items(first: 200) { institution { id } } } fewProfessionals { totalCount items(first: 200) { institution { id } } } ageing { totalCount items(first: 200) { institution { id } detail } }
        neverAdjusted(establishedBefore: 1990) { totalCount items(first: 200) { institution { id } } } longVacant(months: 12) { totalCount items(first: 200) { institution { id } } }
        overlappingResponsibilities(minSimilarity: 0.5) { totalCount items(first: 200) { institution { id } detail } } } }"#;
    let data = app.ok(Some(t), q, json!({})).await;
    let ids = |field: &str| -> Vec<String> {
        data["findings"][field]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["institution"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("logisticsHeavy"), vec![depot.clone()]);
    assert_eq!(ids("fewProfessionals"), vec![depot.clone()]);
    assert_eq!(ids("ageing"), vec![depot.clone()]);
    assert!(data["findings"]["ageing"]["items"][0]["detail"].as_str().unwrap().contains("5 of 5"));
    // In Chinese for a client reading Chinese, the post-setting rules' threshold and source named;
    // English under detailEn.
    let zh = r#"{ findings(jurisdiction: "620700") { fewProfessionals { items { detail detailEn } } logisticsHeavy { items { detail } } } }"#;
    let chinese = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(t)
        .header("Accept-Language", "zh-CN")
        .json(&json!({"query": zh}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let few = &chinese["data"]["findings"]["fewProfessionals"]["items"][0];
    assert_eq!(
        few["detail"], "以专业技术提供公益服务的单位，在编5人中专业技术人员0人，低于70%（国人部发〔2006〕70号、87号）",
        "{chinese}"
    );
    assert!(few["detailEn"].as_str().unwrap().contains("below 70%"), "{chinese}");
    assert!(
        chinese["data"]["findings"]["logisticsHeavy"]["items"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("工勤技能人员5人")
    );
    // The fixture's CDC (established 1985, only its approval since) is never adjusted too.
    let mut never = ids("neverAdjusted");
    never.sort();
    let mut expected = vec![w.city.institution.clone(), old.clone()];
    expected.sort();
    assert_eq!(never, expected);
    // Vacancies standing for over a year: every unit here has one, filled or changed last in
    // 2024 or early 2025.
    let mut vacant = ids("longVacant");
    vacant.sort();
    let mut expected = vec![w.city.institution.clone(), depot.clone(), old.clone(), adjusted.clone()];
    expected.sort();
    assert_eq!(vacant, expected);
    let overlap = &data["findings"]["overlappingResponsibilities"]["items"];
    assert_eq!(overlap.as_array().unwrap().len(), 1, "{overlap}");
    let pair = [overlap[0]["institution"]["id"].as_str().unwrap(), overlap[0]["detail"].as_str().unwrap()];
    assert!(pair[0] == old || pair[0] == adjusted, "{overlap}");
    assert!(pair[1].contains("农机化"), "{overlap}");
    let across = app
        .ok(Some(t), r#"{ findings(jurisdiction: "620700", includeDescendants: true) { inconsistentClassification { totalCount items(first: 200) { institution { id } } } } }"#, json!({}))
        .await;
    let mut inconsistent: Vec<String> = across["findings"]["inconsistentClassification"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["institution"]["id"].as_str().unwrap().to_string())
        .collect();
    inconsistent.sort();
    let mut expected = vec![w.city.institution.clone(), w.minle.institution.clone()];
    expected.sort();
    assert_eq!(inconsistent, expected, "疾病预防控制中心 is PUBLIC_WELFARE_I in the city and II in Minle");
}

fn names(data: &Value, field: &str) -> Vec<String> {
    data["findings"][field]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["institution"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_demo_findings_name_the_reports_own_cases() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let q = r#"{ findings(jurisdiction: "620700", includeDescendants: true) {
        overlappingResponsibilities { totalCount items(first: 200) { figure detail institution { name jurisdiction { code } } other { name jurisdiction { code } }
            duties { duty otherDuty similarity } } }
        neverAdjusted { totalCount items(first: 200) { figure detail institution { name jurisdiction { code } } } }
        longSecondment(months: 12) { totalCount items(first: 200) { figure detail institution { name } } }
        nominallySelfFinanced { totalCount items(first: 200) { figure detail institution { name } } }
        technicalUnitsUnderCivilServantLaw { totalCount items(first: 200) { figure detail institution { name sector managementMode } } } } }"#;
    let data = app.ok(Some(&t), q, json!({})).await;
    // Overlapping responsibilities: the report's culture trio, explained by their duties, and
    // only ever within one jurisdiction (parallel schools in two counties are not an overlap).
    let overlaps = data["findings"]["overlappingResponsibilities"]["items"].as_array().unwrap();
    let pair = |a: &str, b: &str| {
        overlaps.iter().find(|o| {
            let (x, y) = (o["institution"]["name"].as_str().unwrap(), o["other"]["name"].as_str().unwrap());
            (x == a && y == b) || (x == b && y == a)
        })
    };
    for (a, b) in [
        ("张掖市书画院", "张掖市文化馆"),
        ("张掖市书画院", "张掖市宣传文化中心"),
        ("张掖市文化馆", "张掖市宣传文化中心"),
    ] {
        let found = pair(a, b).unwrap_or_else(|| panic!("{a} / {b} overlap: {overlaps:?}"));
        assert!(!found["duties"].as_array().unwrap().is_empty());
        assert!(found["detail"].as_str().unwrap().contains("书画"), "{found}");
    }
    assert!(overlaps.iter().all(|o| o["institution"]["jurisdiction"]["code"] == o["other"]["jurisdiction"]["code"]));
    let city_pairs = overlaps.iter().filter(|o| o["institution"]["jurisdiction"]["code"] == "620700").count();
    assert!(city_pairs <= 8, "a handful of real overlaps in the city, not boilerplate: {city_pairs}");
    // Never adjusted: the report's logistics units of the 1970s and 1980s, and nothing else.
    let never: Vec<String> = names(&data, "neverAdjusted").into_iter().filter(|n| n.starts_with("张掖市")).collect();
    assert!(never.contains(&"张掖市农业局后勤服务管理站".to_string()), "{never:?}");
    assert!(never.contains(&"张掖市水务局后勤事务中心".to_string()), "{never:?}");
    assert!(never.iter().all(|n| n.contains("后勤")), "{never:?}");
    // Long-term secondment: where to and since when.
    let seconded: Vec<&Value> = data["findings"]["longSecondment"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["institution"]["name"].as_str().unwrap().starts_with("张掖市"))
        .collect();
    let long: f64 = seconded.iter().map(|f| f["figure"].as_f64().unwrap()).sum();
    assert!(long > 0.0 && long < 46.0, "most of the 46 are seconded for more than a year: {long}");
    assert!(seconded.iter().all(|f| f["detail"].as_str().unwrap().contains("张掖市")), "{seconded:?}");
    // Problem 5: the report's three units self-financed in name only.
    let nominal = names(&data, "nominallySelfFinanced");
    for unit in ["张掖市不动产登记中心", "张掖市地震安全性评价所", "张掖市安全生产检验研究培训中心"]
    {
        assert!(nominal.contains(&unit.to_string()), "{unit}: {nominal:?}");
    }
    // Problem 6: technical units managed with reference to the Civil Servant Law.
    let technical = data["findings"]["technicalUnitsUnderCivilServantLaw"]["items"].as_array().unwrap();
    assert!(!technical.is_empty());
    assert!(technical.iter().all(|f| f["institution"]["managementMode"] == "CIVIL_SERVANT_REFERENCED"));
    assert!(technical.iter().any(|f| f["institution"]["sector"] == "AGRICULTURE_FORESTRY_WATER_LIVESTOCK"));
}

/// Findings are kept while nothing they are computed from changes, and computed again after
/// any change: through the services, around them, and to a jurisdiction's name.
#[tokio::test]
async fn kept_findings_follow_every_change_to_what_they_count() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let q = r#"{ findings(jurisdiction: "620700", includeDescendants: true) {
        microInstitutions { totalCount items(first: 200) { figure institution { id name } } } } }"#;
    let city = |data: &Value| -> (f64, String) {
        let list = data["findings"]["microInstitutions"]["items"].as_array().unwrap();
        let found = list.iter().find(|f| f["institution"]["id"] == w.city.institution.as_str()).expect("the city unit");
        (found["figure"].as_f64().unwrap(), found["institution"]["name"].as_str().unwrap().to_string())
    };
    let before = app.statements();
    let first = app.ok(t, q, json!({})).await;
    let computed = app.statements() - before;
    assert_eq!(city(&first).0, 1.0, "{first}");
    let before = app.statements();
    let again = app.ok(t, q, json!({})).await;
    let kept = app.statements() - before;
    assert_eq!(again, first);
    assert!(kept < computed, "a second read is served from what was kept: {kept} against {computed} statements");
    // A hire through the service.
    let id = crate::fixture::national_id("620700", "19900101", 31);
    crate::fixture::hire(&app, &w.city.token, &w.city.institution, "新同志", &id).await;
    assert_eq!(city(&app.ok(t, q, json!({})).await).0, 2.0);
    // A change made around the services.
    let renamed = format!("UPDATE institution SET name = name || '（旧址）' WHERE id = {}", w.city.institution);
    app.db.execute_unprepared(&renamed).await.unwrap();
    assert!(city(&app.ok(t, q, json!({})).await).1.ends_with("（旧址）"));
    // A county renamed: the kind of its units (their names without the county's) is counted
    // again, so nothing kept under the old name is served.
    app.ok(t, q, json!({})).await;
    let rename = r#"mutation { updateJurisdiction(code: "620722", name: "民乐新县") { name } }"#;
    app.ok(Some(&w.minle.token), rename, json!({})).await;
    let before = app.statements();
    app.ok(t, q, json!({})).await;
    assert!(app.statements() - before > kept, "findings kept across a rename");
}

/// The demo city's vacancies carry its old system's vacant-since dates: schools and hospitals
/// fill theirs within the year, agriculture and the rest hold slots idle for years. A person
/// seeded without a recorded arrival arrived on their hire date, so their departure today
/// dates the slot it frees today, not from the unit's approval.
#[tokio::test]
async fn the_demo_dates_vacancies_as_the_report_has_them_and_a_departure_dates_its_own_slot() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let q = r#"{ findings(jurisdiction: "620700") { longVacant(months: 12) { totalCount items(first: 200) { institution { sector } } } } }"#;
    let data = app.ok(Some(&t), q, json!({})).await;
    let items = data["findings"]["longVacant"]["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{data}");
    let sectors: Vec<&str> = items.iter().map(|i| i["institution"]["sector"].as_str().unwrap()).collect();
    assert!(sectors.iter().all(|s| *s != "EDUCATION" && *s != "HEALTH"), "{sectors:?}");
    assert!(sectors.contains(&"AGRICULTURE_FORESTRY_WATER_LIVESTOCK"), "{sectors:?}");
    // A seeded person (no movement recorded) leaves today.
    let q = r#"{ staff(jurisdiction: "620700", status: ACTIVE, basis: FISCAL, first: 1) { edges { node { id institution { id } } } } }"#;
    let person = app.ok(Some(&t), q, json!({})).await;
    let node = &person["staff"]["edges"][0]["node"];
    let (id, unit) = (node["id"].as_str().unwrap(), node["institution"]["id"].as_str().unwrap());
    let today = chrono::Utc::now().date_naive().to_string();
    let leave = "mutation($i: StaffDateInput!) { staffLeaves(input: $i) { status } }";
    app.ok(Some(&t), leave, json!({"i": {"staffId": id, "effectiveOn": today, "reason": "DISMISSAL"}})).await;
    let q = r#"query($id: ID!) { institution(id: $id) { vacancies { funding since } } }"#;
    let data = app.ok(Some(&t), q, json!({"id": unit})).await;
    let fiscal: Vec<&str> = data["institution"]["vacancies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["funding"] == "FISCAL")
        .map(|v| v["since"].as_str().unwrap())
        .collect();
    assert_eq!(fiscal.last(), Some(&today.as_str()), "{data}");
    assert_eq!(fiscal.iter().filter(|s| **s == today).count(), 1, "only the freed slot is today's: {data}");
}

/// English words left in a Chinese text (runs of two or more ASCII letters).
fn english_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2).collect()
}

#[tokio::test]
async fn every_finding_reads_in_chinese_for_a_chinese_reader() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let lists = [
        "microInstitutions",
        "neverAdjusted",
        "logisticsHeavy",
        "fewProfessionals",
        "ageing",
        "longVacant",
        "pastRetirementAge",
        "offPostOverrun",
        "secondedOut",
        "longSecondment",
        "secondedWithoutPapers",
        "slotsWithoutDocument",
        "nominallySelfFinanced",
        "technicalUnitsUnderCivilServantLaw",
        "unclassified",
        "inconsistentClassification",
    ];
    let fields: Vec<String> = lists.iter().map(|l| format!("{l} {{ items(first: 200) {{ detail }} }}")).collect();
    let q = format!(
        r#"{{ findings(jurisdiction: "620700", includeDescendants: true) {{ {}
            overlappingResponsibilities(minSimilarity: 0.3) {{ items(first: 200) {{ detail }} }} }} }}"#,
        fields.join(" ")
    );
    let answer: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&t)
        .header("Accept-Language", "zh-CN")
        .json(&json!({"query": q}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["errors"].is_null(), "{answer}");
    let mut read = 0;
    for (list, page) in answer["data"]["findings"].as_object().unwrap() {
        for item in page["items"].as_array().unwrap() {
            let detail = item["detail"].as_str().unwrap();
            assert!(english_words(detail).is_empty(), "{list}: {detail}");
            read += 1;
        }
    }
    assert!(read > 200, "the demo city's findings are many: {read}");
}
