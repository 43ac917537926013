//! Working age: hires need an adult below the statutory retirement age (with the 2025
//! gradual raise), and each institution has a retirement forecast.

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::fixture::{self, HIRE, hire_input, world};
use crate::helpers::spawn_app;

const FORECAST: &str = "query($id: ID!) { institution(id: $id) { retirementForecast(years: 5) {
    pastRetirementAge years { year management professionalTechnical logisticsService total } } } }";

#[tokio::test]
async fn a_minor_or_someone_past_retirement_age_is_not_hired_and_nothing_is_written() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    // Sixteen on the hire date.
    let minor = fixture::national_id("620700", "20090301", 11);
    let mut input = hire_input(&w.city.institution, "少年", &minor, "FISCAL");
    input["hireDate"] = json!("2025-09-01");
    let body = app.refused(t, HIRE, json!({"input": input}), "BAD_USER_INPUT").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("at least 18"), "{body}");
    // A woman (even sequence digit) in a professional post born in June 1970: 55 years and
    // 2 months, reached in August 2025.
    let retired = fixture::national_id("620700", "19700601", 12);
    let body = app
        .refused(
            t,
            HIRE,
            json!({"input": hire_input(&w.city.institution, "退休", &retired, "FISCAL")}),
            "BAD_USER_INPUT",
        )
        .await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("retirement age on 2025-08-01"), "{body}");
    // A man in January of the year he turns 59 is still hired (men retire at 60 or later).
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) - 59;
    let older = fixture::national_id("620700", &format!("{year}0101"), 13);
    app.ok(t, HIRE, json!({"input": hire_input(&w.city.institution, "老同志", &older, "FISCAL")})).await;
    // The rules are public law.
    let rules = app.ok(None, "{ retirementRules { group originalAge maxRaiseMonths source } }", json!({})).await;
    assert_eq!(rules["retirementRules"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn an_institution_forecasts_its_retirements_year_by_year() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    // Two more people: a man who retires next year and a woman worker who retires the year
    // after (birth dates found from the statutory table, so the test holds in any year).
    use api::staff::retirement::{Sex, retirement_date};
    use chrono::Datelike;
    let this_year = chrono::Utc::now().date_naive().year();
    let born_to_retire_in = |year: i32, sex: Sex, category: entity::enums::StaffCategory| {
        let mut birth = chrono::NaiveDate::from_ymd_opt(year - 66, 1, 10).unwrap();
        while retirement_date(birth, sex, category).year() < year {
            birth = birth + chrono::Months::new(1);
        }
        birth.format("%Y%m%d").to_string()
    };
    let next = this_year + 1;
    let man = fixture::national_id(
        "620700",
        &born_to_retire_in(next, Sex::Male, entity::enums::StaffCategory::ProfessionalTechnical),
        21,
    );
    app.ok(t, HIRE, json!({"input": hire_input(&w.city.institution, "甲", &man, "FISCAL")})).await;
    let after = this_year + 2;
    let woman = fixture::national_id(
        "620700",
        &born_to_retire_in(after, Sex::Female, entity::enums::StaffCategory::LogisticsService),
        22,
    );
    let mut input = hire_input(&w.city.institution, "乙", &woman, "FISCAL");
    input["category"] = json!("LOGISTICS_SERVICE");
    app.ok(t, HIRE, json!({"input": input})).await;
    let data = app.ok(t, FORECAST, json!({"id": w.city.institution})).await;
    let forecast = &data["institution"]["retirementForecast"];
    assert_eq!(forecast["pastRetirementAge"], 0);
    let years = forecast["years"].as_array().unwrap();
    assert_eq!(years.len(), 5);
    let of = |year: i64| years.iter().find(|y| y["year"] == year).cloned().unwrap_or_default();
    assert_eq!(of(i64::from(next))["professionalTechnical"], 1, "{forecast}");
    assert_eq!(of(i64::from(after))["logisticsService"], 1, "{forecast}");
    // The fixture's own employee (born 1980, a man) retires in 2043, beyond the five years.
    assert_eq!(years.iter().map(|y| y["total"].as_i64().unwrap()).sum::<i64>(), 2);
    // Not public.
    assert_eq!(app.error_code(None, FORECAST, json!({"id": w.city.institution})).await, "FORBIDDEN");
    fixture::assert_ledger_consistent(&app, &w.city.token, "620700").await;
}

#[tokio::test]
async fn no_one_on_the_demo_citys_active_lists_is_past_retirement_age() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let q = r#"query($after: String) { institutions(jurisdiction: "620700", includeDescendants: true, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { retirementForecast { pastRetirementAge years { total } } } } } }"#;
    let (mut after, mut past, mut upcoming, mut pages) = (serde_json::Value::Null, 0, 0, 0);
    loop {
        let data = app.ok(Some(&token), q, json!({"after": after})).await;
        for edge in data["institutions"]["edges"].as_array().unwrap() {
            let forecast = &edge["node"]["retirementForecast"];
            past += forecast["pastRetirementAge"].as_i64().unwrap();
            upcoming += forecast["years"].as_array().unwrap().iter().map(|y| y["total"].as_i64().unwrap()).sum::<i64>();
        }
        pages += 1;
        if !data["institutions"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = data["institutions"]["pageInfo"]["endCursor"].clone();
    }
    assert!(pages > 1);
    assert_eq!(past, 0, "people past retirement age on the demo's active lists");
    assert!(upcoming > 0, "an ageing workforce retires within five years");
}

const SEARCH: &str = "query($j: String!, $d: Boolean!, $q: String!, $after: String) {
    staff(jurisdiction: $j, includeDescendants: $d, search: $q, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }";

#[tokio::test]
async fn people_are_found_by_any_part_of_their_name_down_to_one_character() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for (unit, name, seq) in
        [(&w.city, "傅明", 21), (&w.minle, "傅红", 22), (&w.sunan, "李傅", 23), (&w.city, "明远", 24)]
    {
        let code = &unit.national_id[..6];
        let id = fixture::national_id(code, "19850101", seq);
        app.ok(Some(&unit.token), HIRE, json!({"input": hire_input(&unit.institution, name, &id, "FISCAL")})).await;
    }
    let t = Some(w.city.token.as_str());
    let search = |j: &'static str, d: bool, q: &'static str, after: Option<String>| json!({"j": j, "d": d, "q": q, "after": after});
    let names = |data: &serde_json::Value| -> Vec<String> {
        data["staff"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap().into()).collect()
    };
    // One character, the whole city: three people, two to a page, in hiring order.
    let first = app.ok(t, SEARCH, search("620700", true, "傅", None)).await;
    assert_eq!(first["staff"]["totalCount"], 3, "{first}");
    assert_eq!(names(&first), ["傅明", "傅红"]);
    assert_eq!(first["staff"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["staff"]["pageInfo"]["endCursor"].as_str().map(String::from);
    let rest = app.ok(t, SEARCH, search("620700", true, "傅", cursor)).await;
    assert_eq!(names(&rest), ["李傅"]);
    assert_eq!(rest["staff"]["totalCount"], 3);
    // Two characters in their order; the same two the other way round match no one.
    let both = app.ok(t, SEARCH, search("620700", true, "傅明", None)).await;
    assert_eq!(names(&both), ["傅明"]);
    let reversed = app.ok(t, SEARCH, search("620700", true, "明傅", None)).await;
    assert_eq!(reversed["staff"]["totalCount"], 0, "{reversed}");
    // One county alone, and a county office cannot search the city.
    let county = app.ok(t, SEARCH, search("620722", false, "傅", None)).await;
    assert_eq!(names(&county), ["傅红"]);
    let minle = Some(w.minle.token.as_str());
    app.refused(minle, SEARCH, search("620700", true, "傅", None), "FORBIDDEN").await;
    let own = app.ok(minle, SEARCH, search("620722", true, "傅", None)).await;
    assert_eq!(names(&own), ["傅红"]);
    // On PostgreSQL one index answers the jurisdiction and the characters, and keeps no
    // pending list a search would read whole.
    if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let sql = "SELECT CAST(reloptions AS TEXT) AS options FROM pg_class WHERE oid = to_regclass('ix_staff_jurisdiction_name_characters')";
        let row =
            app.db.query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, sql)).await.unwrap();
        let options: String = row.expect("the index exists").try_get("", "options").unwrap();
        assert!(options.contains("fastupdate=off"), "{options}");
    }
}
