//! GraphQL over HTTP as its specification has it: queries over GET (never a mutation), the
//! GraphQL media type with request errors answered 4xx, distinct codes for a document that does
//! not parse, does not validate or costs too much, and Apollo's automatic persisted queries.

use reqwest::header::{ACCEPT, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, spawn_app};

const MEDIA: &str = "application/graphql-response+json";

async fn get(app: &TestApp, params: &[(&str, &str)], accept: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}/graphql", app.address)).query(params).header(ACCEPT, accept);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn post(app: &TestApp, body: Value, accept: &str) -> (u16, String, Value) {
    let response =
        app.client.post(format!("{}/graphql", app.address)).header(ACCEPT, accept).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    let media = response.headers().get(CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, media, response.json().await.unwrap())
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_query_goes_over_get_a_mutation_never_and_a_public_answer_may_be_cached() {
    let app = spawn_app().await;
    let query = "{ jurisdictions { code } }";
    let answer = get(&app, &[("query", query)], "application/json", None).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()[CACHE_CONTROL], "public, max-age=60", "a public read may be kept by a proxy");
    let body: Value = answer.json().await.unwrap();
    assert!(body["data"]["jurisdictions"].is_array(), "{body}");
    // With variables and an operation name, as JSON texts in the query string.
    let named = "query Places($c: String!) { jurisdiction(code: $c) { code } }";
    let params = [("query", named), ("variables", r#"{"c": "620700"}"#), ("operationName", "Places")];
    let body: Value = get(&app, &params, "application/json", None).await.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    // A signed-in answer is the caller's alone.
    let world = crate::fixture::world(&app).await;
    let office = world.city.token.clone();
    let signed = get(&app, &[("query", "{ __typename }")], "application/json", Some(&office)).await;
    assert_eq!(signed.headers()[CACHE_CONTROL], "private, no-store");
    // A mutation over GET is refused before anything runs, and says which method to use.
    let before = app.row_counts().await;
    let mutation =
        r#"mutation { createDepartment(input: {jurisdiction: "620700", name: "经GET创建", kind: GOVERNMENT}) { id } }"#;
    let refused = get(&app, &[("query", mutation)], "application/json", Some(&office)).await;
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers()[ALLOW], "POST");
    assert_eq!(app.row_counts().await, before);
    // A browser asking for a page gets GraphiQL; a client without a query is told what to send.
    let page = get(&app, &[], "text/html,application/xhtml+xml", None).await;
    assert!(page.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let bare = get(&app, &[], "application/json", None).await;
    assert_eq!(bare.status(), 400);
    let bad = get(&app, &[("query", query), ("variables", "{not json")], "application/json", None).await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn parse_validation_and_cost_refusals_have_their_own_codes_and_statuses() {
    let app = spawn_app().await;
    // Not parseable: its own code; 200 as application/json, 400 as the GraphQL media type.
    for (accept, status, media) in [("application/json", 200, "application/json"), (MEDIA, 400, MEDIA)] {
        let (got, content, body) = post(&app, json!({"query": "{ jurisdictions { code "}), accept).await;
        assert_eq!((got, code(&body)), (status, "GRAPHQL_PARSE_FAILED"), "{accept}: {body}");
        assert!(content.starts_with(media), "{accept}: {content}");
        assert!(body["errors"][0]["extensions"]["messageZh"].as_str().unwrap().contains("无法解析"), "{body}");
    }
    // Parseable, but not of this schema.
    let (status, _, body) = post(&app, json!({"query": "{ nope }"}), MEDIA).await;
    assert_eq!((status, code(&body)), (400, "GRAPHQL_VALIDATION_FAILED"), "{body}");
    let (status, _, body) = post(&app, json!({"query": "{ nope }"}), "application/json").await;
    assert_eq!((status, code(&body)), (200, "GRAPHQL_VALIDATION_FAILED"), "{body}");
    // Over the caller's budget: what it costs and what is allowed, before anything runs.
    let many: Vec<String> =
        (0..60).map(|i| format!("a{i}: jurisdictions {{ children {{ children {{ code }} }} }}")).collect();
    let (status, _, body) = post(&app, json!({"query": format!("{{ {} }}", many.join(" "))}), MEDIA).await;
    assert_eq!((status, code(&body)), (400, "COST_EXCEEDED"), "{body}");
    let extensions = &body["errors"][0]["extensions"];
    assert!(extensions["cost"].as_u64().unwrap() > extensions["budget"].as_u64().unwrap(), "{body}");
}

#[tokio::test]
async fn an_automatic_persisted_query_is_asked_by_hash_once_its_document_is_known() {
    let app = spawn_app().await;
    let query = "{ jurisdictions { code name } }";
    let hash: String = Sha256::digest(query.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let persisted = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    // Unknown hash: the standard refusal, which Apollo's link answers by sending the document.
    let (status, _, body) = post(&app, json!({"extensions": persisted}), "application/json").await;
    assert_eq!((status, code(&body)), (200, "PERSISTED_QUERY_NOT_FOUND"), "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // A document whose hash is not its own is refused, and not kept.
    let wrong = json!({"persistedQuery": {"version": 1, "sha256Hash": "0".repeat(64)}});
    let (_, _, body) = post(&app, json!({"query": query, "extensions": wrong}), "application/json").await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    // Sent with its document, it is answered and kept; then the hash alone is enough, over GET too.
    let (_, _, first) = post(&app, json!({"query": query, "extensions": persisted}), "application/json").await;
    assert!(first["data"]["jurisdictions"].is_array(), "{first}");
    let (_, _, again) = post(&app, json!({"extensions": persisted}), "application/json").await;
    assert_eq!(again["data"], first["data"]);
    let extensions = persisted.to_string();
    let over_get = get(&app, &[("extensions", extensions.as_str())], "application/json", None).await;
    assert_eq!(over_get.status(), 200);
    let body: Value = over_get.json().await.unwrap();
    assert_eq!(body["data"], first["data"]);
}

#[tokio::test]
async fn a_page_says_where_it_starts_and_whether_rows_come_before_it_as_relay_reads_it() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    let page = "query($after: String) { institutions(first: 3, after: $after) {
        pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { cursor } } }";
    let first = app.ok(Some(&t), page, json!({"after": null})).await;
    let info = &first["institutions"]["pageInfo"];
    let edges = first["institutions"]["edges"].as_array().unwrap();
    assert_eq!((info["hasPreviousPage"].as_bool(), info["hasNextPage"].as_bool()), (Some(false), Some(true)));
    assert_eq!(info["startCursor"], edges[0]["cursor"]);
    assert_eq!(info["endCursor"], edges[2]["cursor"]);
    let second = app.ok(Some(&t), page, json!({"after": info["endCursor"]})).await;
    let info = &second["institutions"]["pageInfo"];
    assert_eq!(info["hasPreviousPage"], true, "a page after a cursor has rows before it");
    assert_eq!(info["startCursor"], second["institutions"]["edges"][0]["cursor"]);
    assert_ne!(info["startCursor"], first["institutions"]["pageInfo"]["endCursor"]);
}
