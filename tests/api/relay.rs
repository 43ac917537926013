//! Relay's Global Object Identification: every node type carries `nodeId` beside its row `id`,
//! and `node(id:)` reads it back through the same scope as the type's own query.

use serde_json::{Value, json};

use crate::fixture::world;
use crate::helpers::spawn_app;

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename nodeId
  ... on Institution { id name } ... on Staff { id name } ... on Jurisdiction { id code } } }";

#[tokio::test]
async fn a_global_id_reads_back_its_object_within_the_callers_scope_and_row_ids_keep_working() {
    let app = spawn_app().await;
    let world = world(&app).await;
    let city = &world.city.token;
    let read = app
        .ok(
            Some(city),
            "query($i: ID!, $p: ID!) { institution(id: $i) { id nodeId jurisdiction { id nodeId code } }
               person(id: $p) { id nodeId } }",
            json!({"i": world.city.institution, "p": world.city.person}),
        )
        .await;
    let institution = &read["institution"];
    let person = &read["person"];
    let jurisdiction = &institution["jurisdiction"];
    // Global ids differ across types even where row ids coincide, and from the row ids.
    let ids: Vec<&Value> = vec![&institution["nodeId"], &person["nodeId"], &jurisdiction["nodeId"]];
    for (i, a) in ids.iter().enumerate() {
        assert_ne!(a.as_str().unwrap(), institution["id"].as_str().unwrap());
        for b in &ids[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // Each reads back as the object it names, with the row id the other arguments take.
    for (node_id, typename, row_id) in [
        (&institution["nodeId"], "Institution", &institution["id"]),
        (&person["nodeId"], "Staff", &person["id"]),
        (&jurisdiction["nodeId"], "Jurisdiction", &jurisdiction["id"]),
    ] {
        let node = &app.ok(Some(city), NODE, json!({"id": node_id})).await["node"];
        assert_eq!(node["__typename"], typename, "{node}");
        assert_eq!(&node["nodeId"], node_id);
        assert_eq!(&node["id"], row_id);
    }
    assert_eq!(
        app.ok(Some(city), NODE, json!({"id": institution["nodeId"]})).await["node"]["name"],
        "张掖市疾病预防控制中心"
    );

    // A sibling county's office does not reach the city's own institution: null, as
    // `institution(id:)` answers it, not a refusal that would say the object exists.
    let minle = &world.minle.token;
    let node = app.ok(Some(minle), NODE, json!({"id": institution["nodeId"]})).await;
    assert_eq!(node["node"], Value::Null, "{node}");
    let own = app
        .ok(Some(minle), "query($i: ID!) { institution(id: $i) { id } }", json!({"i": world.city.institution}))
        .await;
    assert_eq!(own["institution"], Value::Null);
    // Institution:999999
    let absent = app.ok(Some(city), NODE, json!({"id": "SW5zdGl0dXRpb246OTk5OTk5"})).await;
    assert_eq!(absent["node"], Value::Null);

    // The public reads no institution record, by either kind of id.
    app.refused(None, NODE, json!({"id": institution["nodeId"]}), "FORBIDDEN").await;
    app.refused(
        None,
        "query($i: ID!) { institution(id: $i) { id } }",
        json!({"i": world.city.institution}),
        "FORBIDDEN",
    )
    .await;

    // What is not a global id is the client's mistake.
    for wrong in ["42", "not base64!", "SW5zdGl0dXRpb24", "QWNjb3VudDox"] {
        app.refused(Some(city), NODE, json!({"id": wrong}), "BAD_USER_INPUT").await;
    }
}

#[tokio::test]
async fn the_date_scalars_name_their_specification_and_a_malformed_day_is_the_clients_mistake() {
    let app = spawn_app().await;
    for (scalar, url) in [
        ("NaiveDate", "https://scalars.graphql.org/andimarek/local-date.html"),
        ("DateTime", "https://datatracker.ietf.org/doc/html/rfc3339"),
    ] {
        let query = format!("{{ __type(name: \"{scalar}\") {{ kind specifiedByURL }} }}");
        let answer = app.ok(None, &query, json!({})).await;
        assert_eq!(answer["__type"]["specifiedByURL"], url, "{answer}");
    }
    let world = world(&app).await;
    let city = Some(world.city.token.as_str());
    let asked = "query($d: NaiveDate) { overview(jurisdiction: \"620700\", asOf: $d) { institutionCount } }";
    let answer = app.ok(city, asked, json!({"d": "2026-01-31"})).await;
    assert!(answer["overview"]["institutionCount"].as_i64().is_some(), "{answer}");
    for wrong in ["2026-02-30", "31/01/2026", "2026-1-31x"] {
        app.refused(city, asked, json!({"d": wrong}), "BAD_USER_INPUT").await;
    }
    let inline = "{ overview(jurisdiction: \"620700\", asOf: \"yesterday\") { institutionCount } }";
    app.refused(city, inline, json!({}), "BAD_USER_INPUT").await;
}
