//! The turnover pool and hospital total-staff filing.

use serde_json::{Value, json};

use crate::fixture::{
    CREATE_INSTITUTION, EVENT, HIRE, assert_ledger_consistent, balance, credit_code, establishment, event, hire_input,
    institution_input, national_id, world,
};
use crate::helpers::{TestApp, spawn_app};

async fn unit(app: &TestApp, token: &str, department: &str, name: &str, n: u32, sector: &str, slots: i32) -> String {
    let mut input = institution_input(department, name, &credit_code("620700", n));
    input["sector"] = json!(sector);
    let data = app.ok(Some(token), CREATE_INSTITUTION, json!({ "input": input })).await;
    let id = data["createInstitution"]["id"].as_str().unwrap().to_string();
    establishment(app, token, &id, slots, 0).await;
    id
}

const CONFIGURE: &str =
    "mutation { configureTurnoverPool(input: {capShare: 0.5, minVacantMonths: 12}) { capShare borrowingSectors } }";
const DEPOSIT: &str = "mutation($i: PoolMovementInput!) { depositSlots(input: $i) { deposited available } }";
const WITHDRAW: &str = "mutation($i: PoolMovementInput!) { withdrawSlots(input: $i) { withdrawn queued } }";
const LEND: &str = "mutation($i: LoanInput!) { lendSlots(input: $i) { id outstanding dueOn overdue } }";
const POOL: &str = r#"{ turnoverPool(jurisdiction: "620700") { baseFund deposited lent available cap slotsEverLent
    loans { id outstanding overdue } loansBySector { sector outstanding } queuedWithdrawals { remaining } } }"#;

fn movement(institution: &str, slots: i32, on: &str) -> Value {
    json!({"i": {"institutionId": institution, "slots": slots, "documentNo": "张编发〔2025〕30号", "effectiveOn": on}})
}

fn loan(institution: &str, slots: i32, lent_on: &str, term: i32) -> Value {
    json!({"i": {"institutionId": institution, "slots": slots, "termMonths": term, "purpose": "急需补充医护人员",
        "documentNo": "张编发〔2025〕31号", "lentOn": lent_on}})
}

async fn pool(app: &TestApp, token: &str) -> Value {
    app.ok(Some(token), POOL, json!({})).await["turnoverPool"].clone()
}

#[tokio::test]
async fn deposit_lend_hire_repay_and_withdraw_keep_ownership_and_totals() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let farm =
        unit(&app, t, &w.city.department, "张掖市农技推广站", 300, "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 6).await;
    app.refused(Some(t), DEPOSIT, movement(&farm, 3, "2025-06-01"), "NOT_FOUND").await;
    app.ok(Some(t), CONFIGURE, json!({})).await;
    let overview = r#"{ overview(jurisdiction: "620700") { establishment { approved } } }"#;
    let approved_before = app.ok(Some(t), overview, json!({})).await;
    app.ok(Some(t), DEPOSIT, movement(&farm, 3, "2025-06-01")).await;
    assert_eq!(balance(&app, t, &farm).await, (6, 0, 0, 3), "owned still, three not to be filled");
    let p = pool(&app, t).await;
    assert_eq!((p["deposited"].as_i64(), p["available"].as_i64()), (Some(3), Some(3)));
    // The borrower: the city's CDC (5 approved, 1 occupied).
    let borrower = w.city.institution.as_str();
    app.refused(Some(t), LEND, loan(&farm, 1, "2025-07-01", 24), "CONFLICT").await;
    app.refused(Some(t), LEND, loan(borrower, 4, "2025-07-01", 24), "CONFLICT").await;
    let lent = app.ok(Some(t), LEND, loan(borrower, 2, "2025-07-01", 24)).await;
    let loan_id = lent["lendSlots"]["id"].as_str().unwrap().to_string();
    assert_eq!(lent["lendSlots"]["dueOn"], "2027-07-01");
    assert_eq!(balance(&app, t, borrower).await, (5, 0, 1, 6), "approved unchanged, two borrowed slots to fill");
    // Hire into the borrowed slots.
    let mut hired = Vec::new();
    for n in 0..6 {
        let input = hire_input(borrower, "护士", &national_id("620700", "19900101", 400 + n), "FISCAL");
        let data = app.ok(Some(t), HIRE, json!({ "input": input })).await;
        hired.push(data["hireStaff"]["id"].as_str().unwrap().to_string());
    }
    assert_eq!(balance(&app, t, borrower).await, (5, 0, 7, 0));
    // The depositor asks for its three back: one is free now, two wait for repayments.
    let withdrawn = app.ok(Some(t), WITHDRAW, movement(&farm, 3, "2025-08-01")).await;
    assert_eq!(withdrawn["withdrawSlots"], json!({"withdrawn": 1, "queued": 2}));
    // A person leaving the borrower repays one borrowed slot first; the queue is served.
    let leave = r#"mutation($s: ID!) { staffLeaves(input: {staffId: $s, effectiveOn: "2025-09-01", reason: RESIGNATION}) { status } }"#;
    app.ok(Some(t), leave, json!({"s": hired[0]})).await;
    let p = pool(&app, t).await;
    assert_eq!(p["lent"], 1);
    assert_eq!(p["queuedWithdrawals"], json!([{"remaining": 1}]));
    assert_eq!(balance(&app, t, borrower).await, (5, 0, 6, 0));
    // An explicit repayment needs a vacant borrowed slot.
    let repay =
        r#"mutation($l: ID!) { repayLoan(loanId: $l, slots: 1, repaidOn: "2025-10-01") { outstanding status } }"#;
    app.refused(Some(t), repay, json!({"l": loan_id}), "CONFLICT").await;
    app.ok(Some(t), leave, json!({"s": hired[1]})).await;
    let p = pool(&app, t).await;
    assert_eq!(
        (p["lent"].as_i64(), p["deposited"].as_i64(), p["queuedWithdrawals"].as_array().map(Vec::len)),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(p["slotsEverLent"], 2);
    assert_eq!(balance(&app, t, &farm).await, (6, 0, 0, 6), "all three back with their owner");
    assert_eq!(app.ok(Some(t), overview, json!({})).await, approved_before, "the pool never changes totals");
    assert_ledger_consistent(&app, t, "620700").await;
}

#[tokio::test]
async fn pool_rules_refuse_young_vacancies_the_cap_and_bad_settings() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    app.refused(
        Some(t),
        "mutation { configureTurnoverPool(input: {capShare: 1.5}) { capShare } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    app.refused(
        Some(t),
        "mutation { configureTurnoverPool(input: {borrowingSectors: []}) { capShare } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    app.ok(Some(t), CONFIGURE, json!({})).await;
    let farm =
        unit(&app, t, &w.city.department, "张掖市林木种苗站", 301, "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 4).await;
    let body = app.refused(Some(t), DEPOSIT, movement(&farm, 1, "2024-06-01"), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("stood vacant for 12 months"), "{body}");
    // The cap: half of the city's vacant fiscal slots (4 at the CDC, 4 here).
    let q = pool(&app, t).await;
    assert_eq!(q["cap"], 4);
    app.ok(Some(t), DEPOSIT, movement(&farm, 4, "2025-06-01")).await;
    // Four more vacant slots elsewhere lift the cap to half of 12: 6 < 4 + 4.
    let other = unit(&app, t, &w.city.department, "张掖市草原站", 302, "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 4).await;
    let body = app.refused(Some(t), DEPOSIT, movement(&other, 4, "2025-06-01"), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("cap"));
    app.ok(Some(t), DEPOSIT, movement(&other, 2, "2025-06-01")).await;
    assert_ledger_consistent(&app, t, "620700").await;
}

#[tokio::test]
async fn overdue_loans_are_listed_and_reserve_slots_fund_the_pool() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    app.ok(Some(t), CONFIGURE, json!({})).await;
    let spare = unit(&app, t, &w.city.department, "张掖市水保站", 303, "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 6).await;
    app.ok(Some(t), EVENT, event(&spare, "RECLAIM", 2)).await;
    let fund = r#"mutation { fundTurnoverPool(input: {slots: 2, documentNo: "张编发〔2025〕32号", effectiveOn: "2025-03-02"}) { baseFund available } }"#;
    let funded = app.ok(Some(t), fund, json!({})).await;
    assert_eq!(funded["fundTurnoverPool"], json!({"baseFund": 2, "available": 2}));
    app.refused(Some(t), fund, json!({}), "CONFLICT").await;
    app.ok(Some(t), LEND, loan(&w.city.institution, 1, "2023-01-10", 12)).await;
    let overdue = app.ok(Some(t), r#"{ turnoverPool(jurisdiction: "620700") { loans(overdueOnly: true) { overdue dueOn } loansBySector { sector outstanding } } }"#, json!({})).await;
    assert_eq!(overdue["turnoverPool"]["loans"], json!([{"overdue": true, "dueOn": "2024-01-10"}]));
    assert_eq!(overdue["turnoverPool"]["loansBySector"], json!([{"sector": "HEALTH", "outstanding": 1}]));
    // At the end of its term a loan gives back what is vacant; the CDC has 4 + 1 vacant slots.
    let settle = r#"mutation { settleDueLoans(on: "2025-01-10") { repaid stillOverdue } }"#;
    let settled = app.ok(Some(t), settle, json!({})).await;
    assert_eq!(settled["settleDueLoans"], json!({"repaid": 1, "stillOverdue": 0}));
    let p = pool(&app, t).await;
    assert_eq!((p["lent"].as_i64(), p["available"].as_i64()), (Some(0), Some(2)));
    assert_ledger_consistent(&app, t, "620700").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_loans_never_overdraw_the_pool() {
    let app = std::sync::Arc::new(spawn_app().await);
    let w = world(&app).await;
    let t = w.city.token.clone();
    app.ok(Some(&t), CONFIGURE, json!({})).await;
    let farm =
        unit(&app, &t, &w.city.department, "张掖市畜牧站", 304, "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 20).await;
    app.ok(Some(&t), DEPOSIT, movement(&farm, 5, "2025-06-01")).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (app, t, borrower) = (app.clone(), t.clone(), w.city.institution.clone());
        tasks.push(tokio::spawn(async move {
            let (_, body) = app.graphql(Some(&t), LEND, loan(&borrower, 1, "2025-07-01", 24)).await;
            body["errors"][0]["extensions"]["code"].as_str().unwrap_or("OK").to_string()
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(outcome == "OK" || outcome == "CONFLICT", "{outcome}");
        ok += i32::from(outcome == "OK");
    }
    assert_eq!(ok, 5);
    let p = pool(&app, &t).await;
    assert_eq!((p["lent"].as_i64(), p["available"].as_i64()), (Some(5), Some(0)));
    assert_ledger_consistent(&app, &t, "620700").await;
}

#[tokio::test]
async fn a_filed_hospital_hires_within_its_filed_total_and_reclaims_what_leaves() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    // Only hospitals file: the city's CDC is a health unit, not a hospital.
    let profile = r#"mutation($id: ID!) { setHospitalProfile(input: {institutionId: $id, beds: 2, annualOutpatientVisits: 0, grade: GRADE_2}) }"#;
    let refused = app.refused(Some(t), profile, json!({"id": w.city.institution}), "BAD_USER_INPUT").await;
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("医院"), "{refused}");
    let hospital = crate::fixture::institution(
        &app,
        t,
        &w.city.department,
        "张掖市第三人民医院",
        &crate::fixture::credit_code("620700", 91),
    )
    .await;
    let hospital = hospital.as_str();
    crate::fixture::establishment(&app, t, hospital, 5, 0).await;
    let resident = crate::fixture::hire(&app, t, hospital, "医生", &national_id("620700", "19850101", 91)).await;
    app.ok(Some(t), profile, json!({"id": hospital})).await;
    let proposed = app
        .ok(Some(t), "mutation($id: ID!) { proposeStaffingFiling(institutionId: $id) { id proposedTotal status basis { ratio bedStaff outpatientStaff low high source } } }", json!({"id": hospital}))
        .await;
    // 2 beds x 1.30-1.40 = 2.6-2.8; no outpatients, 6 a day short of three per bed: -0.06 steps
    // x 7-5 staff = -0.42 to -0.30. Range 2 to 3 (2.18 and 2.5 rounded), proposal 3.
    let basis = &proposed["proposeStaffingFiling"]["basis"];
    assert_eq!((basis["low"].as_i64(), basis["high"].as_i64()), (Some(2), Some(3)), "{basis}");
    assert_eq!(proposed["proposeStaffingFiling"]["proposedTotal"], 3);
    assert!(basis["source"].as_str().unwrap().contains("1978"));
    let over = r#"mutation($id: ID!) { approveStaffingFiling(filingId: $id, approvedTotal: 4, documentNo: "张编发〔2025〕40号") { status } }"#;
    let filing_id = proposed["proposeStaffingFiling"]["id"].as_str().unwrap().to_string();
    let body = app.refused(Some(t), over, json!({"id": filing_id}), "BAD_USER_INPUT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("2 to 3"), "{body}");
    let filed = |n: u32| hire_input(hospital, "备案护士", &national_id("620700", "19910101", 500 + n), "FILED");
    app.refused(Some(t), HIRE, json!({ "input": filed(0) }), "CONFLICT").await;
    let id = proposed["proposeStaffingFiling"]["id"].as_str().unwrap().to_string();
    let approve = r#"mutation($id: ID!) { approveStaffingFiling(filingId: $id, documentNo: "张编发〔2025〕40号") { status approvedTotal staffTotal } }"#;
    let approved = app.ok(Some(t), approve, json!({"id": id})).await;
    assert_eq!(approved["approveStaffingFiling"], json!({"status": "APPROVED", "approvedTotal": 3, "staffTotal": 1}));
    app.ok(Some(t), HIRE, json!({ "input": filed(1) })).await;
    // A filed hospital's new hires are filed: no one more in establishment.
    let in_establishment = hire_input(hospital, "编内", &national_id("620700", "19880101", 95), "FISCAL");
    app.refused(Some(t), HIRE, json!({ "input": in_establishment }), "CONFLICT").await;
    app.ok(Some(t), HIRE, json!({ "input": filed(2) })).await;
    app.refused(Some(t), HIRE, json!({ "input": filed(3) }), "CONFLICT").await;
    let counts = app
        .ok(
            Some(t),
            r#"{ overview(jurisdiction: "620700") { staff { inEstablishment filed } establishment { reserve } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(counts["overview"]["staff"], json!({"inEstablishment": 2, "filed": 2}));
    // "Exit one, reclaim one": the person in establishment leaves, the slot goes to the reserve.
    let leave = r#"mutation($s: ID!) { staffLeaves(input: {staffId: $s, effectiveOn: "2025-09-01", reason: RESIGNATION}) { status } }"#;
    app.ok(Some(t), leave, json!({"s": resident})).await;
    assert_eq!(balance(&app, t, hospital).await, (4, 0, 0, 4));
    let reserve =
        app.ok(Some(t), r#"{ overview(jurisdiction: "620700") { establishment { reserve } } }"#, json!({})).await;
    assert_eq!(reserve["overview"]["establishment"]["reserve"], 1);
    assert_ledger_consistent(&app, t, "620700").await;
}

#[tokio::test]
async fn the_demo_city_has_a_pool_with_an_overdue_loan_and_two_filed_hospitals() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let q = r#"{ overview(jurisdiction: "620700") { pool { baseFund deposited lent available } establishment { approved reserve } }
        turnoverPool(jurisdiction: "620700") { loans { overdue outstanding } loansBySector { sector outstanding } }
        hospitals: institutions(jurisdiction: "620700", sector: HEALTH, first: 50) { edges { node { id name } } } }"#;
    let data = app.ok(Some(&t), q, json!({})).await;
    let pool = &data["overview"]["pool"];
    assert_eq!(pool["baseFund"], 10);
    assert!(pool["deposited"].as_i64().unwrap() > 0, "{pool}");
    assert_eq!(pool["lent"], 8);
    assert_eq!(data["overview"]["establishment"]["approved"], 4158, "the pool changes no total");
    let loans = data["turnoverPool"]["loans"].as_array().unwrap();
    assert_eq!(loans.len(), 3);
    assert_eq!(loans.iter().filter(|l| l["overdue"] == true).count(), 1);
    let mut filed = 0;
    for edge in data["hospitals"]["edges"].as_array().unwrap() {
        let name = edge["node"]["name"].as_str().unwrap();
        let f = app
            .ok(
                Some(&t),
                "query($id: ID!) { hospitalFiling(institutionId: $id) { status approvedTotal staffTotal } }",
                json!({"id": edge["node"]["id"]}),
            )
            .await;
        if !f["hospitalFiling"].is_null() {
            assert!(name.contains("中医医院") || name.contains("第二人民医院"), "{name}");
            assert_eq!(f["hospitalFiling"]["status"], "APPROVED");
            filed += 1;
        }
    }
    assert_eq!(filed, 2);
    assert_ledger_consistent(&app, &t, "620700").await;
}

#[tokio::test]
async fn excellent_institutions_come_first_among_loan_candidates() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let data = app
        .ok(Some(&t), r#"{ loanCandidates(jurisdiction: "620700") { latestGrade institution { sector } } }"#, json!({}))
        .await;
    let list = data["loanCandidates"].as_array().unwrap();
    assert!(list.iter().all(|c| ["EDUCATION", "HEALTH"].contains(&c["institution"]["sector"].as_str().unwrap())));
    let first_other = list.iter().position(|c| c["latestGrade"] != "EXCELLENT").unwrap();
    assert!(first_other > 0, "the demo has EXCELLENT schools or hospitals: {list:?}");
    assert!(list[first_other..].iter().all(|c| c["latestGrade"] != "EXCELLENT"));
}

#[tokio::test]
async fn the_hospital_norm_follows_its_text() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let hospital =
        crate::fixture::institution(&app, t, &w.city.department, "张掖市中医医院", &credit_code("620700", 92)).await;
    let set = r#"mutation($id: ID!, $beds: Int!, $visits: Int!, $kind: HospitalKind!) {
        setHospitalProfile(input: {institutionId: $id, beds: $beds, annualOutpatientVisits: $visits, grade: GRADE_3A, kind: $kind}) }"#;
    let propose = r#"mutation($id: ID!) { proposeStaffingFiling(institutionId: $id) {
        proposedTotal basis { ratioLow ratioHigh outpatientStaff low high note } } }"#;
    let filing = |beds: i32, visits: i32, kind: &'static str| {
        let app = &app;
        let hospital = hospital.clone();
        async move {
            app.ok(Some(t), set, json!({"id": hospital, "beds": beds, "visits": visits, "kind": kind})).await;
            app.ok(Some(t), propose, json!({"id": hospital})).await["proposeStaffingFiling"].clone()
        }
    };
    // "300-500床": a 500-bed hospital is in the middle band; exactly three visits per bed a day
    // (459,000 over 306 days) neither adds nor removes staff.
    let at_500 = filing(500, 459_000, "GENERAL").await;
    assert_eq!(at_500["basis"]["ratioLow"], 1.4, "{at_500}");
    assert_eq!((at_500["basis"]["low"].as_i64(), at_500["basis"]["high"].as_i64()), (Some(700), Some(750)));
    assert_eq!(at_500["basis"]["outpatientStaff"], 0);
    let at_501 = filing(501, 459_918, "GENERAL").await;
    assert_eq!(at_501["basis"]["ratioLow"], 1.6, "{at_501}");
    // Fewer visits than three per bed a day remove staff.
    let quiet = filing(500, 306_000, "GENERAL").await;
    assert!(quiet["basis"]["outpatientStaff"].as_i64().unwrap() < 0, "{quiet}");
    assert!(quiet["proposedTotal"].as_i64().unwrap() < at_500["proposedTotal"].as_i64().unwrap());
    assert!(quiet["basis"]["note"].is_null());
    // A TCM hospital with no TCM norm configured is told why the general norm applies.
    let tcm = filing(500, 459_000, "TCM").await;
    assert!(tcm["basis"]["note"].as_str().unwrap().contains("general"), "{tcm}");
}

const VACANCIES: &str = "query($id: ID!) { institution(id: $id) { vacancies { funding since } } }";

async fn vacancy_dates(app: &TestApp, token: &str, institution: &str) -> Vec<String> {
    let data = app.ok(Some(token), VACANCIES, json!({"id": institution})).await;
    data["institution"]["vacancies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["since"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_vacant_slot_has_its_own_age_and_a_deposit_resets_no_other() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    app.ok(Some(t), CONFIGURE, json!({})).await;
    // The CDC: 5 slots approved on 2024-01-01, one filled (2015 hire date, recorded on arrival).
    let cdc = w.city.institution.as_str();
    assert_eq!(vacancy_dates(&app, t, cdc).await, vec!["2024-01-01"; 4]);
    // Fill the other four, then one retires yesterday: one vacancy, dated yesterday.
    let mut people = Vec::new();
    for n in 0..4 {
        people.push(crate::fixture::hire(&app, t, cdc, "职工", &national_id("620700", "19850101", 300 + n)).await);
    }
    assert!(vacancy_dates(&app, t, cdc).await.is_empty());
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
    let retire = r#"mutation($s: ID!, $on: NaiveDate!) { retireStaff(input: {retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", staffId: $s, effectiveOn: $on}) { status } }"#;
    app.ok(Some(t), retire, json!({"s": people[0], "on": yesterday})).await;
    assert_eq!(vacancy_dates(&app, t, cdc).await, vec![yesterday.clone()]);
    // A slot vacated yesterday is not "vacant 12 months or more": the pool refuses it.
    let today = chrono::Utc::now().date_naive().to_string();
    let body = app.refused(Some(t), DEPOSIT, movement(cdc, 1, &today), "CONFLICT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("only 0 of"), "{body}");
    // Three slots vacant since 2024-01-01 elsewhere: depositing one leaves the others their age.
    let farm =
        unit(&app, t, &w.city.department, "张掖市林木种苗站", 311, "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", 3).await;
    let approved_on = vacancy_dates(&app, t, &farm).await;
    assert_eq!(approved_on.len(), 3);
    app.ok(Some(t), DEPOSIT, movement(&farm, 1, "2025-06-01")).await;
    assert_eq!(vacancy_dates(&app, t, &farm).await, approved_on[..2].to_vec(), "a deposit reset the others' age");
    app.ok(Some(t), DEPOSIT, movement(&farm, 1, "2025-06-02")).await;
    // The long-vacant finding counts slots by their own age: the farm's last one, not the CDC's.
    let q = r#"{ findings(jurisdiction: "620700") { longVacant(months: 12) { totalCount items(first: 200) { institution { id } figure } } } }"#;
    let found = app.ok(Some(t), q, json!({})).await;
    let ids: Vec<&str> = found["findings"]["longVacant"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["institution"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&farm.as_str()), "{found}");
    assert!(!ids.contains(&cdc), "{found}");
    assert_ledger_consistent(&app, t, "620700").await;
}
