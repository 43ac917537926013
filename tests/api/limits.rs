//! What keeps the API cheap and safe: a fixed number of statements per page, depth,
//! complexity, page-size and body limits, and internal errors that reveal nothing.

use serde_json::json;

use crate::fixture::world;
use crate::helpers::spawn_app;

const PAGE: &str = r#"query($first: Int!) {
  institutions(first: $first, orderBy: {field: NAME}) {
    totalCount
    edges { node { id name department { name } jurisdiction { code }
      establishment { approved fiscal selfFinanced vacant } staffCounts { inEstablishment temporary }
      vacancyUsePlans { id status remaining } } }
  }
}"#;

#[tokio::test]
async fn a_page_of_institutions_runs_a_fixed_number_of_statements() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    // The first request of a process also reads the jurisdiction tree it then keeps.
    app.ok(Some(&token), PAGE, json!({"first": 1})).await;
    let mut counts = Vec::new();
    for first in [1, 10, 100] {
        let before = app.statements();
        let data = app.ok(Some(&token), PAGE, json!({"first": first})).await;
        counts.push(app.statements() - before);
        assert_eq!(data["institutions"]["edges"].as_array().unwrap().len(), first as usize);
    }
    assert_eq!(counts[0], counts[2], "statements per request must not grow with the page: {counts:?}");
    assert_eq!(counts[1], counts[2], "{counts:?}");
    // The page with its count, then one batch per relation (balances, staff counts, plans);
    // the jurisdictions and departments come with the caller's scope.
    assert!(counts[2] <= 4, "the page and one batch per relation: {counts:?}");
}

/// An office's departments come from the copy its process keeps with the jurisdiction tree,
/// and a department renamed through the process is read back renamed by the very next page.
#[tokio::test]
async fn a_renamed_department_is_read_back_at_once() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let q = r#"{ institutions(jurisdiction: "620700", first: 1, orderBy: {field: NAME}) {
        edges { node { department { id name } } } } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    let department = data["institutions"]["edges"][0]["node"]["department"].clone();
    let before = app.statements();
    app.ok(Some(&token), q, json!({})).await;
    assert_eq!(app.statements() - before, 1, "the page alone: its department is kept");
    let rename = "mutation($id: ID!, $n: String!) { updateDepartment(id: $id, name: $n) { id } }";
    app.ok(Some(&token), rename, json!({"id": department["id"], "n": "张掖市改名后的主管部门"})).await;
    let data = app.ok(Some(&token), q, json!({})).await;
    let renamed = &data["institutions"]["edges"][0]["node"]["department"];
    assert_eq!(renamed["id"], department["id"]);
    assert_eq!(renamed["name"], "张掖市改名后的主管部门", "was {}", department["name"]);
}

#[tokio::test]
async fn pages_follow_cursors_without_gaps_or_repeats() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let q = r#"query($after: String) { institutions(jurisdiction: "620700", status: ACTIVE, first: 100, after: $after,
        orderBy: {field: ESTABLISHED_ON, direction: DESC}) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { id establishedOn } } } }"#;
    let mut seen = std::collections::HashSet::new();
    let mut after = serde_json::Value::Null;
    let mut last_date = String::from("9999-12-31");
    loop {
        let data = app.ok(Some(&token), q, json!({"after": after})).await;
        let page = &data["institutions"];
        assert_eq!(page["totalCount"], 236, "every page counts every row");
        for edge in page["edges"].as_array().unwrap() {
            assert!(seen.insert(edge["node"]["id"].as_str().unwrap().to_string()), "repeated row");
            let date = edge["node"]["establishedOn"].as_str().unwrap().to_string();
            assert!(date <= last_date, "order broken");
            last_date = date;
        }
        after = page["pageInfo"]["endCursor"].clone();
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(seen.len(), 236);
    // Past the last row: no rows, and still the count.
    let data = app.ok(Some(&token), q, json!({"after": after})).await;
    assert_eq!(data["institutions"]["edges"].as_array().unwrap().len(), 0);
    assert_eq!(data["institutions"]["totalCount"], 236);
}

/// A city with its counties sorted by name is read as the merge of each jurisdiction's first
/// rows: walked page by page with cursors, either way, it is the database's own order of the
/// whole subtree, every row once, in as few statements as a page of one jurisdiction.
#[tokio::test]
async fn a_page_merged_from_each_jurisdiction_is_the_subtrees_own_order() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let q = r#"query($after: String, $direction: SortDirection!) { institutions(jurisdiction: "620700",
        includeDescendants: true, first: 37, after: $after, orderBy: {field: NAME, direction: $direction}) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"#;
    app.ok(Some(&token), q, json!({"after": null, "direction": "ASC"})).await;
    for direction in ["ASC", "DESC"] {
        let sql = format!(
            "SELECT CAST(i.id AS TEXT) AS id FROM institution i JOIN jurisdiction j ON j.id = i.jurisdiction_id \
             WHERE j.code LIKE '6207%' ORDER BY i.name {direction}, i.id {direction}"
        );
        let backend = app.db.get_database_backend();
        let expected: Vec<String> = app
            .db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "id").unwrap())
            .collect();
        assert!(expected.len() > 300, "the demo city with its counties: {}", expected.len());
        let (mut walked, mut after, mut statements) = (Vec::new(), serde_json::Value::Null, Vec::new());
        loop {
            let before = app.statements();
            let data = app.ok(Some(&token), q, json!({"after": after, "direction": direction})).await;
            statements.push(app.statements() - before);
            let page = &data["institutions"];
            assert_eq!(page["totalCount"], expected.len(), "every page counts every row");
            walked.extend(
                page["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_string()),
            );
            after = page["pageInfo"]["endCursor"].clone();
            if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break;
            }
        }
        assert_eq!(walked, expected, "{direction}");
        assert!(statements.iter().all(|n| *n <= 1), "{direction}: {statements:?}");
    }
}

#[tokio::test]
async fn filters_narrow_the_listing() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let token = app.office("620700");
    let q = r#"{ a: institutions(jurisdiction: "620700", classification: EXCLUDED) { totalCount }
        b: institutions(jurisdiction: "620700", fundingForm: SELF_FINANCED, status: ACTIVE) { totalCount }
        c: institutions(jurisdiction: "620700", sector: HEALTH, level: DIVISION) { edges { node { sector level } } }
        d: institutions(search: "人民医院") { edges { node { name } } } }"#;
    let data = app.ok(Some(&token), q, json!({})).await;
    assert_eq!(data["a"]["totalCount"], 6);
    assert_eq!(data["b"]["totalCount"], 34);
    for edge in data["c"]["edges"].as_array().unwrap() {
        assert_eq!(
            (edge["node"]["sector"].as_str(), edge["node"]["level"].as_str()),
            (Some("HEALTH"), Some("DIVISION"))
        );
    }
    let names = data["d"]["edges"].as_array().unwrap();
    assert!(!names.is_empty());
    assert!(names.iter().all(|e| e["node"]["name"].as_str().unwrap().contains("人民医院")));
}

#[tokio::test]
async fn page_size_is_capped_and_cursors_are_checked() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    assert_eq!(app.error_code(t, "{ institutions(first: 101) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code(t, "{ institutions(first: -1) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code(t, "{ staff(first: 1000) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    let forged = "{ institutions(after: \"bm90LWEtY3Vyc29y\") { totalCount } }";
    assert_eq!(app.error_code(t, forged, json!({})).await, "BAD_USER_INPUT");
    app.ok(t, "{ institutions(first: 100) { totalCount } }", json!({})).await;
}

#[tokio::test]
async fn too_deep_or_too_complex_queries_are_refused() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let mut deep = String::from("code");
    for _ in 0..14 {
        deep = format!("children {{ {deep} }}");
    }
    let (_, body) = app.graphql(t, &format!("{{ jurisdictions {{ {deep} }} }}"), json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "COST_EXCEEDED", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().to_lowercase().contains("deep"), "{body}");
    let wide: String = (0..2600).map(|i| format!("a{i}: jurisdictions {{ code }} ")).collect();
    let (_, body) = app.graphql(t, &format!("{{ {wide} }}"), json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "COST_EXCEEDED");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("budget"), "{body}");
    assert!(body.get("data").is_none_or(|d| d.is_null()));
}

#[tokio::test]
async fn oversized_bodies_batches_and_junk_are_refused() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let huge = "x".repeat(300 * 1024);
    let response = app.client.post(&url).json(&json!({"query": huge})).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let batch = json!([{"query": "{ jurisdictions { code } }"}, {"query": "{ jurisdictions { code } }"}]);
    let response = app.client.post(&url).json(&batch).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let response = app.client.post(&url).body("{not json").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let (_, body) = app.graphql(None, "{ jurisdictions { nope } }", json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn an_internal_error_is_answered_with_internal_and_a_request_id_only() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let w = world(&app).await;
    // Personal data that no longer decrypts (a key mix-up) is an internal fault.
    app.db.execute_unprepared("UPDATE staff SET national_id_cipher = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA'").await.unwrap();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&w.city.token)
        .json(&json!({"query": "{ staff { edges { node { name nationalId } } } }"}))
        .send()
        .await
        .unwrap();
    let header_id = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_string();
    let body: serde_json::Value = response.json().await.unwrap();
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL");
    assert_eq!(error["message"], "internal error");
    assert_eq!(error["extensions"]["requestId"], header_id.as_str());
    let text = body.to_string().to_lowercase();
    for leak in ["select", "sql", "decrypt", "aes", "panicked", ".rs:"] {
        assert!(!text.contains(leak), "the answer leaks `{leak}`: {body}");
    }
}
