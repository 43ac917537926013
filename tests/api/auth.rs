use base64::Engine;
use jsonwebtoken::{EncodingKey, Header, encode, get_current_timestamp};
use serde_json::{Value, json};

use crate::helpers::{AUDIENCE, ISSUER, SECRET, TestApp, spawn_app};

const QUERY: &str = "{ jurisdictions { code } }";

fn claims(overrides: Value) -> Value {
    let now = get_current_timestamp();
    let mut claims = json!({
        "sub": "someone", "role": "STAFFING_OFFICE", "jurisdiction": "620700",
        "iat": now, "exp": now + 600, "iss": ISSUER, "aud": AUDIENCE,
    });
    for (key, value) in overrides.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn signed(claims: &Value, secret: &[u8]) -> String {
    encode(&Header::default(), claims, &EncodingKey::from_secret(secret)).unwrap()
}

async fn assert_unauthenticated(app: &TestApp, token: &str) {
    let (status, body) = app.graphql(Some(token), QUERY, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    assert!(body.get("data").is_none_or(Value::is_null), "no data may leak: {body}");
}

#[tokio::test]
async fn no_token_is_the_public_role() {
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let data = app.ok(None, QUERY, json!({})).await;
    assert_eq!(data["jurisdictions"].as_array().unwrap().len(), 8);
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let token = signed(&claims(json!({})), SECRET);
    let data = app.ok(Some(&token), QUERY, json!({})).await;
    assert_eq!(data["jurisdictions"].as_array().unwrap().len(), 7, "the city and its six counties");
}

#[tokio::test]
async fn expired_token_is_401() {
    let app = spawn_app().await;
    let now = get_current_timestamp();
    assert_unauthenticated(&app, &signed(&claims(json!({"iat": now - 7200, "exp": now - 3600})), SECRET)).await;
}

#[tokio::test]
async fn token_without_exp_is_401() {
    let app = spawn_app().await;
    assert_unauthenticated(&app, &signed(&claims(json!({"exp": null})), SECRET)).await;
}

#[tokio::test]
async fn badly_signed_token_is_401() {
    let app = spawn_app().await;
    assert_unauthenticated(&app, &signed(&claims(json!({})), b"another-secret-entirely-000000")).await;
}

#[tokio::test]
async fn alg_none_token_is_401() {
    let app = spawn_app().await;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims(json!({}))));
    assert_unauthenticated(&app, &token).await;
}

#[tokio::test]
async fn wrong_audience_or_issuer_is_401() {
    let app = spawn_app().await;
    assert_unauthenticated(&app, &signed(&claims(json!({"aud": "someone-else"})), SECRET)).await;
    assert_unauthenticated(&app, &signed(&claims(json!({"aud": null})), SECRET)).await;
    assert_unauthenticated(&app, &signed(&claims(json!({"iss": "elsewhere"})), SECRET)).await;
}

#[tokio::test]
async fn unknown_role_and_malformed_header_are_401() {
    let app = spawn_app().await;
    assert_unauthenticated(&app, &signed(&claims(json!({"role": "ADMIN"})), SECRET)).await;
    assert_unauthenticated(&app, "not-a-jwt").await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({"query": QUERY}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}
