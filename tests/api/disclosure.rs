//! Disclosure releases: snapshots the public reads, never live or personal data.

use serde_json::json;

use crate::fixture::{EVENT, HIRE, event, hire_input, national_id, world};
use crate::helpers::spawn_app;

const PUBLISH: &str =
    "mutation($t: Int!) { publishRelease(suppressionThreshold: $t, note: \"季度公开\") { id institutionCount } }";
const PUBLIC: &str = r#"query($r: ID) { disclosure(jurisdiction: "620700", releaseId: $r) { id institutionCount
    overview { institutionCount approved staffInEstablishment }
    institutions { totalCount items { id name department approved vacant staffInEstablishment professionalTechnical suppressed grade } } } }"#;

#[tokio::test]
async fn a_release_is_a_snapshot_the_public_reads_and_one_that_cannot_hide_a_person_is_refused() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let none = app.ok(None, PUBLIC, json!({"r": null})).await;
    assert!(none["disclosure"].is_null(), "nothing public before a release");
    assert_eq!(app.error_code(None, PUBLISH, json!({"t": 5})).await, "FORBIDDEN");
    assert_eq!(app.error_code(Some(t), PUBLISH, json!({"t": -1})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code(Some(t), PUBLISH, json!({"t": 51})).await, "BAD_USER_INPUT");
    // One institution with one person: whatever is withheld, the totals give it back, so a
    // threshold cannot be kept and the office is told which institution stands in the way.
    let (_, refused) = app.graphql(Some(t), PUBLISH, json!({"t": 5})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "CONFLICT");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("张掖市疾病预防控制中心"), "{refused}");
    assert!(app.ok(None, PUBLIC, json!({"r": null})).await["disclosure"].is_null(), "nothing was half-published");
    let first = app.ok(Some(t), PUBLISH, json!({"t": 0})).await["publishRelease"]["id"].as_str().unwrap().to_string();
    let seen = app.ok(None, PUBLIC, json!({"r": null})).await;
    let d = &seen["disclosure"];
    assert_eq!(d["id"], first.as_str());
    let item = &d["institutions"]["items"][0];
    assert_eq!(item["name"], "张掖市疾病预防控制中心");
    assert_eq!(item["approved"], 5);
    assert_eq!((item["staffInEstablishment"].as_i64(), item["suppressed"].as_bool()), (Some(1), Some(false)));
    assert_eq!(d["overview"]["staffInEstablishment"], 1, "published openly, as real-name disclosure does");
    let text = seen.to_string();
    assert!(!text.contains("张掖市职工") && !text.contains(&w.city.national_id), "no names or ID numbers: {text}");
    // Live changes do not touch the release; a new release shows them, and the difference.
    app.ok(Some(t), EVENT, event(&w.city.institution, "APPROVE", 3)).await;
    for n in 0..5 {
        let input = hire_input(&w.city.institution, "新职工", &national_id("620700", "19930101", 600 + n), "FISCAL");
        app.ok(Some(t), HIRE, json!({ "input": input })).await;
    }
    let again = app.ok(None, PUBLIC, json!({"r": first})).await;
    assert_eq!(again["disclosure"]["institutions"], d["institutions"], "a release never changes");
    let second = app.ok(Some(t), PUBLISH, json!({"t": 0})).await["publishRelease"]["id"].as_str().unwrap().to_string();
    let latest = app.ok(None, PUBLIC, json!({"r": null})).await;
    assert_eq!(latest["disclosure"]["id"], second.as_str());
    assert_eq!(latest["disclosure"]["institutions"]["items"][0]["staffInEstablishment"], 6);
    let changes = app
        .ok(
            None,
            "query($a: ID!, $b: ID!) { releaseChanges(from: $a, to: $b) { name kind fields } }",
            json!({"a": first, "b": second}),
        )
        .await;
    assert_eq!(changes["releaseChanges"][0]["kind"], "CHANGED");
    let fields = changes["releaseChanges"][0]["fields"].as_array().unwrap();
    assert!(fields.contains(&json!("approvedFiscal")) && fields.contains(&json!("staffInEstablishment")), "{fields:?}");
    let list = app.ok(None, r#"{ disclosureReleases(jurisdiction: "620700") { id } childDisclosures(jurisdiction: "620700") { jurisdiction } }"#, json!({})).await;
    assert_eq!(list["disclosureReleases"].as_array().unwrap().len(), 2);
    assert_eq!(list["childDisclosures"], json!([]));
}

#[tokio::test]
async fn a_citys_counties_show_their_newest_releases_in_a_fixed_number_of_statements() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let publish = |token: &str| {
        let token = token.to_string();
        let app = &app;
        async move {
            let data = app.ok(Some(&token), PUBLISH, json!({"t": 0})).await;
            data["publishRelease"]["id"].as_str().unwrap().to_string()
        }
    };
    publish(&w.minle.token).await;
    let newest_minle = publish(&w.minle.token).await;
    let q = r#"{ childDisclosures(jurisdiction: "620700") { id jurisdiction } }"#;
    let before = app.statements();
    let one = app.ok(None, q, json!({})).await;
    let statements = app.statements() - before;
    assert_eq!(one["childDisclosures"], json!([{"id": newest_minle, "jurisdiction": "620722"}]));
    let newest_sunan = publish(&w.sunan.token).await;
    let before = app.statements();
    let two = app.ok(None, q, json!({})).await;
    assert_eq!(app.statements() - before, statements, "one county or two, the same statements");
    assert_eq!(
        two["childDisclosures"],
        json!([{"id": newest_sunan, "jurisdiction": "620721"}, {"id": newest_minle, "jurisdiction": "620722"}])
    );
}

#[tokio::test]
async fn a_repeated_public_request_is_answered_from_memory_and_a_publish_shows_at_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let first = app.ok(Some(t), PUBLISH, json!({"t": 0})).await["publishRelease"]["id"].as_str().unwrap().to_string();
    let seen = app.ok(None, PUBLIC, json!({"r": null})).await;
    let before = app.statements();
    assert_eq!(app.ok(None, PUBLIC, json!({"r": null})).await, seen);
    assert_eq!(app.statements(), before, "a repeat of a public request reads nothing");
    // A token holder's request is always computed.
    app.ok(Some(t), PUBLIC, json!({"r": null})).await;
    assert!(app.statements() > before);
    // A publish through this instance replaces what the public is shown at once.
    let second = app.ok(Some(t), PUBLISH, json!({"t": 0})).await["publishRelease"]["id"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert_eq!(app.ok(None, PUBLIC, json!({"r": null})).await["disclosure"]["id"], second.as_str());
}

#[tokio::test]
async fn the_demo_citys_release_reproduces_the_report_for_the_public() {
    let app = spawn_app().await;
    api::seed::demo::load_unpublished(&app.db, &app.pii).await.unwrap();
    let t = app.office("620700");
    app.ok(Some(&t), PUBLISH, json!({"t": 5})).await;
    let q = r#"{ disclosure(jurisdiction: "620700") { overview { institutionCount approved approvedFiscal approvedSelfFinanced staffInEstablishment temporary
        byClassification { key count } } institutions(search: "医院", first: 10) { totalCount items { name grade gradeYear } } } }"#;
    let data = app.ok(None, q, json!({})).await;
    let o = &data["disclosure"]["overview"];
    assert_eq!((o["institutionCount"].as_i64(), o["approved"].as_i64()), (Some(236), Some(4158)));
    assert_eq!((o["approvedFiscal"].as_i64(), o["approvedSelfFinanced"].as_i64()), (Some(3605), Some(553)));
    assert_eq!((o["staffInEstablishment"].as_i64(), o["temporary"].as_i64()), (Some(3980), Some(480)));
    assert_eq!(o["byClassification"][0], json!({"key": "PUBLIC_WELFARE_I", "count": 160}));
    let hospitals = data["disclosure"]["institutions"]["items"].as_array().unwrap();
    assert!(
        hospitals.iter().any(|h| h["grade"].is_string() && h["gradeYear"] == 2025),
        "published grades are disclosed: {hospitals:?}"
    );
    // The pool's slots in the public records add up to the office's pool figures.
    let pool = app.ok(Some(&t), r#"{ overview(jurisdiction: "620700") { pool { deposited lent } } }"#, json!({})).await;
    let records = app
        .ok(
            None,
            r#"{ disclosure(jurisdiction: "620700") { a: institutions(first: 200) { items { deposited borrowed } }
                b: institutions(first: 200, offset: 200) { items { deposited borrowed } } } }"#,
            json!({}),
        )
        .await;
    let d = &records["disclosure"];
    let items: Vec<&serde_json::Value> =
        d["a"]["items"].as_array().unwrap().iter().chain(d["b"]["items"].as_array().unwrap()).collect();
    let sum = |field: &str| items.iter().map(|i| i[field].as_i64().unwrap()).sum::<i64>();
    assert_eq!(sum("deposited"), pool["overview"]["pool"]["deposited"].as_i64().unwrap());
    assert!(sum("deposited") > 0, "the demo city deposits slots");
    assert_eq!(sum("borrowed"), pool["overview"]["pool"]["lent"].as_i64().unwrap());
}

/// Every root field, called without a token with its required arguments filled in: only the
/// public ones answer, and they read releases, published grades and the jurisdiction tree.
#[tokio::test]
async fn every_root_field_is_tried_as_the_public_and_only_public_ones_answer() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    app.ok(Some(&app.office("620700")), "mutation { publishRelease { id } }", json!({})).await;
    let schema = app
        .ok(None, "{ __schema { queryType { fields { name args { name type { kind name ofType { kind name enumValues { name } } } } } } } }", json!({}))
        .await;
    let mut answered = Vec::new();
    for field in schema["__schema"]["queryType"]["fields"].as_array().unwrap() {
        let name = field["name"].as_str().unwrap();
        let mut args = Vec::new();
        for arg in field["args"].as_array().unwrap() {
            let ty = &arg["type"];
            if ty["kind"] != "NON_NULL" {
                continue;
            }
            let value = match ty["ofType"]["name"].as_str().unwrap_or("") {
                "String" => "\"620700\"".to_string(),
                // `node` takes a global id: Institution:1's.
                "ID" if name == "node" => "\"SW5zdGl0dXRpb246MQ==\"".to_string(),
                "ID" => "\"1\"".to_string(),
                "Int" => "2025".to_string(),
                "Float" => "1.0".to_string(),
                "Boolean" => "false".to_string(),
                "NaiveDate" => "\"2025-01-01\"".to_string(),
                _ => ty["ofType"]["enumValues"][0]["name"].as_str().unwrap_or("null").to_string(),
            };
            args.push(format!("{}: {value}", arg["name"].as_str().unwrap()));
        }
        let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
        let (_, body) = app.graphql(None, &format!("{{ {name}{args} {{ __typename }} }}"), json!({})).await;
        match body["errors"][0]["extensions"]["code"].as_str() {
            None => answered.push(name.to_string()),
            Some(code) => assert!(["FORBIDDEN", "NOT_FOUND"].contains(&code), "{name}: {body}"),
        }
    }
    answered.sort();
    assert_eq!(
        answered,
        [
            "childDisclosures",
            "departments",
            "disclosure",
            "disclosureReleases",
            "jurisdiction",
            "jurisdictions",
            "personCodeLists",
            "publishedGrades",
            "releaseChanges",
            "retirementRules",
        ],
        "a new field answers the public: decide whether it may"
    );
}

#[tokio::test]
async fn by_default_a_release_publishes_every_count_openly() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let release = app.ok(Some(t), "mutation { publishRelease { id suppressionThreshold } }", json!({})).await;
    assert_eq!(release["publishRelease"]["suppressionThreshold"], 0, "real-name disclosure publishes counts");
    let seen = app.ok(None, PUBLIC, json!({"r": null})).await;
    let item = &seen["disclosure"]["institutions"]["items"][0];
    assert_eq!(item["staffInEstablishment"], 1, "{item}");
    assert_eq!(item["suppressed"], false);
    assert_eq!(seen["disclosure"]["overview"]["staffInEstablishment"], 1);
}

const PREVIEW: &str = "mutation($t: Int!) { previewRelease(suppressionThreshold: $t) { institutionCount withheld since
    changes { name kind fields } } }";

#[tokio::test]
async fn a_release_previewed_shows_its_audit_and_changes_and_keeps_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    assert_eq!(app.error_code(None, PREVIEW, json!({"t": 0})).await, "FORBIDDEN");
    // The audit's refusal is the preview's, as it would be the publication's: nothing kept.
    let before = app.row_counts().await;
    let (_, refused) = app.graphql(Some(t), PREVIEW, json!({"t": 5})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "CONFLICT", "{refused}");
    let first = &app.ok(Some(t), PREVIEW, json!({"t": 0})).await["previewRelease"];
    assert_eq!(first["since"], serde_json::Value::Null, "no release yet: {first}");
    assert_eq!(first["withheld"], 0);
    let added = first["changes"].as_array().unwrap();
    assert_eq!(added.len() as i64, first["institutionCount"].as_i64().unwrap(), "every record new: {first}");
    assert!(added.iter().all(|c| c["kind"] == "ADDED"));
    assert_eq!(app.row_counts().await, before, "a preview writes nothing, its audit row included");
    assert!(app.ok(None, PUBLIC, json!({"r": null})).await["disclosure"].is_null(), "nothing was published");
    // After a release and a change, the preview names what would change, as the release then does.
    app.ok(Some(t), PUBLISH, json!({"t": 0})).await;
    app.ok(Some(t), EVENT, event(&w.city.institution, "APPROVE", 3)).await;
    let next = &app.ok(Some(t), PREVIEW, json!({"t": 0})).await["previewRelease"];
    assert!(next["since"].is_string(), "{next}");
    assert_eq!(
        next["changes"],
        json!([{"name": "张掖市疾病预防控制中心", "kind": "CHANGED", "fields": ["approvedFiscal", "vacant"]}])
    );
}
