//! Tenant isolation, root field by root field: a county sees only itself, the city sees its
//! counties, a department sees its own units, the public sees public fields only.

use serde_json::{Value, json};

use crate::fixture::world;
use crate::helpers::spawn_app;

fn ids(list: &Value, path: &[&str]) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let mut v = item;
            for key in path {
                v = &v[*key];
            }
            v.as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn jurisdictions_and_departments_follow_the_tree() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "{ jurisdictions { code } departments { id } }";
    let minle = app.ok(Some(&w.minle.token), q, json!({})).await;
    assert_eq!(ids(&minle["jurisdictions"], &["code"]), vec!["620722"]);
    assert_eq!(ids(&minle["departments"], &["id"]), vec![w.minle.department.clone()]);
    let city = app.ok(Some(&w.city.token), q, json!({})).await;
    assert_eq!(city["jurisdictions"].as_array().unwrap().len(), 7);
    let departments = ids(&city["departments"], &["id"]);
    for d in [&w.city.department, &w.minle.department, &w.sunan.department] {
        assert!(departments.contains(d));
    }
    let one = "query($c: String!) { jurisdiction(code: $c) { code } }";
    let other = app.ok(Some(&w.minle.token), one, json!({"c": "620721"})).await;
    assert!(other["jurisdiction"].is_null(), "a county cannot read its neighbour: {other}");
    let child = app.ok(Some(&w.city.token), one, json!({"c": "620721"})).await;
    assert_eq!(child["jurisdiction"]["code"], "620721");
    let forbidden =
        app.error_code(Some(&w.minle.token), "{ departments(jurisdiction: \"620721\") { id } }", json!({})).await;
    assert_eq!(forbidden, "FORBIDDEN");
}

#[tokio::test]
async fn institutions_follow_the_tree() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "{ institutions { totalCount edges { node { id } } } }";
    let minle = app.ok(Some(&w.minle.token), q, json!({})).await;
    assert_eq!(ids(&minle["institutions"]["edges"], &["node", "id"]), vec![w.minle.institution.clone()]);
    let city = app.ok(Some(&w.city.token), q, json!({})).await;
    assert_eq!(city["institutions"]["totalCount"], 3);
    let code = app
        .error_code(Some(&w.minle.token), "{ institutions(jurisdiction: \"620721\") { totalCount } }", json!({}))
        .await;
    assert_eq!(code, "FORBIDDEN");
    let by_id = "query($id: ID!) { institution(id: $id) { id name } }";
    let hidden = app.ok(Some(&w.minle.token), by_id, json!({"id": w.sunan.institution})).await;
    assert!(hidden["institution"].is_null());
    let seen = app.ok(Some(&w.city.token), by_id, json!({"id": w.sunan.institution})).await;
    assert_eq!(seen["institution"]["id"], w.sunan.institution.as_str());
    let only_city =
        app.ok(Some(&w.city.token), "{ institutions(jurisdiction: \"620700\") { totalCount } }", json!({})).await;
    assert_eq!(only_city["institutions"]["totalCount"], 1);
    let with_children = app
        .ok(
            Some(&w.city.token),
            "{ institutions(jurisdiction: \"620700\", includeDescendants: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(with_children["institutions"]["totalCount"], 3);
}

#[tokio::test]
async fn staff_follow_the_tree_and_id_numbers_are_masked_outside_their_office() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "{ staff { totalCount edges { node { id nationalId } } } }";
    let minle = app.ok(Some(&w.minle.token), q, json!({})).await;
    assert_eq!(ids(&minle["staff"]["edges"], &["node", "id"]), vec![w.minle.person.clone()]);
    assert_eq!(minle["staff"]["edges"][0]["node"]["nationalId"], w.minle.national_id.as_str(), "own office sees it");
    let city = app.ok(Some(&w.city.token), q, json!({})).await;
    assert_eq!(city["staff"]["totalCount"], 3);
    for edge in city["staff"]["edges"].as_array().unwrap() {
        let shown = edge["node"]["nationalId"].as_str().unwrap();
        if edge["node"]["id"] == w.city.person.as_str() {
            assert_eq!(shown, w.city.national_id);
        } else {
            assert!(shown.contains("****"), "a county's ID numbers are masked for the city: {shown}");
        }
    }
    let person = "query($id: ID!) { person(id: $id) { id } }";
    let hidden = app.ok(Some(&w.minle.token), person, json!({"id": w.sunan.person})).await;
    assert!(hidden["person"].is_null());
    let code =
        app.error_code(Some(&w.minle.token), "{ staff(jurisdiction: \"620700\") { totalCount } }", json!({})).await;
    assert_eq!(code, "FORBIDDEN");
}

#[tokio::test]
async fn a_department_reads_its_own_units_and_writes_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let other = crate::fixture::department(&app, &w.minle.token, "民乐县教育局").await;
    let token = app.department_token("620722", w.minle.department.parse().unwrap());
    let data = app
        .ok(
            Some(&token),
            "{ institutions { totalCount } staff { totalCount edges { node { nationalId } } } departments { id } }",
            json!({}),
        )
        .await;
    assert_eq!(data["institutions"]["totalCount"], 1);
    assert_eq!(data["staff"]["totalCount"], 1);
    assert!(data["staff"]["edges"][0]["node"]["nationalId"].as_str().unwrap().contains("****"));
    assert_eq!(ids(&data["departments"], &["id"]), vec![w.minle.department.clone()]);
    let other_token = app.department_token("620722", other.parse().unwrap());
    let none = app.ok(Some(&other_token), "{ institutions { totalCount } staff { totalCount } }", json!({})).await;
    assert_eq!(none["institutions"]["totalCount"], 0);
    assert_eq!(none["staff"]["totalCount"], 0);
    let code = app.error_code(Some(&token), "mutation { createDepartment(name: \"x\") { id } }", json!({})).await;
    assert_eq!(code, "FORBIDDEN");
    let wrong = app.department_token("620721", w.minle.department.parse().unwrap());
    let (status, body) = app.graphql(Some(&wrong), "{ institutions { totalCount } }", json!({})).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (403, Some("FORBIDDEN")));
}

#[tokio::test]
async fn the_public_reads_no_live_institution_or_staff_data() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for q in [
        "{ institutions { totalCount } }",
        "{ staff { totalCount } }",
        "{ overview(jurisdiction: \"620700\") { institutionCount } }",
    ] {
        assert_eq!(app.error_code(None, q, json!({})).await, "FORBIDDEN", "{q}");
    }
    let by_id = "query($id: ID!) { institution(id: $id) { name } }";
    assert_eq!(app.error_code(None, by_id, json!({"id": w.city.institution})).await, "FORBIDDEN");
    let code = app.error_code(None, "query($id: ID!) { person(id: $id) { id } }", json!({"id": w.city.person})).await;
    assert_eq!(code, "FORBIDDEN");
    let evaluator = app.token(api::auth::Role::Evaluator, "620700");
    assert_eq!(app.error_code(Some(&evaluator), "{ staff { totalCount } }", json!({})).await, "FORBIDDEN");
    assert_eq!(app.error_code(Some(&evaluator), "{ institutions { totalCount } }", json!({})).await, "FORBIDDEN");
}

#[tokio::test]
async fn a_county_cannot_write_another_jurisdiction() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let update = "mutation($id: ID!) { updateInstitution(id: $id, input: {name: \"改名\"}) { id } }";
    assert_eq!(app.error_code(Some(&w.minle.token), update, json!({"id": w.sunan.institution})).await, "NOT_FOUND");
    // The city reads its counties but writes only its own records.
    assert_eq!(app.error_code(Some(&w.city.token), update, json!({"id": w.sunan.institution})).await, "FORBIDDEN");
    let name = "query($id: ID!) { institution(id: $id) { name } }";
    let unchanged = app.ok(Some(&w.sunan.token), name, json!({"id": w.sunan.institution})).await;
    assert_eq!(unchanged["institution"]["name"], "肃南县疾病预防控制中心");
    let child = r#"mutation { createJurisdiction(input: {code: "620799", name: "新区", kind: DISTRICT, parentCode: "620700",
        documentNo: "张政发〔2026〕3号"}) { code } }"#;
    assert_eq!(app.error_code(Some(&w.minle.token), child, json!({})).await, "FORBIDDEN");
    let created = app.ok(Some(&w.city.token), child, json!({})).await;
    assert_eq!(created["createJurisdiction"]["code"], "620799");
}

#[tokio::test]
async fn a_jurisdiction_added_elsewhere_is_seen_at_once_and_the_kept_tree_reaches_no_further() {
    let app = spawn_app().await;
    let tree = api::seed::zhangye_tree(&app.db).await.unwrap();
    let city = app.office("620700");
    let q = "{ jurisdictions { code } }";
    let before = app.ok(Some(&city), q, json!({})).await["jurisdictions"].as_array().unwrap().len();
    // Written straight to the database, as another instance would: this instance's kept tree
    // lacks it, and the new county's office is still let in at once.
    let parent = tree.iter().find(|j| j.code == "620700").unwrap();
    api::seed::ensure_jurisdiction(&app.db, "620799", "新设区", entity::enums::JurisdictionKind::County, Some(parent))
        .await
        .unwrap();
    let county = app.office("620799");
    let own = app.ok(Some(&county), q, json!({})).await;
    assert_eq!(own["jurisdictions"], json!([{"code": "620799"}]));
    // Another county's office still reaches only its own.
    let sibling = app.office("620702");
    let theirs = app.ok(Some(&sibling), q, json!({})).await;
    assert_eq!(theirs["jurisdictions"], json!([{"code": "620702"}]));
    // The city sees the new county at the latest when its kept tree is read again.
    let after = app.ok(Some(&city), q, json!({})).await["jurisdictions"].as_array().unwrap().len();
    assert_eq!(after, before + 1);
}
