//! Writes apply once (CONTRACT.md, `Idempotency-Key`): the same write sent again with the same
//! key, one after the other or both at once, is answered with the first answer and changes
//! nothing more.

use serde_json::{Value, json};

use crate::fixture::{EVENT, balance, event, world};
use crate::helpers::{TestApp, spawn_app};

async fn send(app: &TestApp, token: &str, key: Option<&str>, body: &Value) -> (u16, Option<String>, Value) {
    let mut request = app.client.post(format!("{}/graphql", app.address)).bearer_auth(token).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap().to_string());
    (status, replayed, response.json().await.unwrap())
}

fn approve_one(institution: &str) -> Value {
    json!({"query": EVENT, "variables": event(institution, "APPROVE", 1)})
}

#[tokio::test]
async fn a_write_sent_twice_with_its_key_applies_once_and_answers_alike() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (token, unit) = (w.city.token.as_str(), w.city.institution.as_str());
    let before = balance(&app, token, unit).await.0;
    let body = approve_one(unit);
    let (status, replayed, first) = send(&app, token, Some("click-1"), &body).await;
    assert_eq!((status, replayed), (200, None), "{first}");
    assert!(first.get("errors").is_none(), "{first}");
    let (status, replayed, again) = send(&app, token, Some("click-1"), &body).await;
    assert_eq!((status, replayed.as_deref()), (200, Some("true")));
    assert_eq!(again, first, "the first answer, again");
    assert_eq!(balance(&app, token, unit).await.0, before + 1, "applied once");
    // The same key for another request is a mistake, not a replay.
    let other = approve_one(&w.city.institution).to_string().replace("工作需要", "另一事由");
    let other: Value = serde_json::from_str(&other).unwrap();
    let (_, _, refused) = send(&app, token, Some("click-1"), &other).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    // A new key is a new write; no key at all, as before.
    send(&app, token, Some("click-2"), &body).await;
    send(&app, token, None, &body).await;
    assert_eq!(balance(&app, token, unit).await.0, before + 3);
    // Keys are the caller's own: another caller's same key is theirs.
    let (_, replayed, _) = send(&app, &w.minle.token, Some("click-1"), &approve_one(&w.minle.institution)).await;
    assert_eq!(replayed, None);
    // Reads ignore the header; a key that is no key is refused.
    let read = json!({"query": r#"{ overview(jurisdiction: "620700") { institutionCount } }"#});
    assert_eq!(send(&app, token, Some("click-1"), &read).await.2["data"]["overview"]["institutionCount"], 1);
    let (_, _, bad) = send(&app, token, Some(&"k".repeat(300)), &body).await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{bad}");
    crate::fixture::assert_ledger_consistent(&app, token, "620700").await;
}

#[tokio::test]
async fn two_identical_writes_at_once_apply_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (token, unit) = (w.city.token.as_str(), w.city.institution.as_str());
    let before = balance(&app, token, unit).await.0;
    let body = approve_one(unit);
    for round in 0..5 {
        let key = format!("double-click-{round}");
        let (a, b) = tokio::join!(send(&app, token, Some(&key), &body), send(&app, token, Some(&key), &body));
        assert_eq!((a.0, b.0), (200, 200));
        assert_eq!(a.2, b.2, "both are answered with the one write's answer");
        assert!(a.2.get("errors").is_none(), "{}", a.2);
        assert_eq!(usize::from(a.1.is_some()) + usize::from(b.1.is_some()), 1, "one ran, one was replayed");
    }
    assert_eq!(balance(&app, token, unit).await.0, before + 5);
    crate::fixture::assert_ledger_consistent(&app, token, "620700").await;
}
