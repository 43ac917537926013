//! Maintained totals (one row of overview figures per jurisdiction): after every kind of write
//! they equal a recount of the rows, and a reader never sees a stale row.

use serde_json::{Value, json};

use crate::fixture::{
    EVENT, HIRE, assert_ledger_consistent, credit_code, event, hire_input, national_id, second_institution, world,
};
use crate::helpers::{TestApp, spawn_app};

const VERIFY: &str = r#"query($c: String!) { verifyLedger(jurisdiction: $c, includeDescendants: true) {
    consistent totalsChecked totalsDifferences { jurisdictionId institutionId figure recorded derived } } }"#;

const FIGURES: &str = r#"query($asOf: NaiveDate) { overview(jurisdiction: "620700", includeDescendants: true, asOf: $asOf) {
    institutionCount byLevel { key count } byFundingForm { key count } byManagementMode { key count }
    bySector { key count } approvedBySector { key count } bySizeBand { key count } byClassification { key count }
    establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment reserve }
    staff { inEstablishment fiscal selfFinanced management professionalTechnical logisticsService temporary secondedOut filed } } }"#;

fn dated(mutation: &str, staff: &str, on: &str) -> (String, Value) {
    // The fixture's people are in their forties: a retirement is an early one, on its basis.
    let basis = if mutation == "retireStaff" {
        r#"retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", "#
    } else if mutation == "staffLeaves" {
        "reason: RESIGNATION, "
    } else {
        ""
    };
    let q = format!(
        r#"mutation($s: ID!) {{ {mutation}(input: {{{basis}staffId: $s, effectiveOn: "{on}"}}) {{ status }} }}"#
    );
    (q, json!({ "s": staff }))
}

async fn verify(app: &TestApp, token: &str) -> Value {
    app.ok(Some(token), VERIFY, json!({"c": "620700"})).await["verifyLedger"].clone()
}

#[tokio::test]
async fn maintained_totals_equal_a_recount_after_every_kind_of_write() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.clone();
    let t = Some(token.as_str());
    // Establishment events: approve, freeze, reclaim to the reserve, allocate from it.
    let b = second_institution(&app, &token, &w.city.department, "张掖市健康教育所", 48, 6).await;
    app.ok(t, EVENT, event(&b, "FREEZE", 1)).await;
    app.ok(t, EVENT, event(&b, "RECLAIM", 2)).await;
    app.ok(t, EVENT, event(&w.city.institution, "ALLOCATE", 1)).await;
    // Hires (fiscal and temporary), a secondment, a transfer, a retirement, a departure.
    let mut hired = Vec::new();
    for n in 0..3 {
        let input = hire_input(&b, "新进人员", &national_id("620700", "19900101", 300 + n), "FISCAL");
        hired.push(app.ok(t, HIRE, json!({ "input": input })).await["hireStaff"]["id"].as_str().unwrap().to_string());
    }
    let temporary = hire_input(&b, "临时人员", &national_id("620700", "19910101", 400), "TEMPORARY");
    app.ok(t, HIRE, json!({ "input": temporary })).await;
    let second = r#"mutation($s: ID!) { secondStaff(input: {staffId: $s, secondedTo: "张掖市人民政府办公室", effectiveOn: "2025-01-02"}) { status } }"#;
    app.ok(t, second, json!({"s": hired[0]})).await;
    let transfer = r#"mutation($s: ID!, $to: ID!) { transferStaff(input: {staffId: $s, toInstitutionId: $to, effectiveOn: "2025-01-02"}) { status } }"#;
    app.ok(t, transfer, json!({"s": hired[1], "to": w.city.institution})).await;
    let (q, v) = dated("retireStaff", &hired[2], "2025-06-30");
    app.ok(t, &q, v).await;
    let (q, v) = dated("staffLeaves", &w.minle.person, "2025-07-01");
    app.ok(Some(&w.minle.token), &q, v).await;
    // A decision that moves the institution's level, and a classification.
    let decide = r#"mutation($i: DecideDeterminationsInput!) { decideDeterminations(input: $i) { level } }"#;
    let decision = json!({"i": {"institutionId": b, "level": "DEPUTY_DIVISION", "responsibilities": "承担全市健康促进工作",
        "documentNo": "张编发〔2026〕9号", "decidedOn": "2026-06-01", "reason": "升格"}});
    app.ok(t, decide, decision).await;
    // Reforms: a merge in the city, a conversion in a county.
    let c = second_institution(&app, &token, &w.city.department, "张掖市卫生监督所", 49, 2).await;
    let merge = r#"mutation($i: MergeInput!) { mergeInstitutions(input: $i) { slotsMoved } }"#;
    let input = json!({"i": {"sourceIds": [c], "targetId": b, "documentNo": "张编发〔2026〕11号", "effectiveOn": "2026-07-01", "reason": "整合"}});
    app.ok(t, merge, input).await;
    let convert = r#"mutation($i: ConvertInput!) { convertToEnterprise(input: $i) { slotsRemoved } }"#;
    let input = json!({"i": {"institutionId": w.sunan.institution, "documentNo": "肃编发〔2026〕1号",
        "effectiveOn": "2026-07-01", "reason": "转企改制"}});
    app.ok(Some(&w.sunan.token), convert, input).await;
    // Imports: an institution file into a county, then a staff file into it.
    let dir = tempfile::tempdir().unwrap();
    let code = credit_code("620722", 802);
    let institutions = format!(
        "credit_code,name,jurisdiction,department,sector,level,funding_form,management_mode,classification,legal_person,established_on,approved_fiscal,approved_self_financed\n\
         {code},民乐县水文站,620722,民乐县水务局,AGRICULTURE_FORESTRY_WATER_LIVESTOCK,SECTION,FULL_APPROPRIATION,REGULAR,PUBLIC_WELFARE_I,true,1979-05-01,4,1"
    );
    let path = dir.path().join("institutions.csv");
    std::fs::write(&path, institutions).unwrap();
    assert_eq!(api::import::import_institutions(&app.db, &path).await.unwrap().written, 1);
    let mut staff = vec!["national_id,name,institution_credit_code,category,basis,status,hire_date".to_string()];
    for n in 0..3 {
        let id = national_id("620722", "19850101", n);
        staff.push(format!("{id},职工{n},{code},PROFESSIONAL_TECHNICAL,FISCAL,ACTIVE,2010-09-01"));
    }
    let path = dir.path().join("staff.csv");
    std::fs::write(&path, staff.join("\n")).unwrap();
    assert_eq!(api::import::import_staff(&app.db, &app.pii, &path, false).await.unwrap().written, 3);

    let checked = verify(&app, &token).await;
    assert_eq!(checked["totalsDifferences"], json!([]), "{checked}");
    assert_eq!(checked["consistent"], true, "{checked}");
    assert_eq!(checked["totalsChecked"], 7, "the city and its six counties: {checked}");
    assert_ledger_consistent(&app, &token, "620700").await;
    // And an independent rebuild (from the ledger and the staff movements) agrees.
    let today = chrono::Utc::now().date_naive().to_string();
    let now = app.ok(t, FIGURES, json!({"asOf": null})).await;
    let rebuilt = app.ok(t, FIGURES, json!({"asOf": today})).await;
    assert_eq!(now, rebuilt);
    assert_eq!(now["overview"]["staff"]["temporary"], 1, "{now}");
    assert_eq!(now["overview"]["staff"]["secondedOut"], 1, "{now}");
}

#[tokio::test]
async fn a_tampered_total_is_reported_and_a_write_around_the_service_is_recounted_on_read() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.clone();
    let t = Some(token.as_str());
    let before = app.ok(t, FIGURES, json!({"asOf": null})).await;
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(
            "UPDATE jurisdiction_totals SET figures = '{\"institutions\": 999}' \
             WHERE jurisdiction_id = (SELECT id FROM jurisdiction WHERE code = '620721')",
        )
        .await
        .unwrap();
    let checked = verify(&app, &token).await;
    assert_eq!(checked["consistent"], false, "{checked}");
    let differences = checked["totalsDifferences"].as_array().unwrap();
    let institutions = differences.iter().find(|d| d["figure"] == "institutions").expect("the tampered figure");
    assert_eq!((institutions["recorded"].clone(), institutions["derived"].clone()), (json!(999), json!(1)));
    assert!(differences.iter().any(|d| d["figure"] == "establishment.approved"), "{checked}");
    // A write that bypasses the services (here, by hand) marks its jurisdiction; a read
    // recounts a marked row instead of trusting it, the tampered one included.
    app.db.execute_unprepared("UPDATE institution SET level = 'DIVISION' WHERE name LIKE '肃南县%'").await.unwrap();
    let after = app.ok(t, FIGURES, json!({"asOf": null})).await;
    assert_ne!(after, before);
    assert_eq!(after["overview"]["institutionCount"], before["overview"]["institutionCount"]);
    let division = |v: &Value| {
        v["overview"]["byLevel"].as_array().unwrap().iter().find(|c| c["key"] == "DIVISION").unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(division(&after), division(&before) + 1);
    // Reads never write (they may run on a replica): the read hands the marks to a settle of
    // its own on the primary, which stores the row, moved by the institution's difference…
    let mut waited = 0;
    while app
        .db
        .query_one_raw(sea_orm::Statement::from_string(app.db.get_database_backend(), "SELECT id FROM totals_dirty"))
        .await
        .unwrap()
        .is_some()
    {
        assert!(waited < 100, "the marks a read found were never stored");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    let checked = verify(&app, &token).await;
    assert_eq!(checked["totalsChecked"], 7, "{checked}");
    let differences = checked["totalsDifferences"].as_array().unwrap();
    assert!(differences.iter().all(|d| d["figure"] != "byLevel.DIVISION"), "the move is stored: {checked}");
    assert!(differences.iter().any(|d| d["figure"] == "institutions" && d["recorded"] == 999), "{checked}");
    // …so the tampering still shows, and still does after the next write…
    app.ok(t, EVENT, event(&w.city.institution, "APPROVE", 1)).await;
    let checked = verify(&app, &token).await;
    assert_eq!(checked["totalsChecked"], 7, "{checked}");
    let institutions = checked["totalsDifferences"].as_array().unwrap().iter().find(|d| d["figure"] == "institutions");
    assert_eq!(institutions.map(|d| d["recorded"].clone()), Some(json!(999)), "{checked}");
    // …until the repair (`api migrate --recount-totals`) recounts every row.
    assert_eq!(api::totals::recount_all(&app.db).await.unwrap(), 8);
    let checked = verify(&app, &token).await;
    assert_eq!((checked["totalsChecked"].clone(), checked["totalsDifferences"].clone()), (json!(7), json!([])));
    let repaired = app.ok(t, FIGURES, json!({"asOf": null})).await;
    let approved = |v: &Value| v["overview"]["establishment"]["approved"].as_i64().unwrap();
    assert_eq!(approved(&repaired), approved(&after) + 1, "the approval of one slot, and nothing else");
    assert_eq!(repaired["overview"]["byLevel"], after["overview"]["byLevel"]);
}

#[tokio::test]
async fn staff_counts_come_from_each_institutions_share_and_a_write_around_the_services_from_the_people() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = w.city.token.clone();
    let t = Some(token.as_str());
    const COUNTS: &str =
        "query($id: ID!) { institution(id: $id) { staffCounts { inEstablishment fiscal temporary } } }";
    let counts = |data: Value| data["institution"]["staffCounts"].clone();
    let before = counts(app.ok(t, COUNTS, json!({"id": w.city.institution})).await);
    assert_eq!(before, json!({"inEstablishment": 1, "fiscal": 1, "temporary": 0}));
    let id: i32 = w.city.institution.parse().unwrap();
    // The figures are the institution's stored share: a share altered by hand shows, and
    // verifyLedger names the institution and the figure.
    app.db
        .execute_unprepared(&format!(
            "UPDATE institution_totals SET figures = '{{\"staff\": {{\"inEstablishment\": 9, \"fiscal\": 9}}}}' \
             WHERE institution_id = {id}"
        ))
        .await
        .unwrap();
    let altered = counts(app.ok(t, COUNTS, json!({"id": w.city.institution})).await);
    assert_eq!(altered, json!({"inEstablishment": 9, "fiscal": 9, "temporary": 0}));
    let checked = verify(&app, &token).await;
    assert_eq!(checked["consistent"], false, "{checked}");
    let named =
        checked["totalsDifferences"].as_array().unwrap().iter().find(|d| d["figure"] == "staff.inEstablishment");
    let named = named.expect("the altered share's figure").clone();
    assert_eq!(named["institutionId"], json!(w.city.institution), "{checked}");
    assert_eq!((named["recorded"].clone(), named["derived"].clone()), (json!(9), json!(1)), "{checked}");
    // A write around the services marks the jurisdiction: until it is settled, the counts come
    // from the people themselves.
    let person: i32 = w.city.person.parse().unwrap();
    app.db.execute_unprepared(&format!("UPDATE staff SET basis = 'TEMPORARY' WHERE id = {person}")).await.unwrap();
    let around = counts(app.ok(t, COUNTS, json!({"id": w.city.institution})).await);
    assert_eq!(around, json!({"inEstablishment": 0, "fiscal": 0, "temporary": 1}));
    // Once settled (the repair recounts every share), the stored share says the same.
    api::totals::recount_all(&app.db).await.unwrap();
    let settled = counts(app.ok(t, COUNTS, json!({"id": w.city.institution})).await);
    assert_eq!(settled, around);
    let checked = verify(&app, &token).await;
    assert_eq!(checked["totalsDifferences"], json!([]), "{checked}");
}
