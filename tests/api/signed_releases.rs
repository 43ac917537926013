//! Signed releases (CONTRACT.md): each published release as canonical JSON with its Ed25519
//! signature and the public key, checkable offline with plain openssl; a changed byte fails;
//! a key replaced stays published, and what it signed still checks.

use std::process::Command;

use serde_json::{Value, json};

use crate::fixture::world;
use crate::helpers::{TestApp, spawn_app};

async fn bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.bytes().await.unwrap().to_vec()
}

/// `openssl pkeyutl -verify` over files written to a fresh folder: whether it says the
/// signature holds.
fn openssl_verifies(key: &[u8], body: &[u8], signature: &[u8]) -> bool {
    let dir = std::env::temp_dir().join(format!("signed-release-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, contents) in [("key.pem", key), ("release.json", body), ("release.json.sig", signature)] {
        std::fs::write(dir.join(name), contents).unwrap();
    }
    let output = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "release.json"])
        .args(["-sigfile", "release.json.sig"])
        .current_dir(&dir)
        .output()
        .expect("openssl runs");
    std::fs::remove_dir_all(&dir).unwrap();
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains("Signature Verified Successfully")
}

/// SHA-256 of the key's DER as openssl writes it, in hex.
fn openssl_fingerprint(key: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut child = Command::new("openssl")
        .args(["pkey", "-pubin", "-outform", "DER"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("openssl runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(key).unwrap();
    let der = child.wait_with_output().unwrap().stdout;
    Sha256::digest(der).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_published_release_verifies_with_openssl_and_a_changed_byte_does_not() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let published = app
        .ok(
            Some(&w.city.token),
            "mutation { publishRelease { id institutionCount auditChainSeq auditChainHash
               signature { keyFingerprint jsonPath signaturePath } } }",
            json!({}),
        )
        .await;
    let release = &published["publishRelease"];
    let signed = &release["signature"];
    let id = release["id"].as_str().unwrap();
    assert_eq!(signed["jsonPath"], format!("/releases/{id}.json"), "signed when published: {release}");

    // Everything a citizen needs, without signing in.
    let body = bytes(&app, &format!("/releases/{id}.json")).await;
    let signature = bytes(&app, &format!("/releases/{id}.json.sig")).await;
    let key = bytes(&app, "/release-signing-key.pem").await;
    assert_eq!(signature.len(), 64);
    assert!(openssl_verifies(&key, &body, &signature), "openssl verifies the release");
    assert_eq!(openssl_fingerprint(&key), signed["keyFingerprint"].as_str().unwrap());

    // The document: the release, every record, the audit chain's head and the key.
    let document: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(document["releaseId"].as_i64().unwrap().to_string(), id);
    assert_eq!(document["records"].as_array().unwrap().len() as i64, release["institutionCount"].as_i64().unwrap());
    assert_eq!(document["auditChainSeq"], release["auditChainSeq"]);
    assert_eq!(document["auditChainHash"], release["auditChainHash"]);
    assert_eq!(document["signingKey"], signed["keyFingerprint"]);
    assert_eq!(document["jurisdiction"]["code"], "620700");
    assert!(document["records"][0]["creditCode"].is_string(), "{}", document["records"][0]);
    // Canonical: keys in order, no whitespace; and the same bytes at every download.
    assert!(!String::from_utf8_lossy(&body).contains(": "));
    assert_eq!(api::disclosure::signing::canonical(&document).into_bytes(), body, "the body is its own canonical form");
    assert_eq!(bytes(&app, &format!("/releases/{id}.json")).await, body);

    // One byte changed, anywhere: refused, by openssl and by the API's own check.
    let mut forged = body.clone();
    let at = forged.len() / 2;
    forged[at] ^= 0x01;
    assert!(!openssl_verifies(&key, &forged, &signature), "a changed byte must not verify");
    let pem = String::from_utf8(key.clone()).unwrap();
    assert!(api::disclosure::signing::verify(&body, &signature, &pem).is_ok());
    assert!(api::disclosure::signing::verify(&forged, &signature, &pem).is_err());
    let missing = app.client.get(format!("{}/releases/999999.json", app.address)).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

/// A release published before releases were signed (the demo's seeding publishes with no key at
/// hand) is signed at its first download; after the key is replaced, the old key stays listed
/// with when it was in use, and what it signed still verifies with it.
#[tokio::test]
async fn an_older_release_is_signed_when_fetched_and_a_replaced_key_stays_published() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let releases = app
        .ok(None, "{ disclosureReleases(jurisdiction: \"620700\") { id signature { keyFingerprint } } }", json!({}))
        .await;
    let first = &releases["disclosureReleases"][0];
    assert_eq!(first["signature"], Value::Null, "seeded without a key: not signed yet");
    let id = first["id"].as_str().unwrap();
    let body = bytes(&app, &format!("/releases/{id}.json")).await;
    let signature = bytes(&app, &format!("/releases/{id}.json.sig")).await;
    let old_key = bytes(&app, "/release-signing-key.pem").await;
    assert!(openssl_verifies(&old_key, &body, &signature));
    // (Asked as the office: the public's identical question may be answered from a minute ago.)
    let office = app.office("620700");
    let query = "{ disclosureReleases(jurisdiction: \"620700\") { id signature { keyFingerprint } } }";
    let releases = app.ok(Some(&office), query, json!({})).await;
    let fingerprint = releases["disclosureReleases"][0]["signature"]["keyFingerprint"].as_str().unwrap().to_string();

    // The office replaces its key (a new RELEASE_SIGNING_KEY_FILE at the next start).
    let next = api::disclosure::signing::ReleaseSigner::generate();
    next.register(&app.db).await.unwrap();
    let listed: Value = serde_json::from_slice(&bytes(&app, "/release-signing-keys.json").await).unwrap();
    let keys = listed["keys"].as_array().unwrap();
    let old = keys.iter().find(|k| k["fingerprint"] == fingerprint.as_str()).expect("the old key stays listed");
    let new = keys.iter().find(|k| k["fingerprint"] == next.fingerprint()).expect("the new key is listed");
    assert!(old["validUntil"].is_string(), "the old key's use ended: {old}");
    assert!(new["validUntil"].is_null(), "{new}");
    let old_pem = old["publicKeyPem"].as_str().unwrap();
    assert!(openssl_verifies(old_pem.as_bytes(), &body, &signature), "what the old key signed still checks");
    assert!(!openssl_verifies(next.public_key_pem().as_bytes(), &body, &signature));
    // The release keeps its bytes and its signer.
    assert_eq!(bytes(&app, &format!("/releases/{id}.json")).await, body);
}

/// At start the server signs what was published before it had a key: every unsigned release
/// once, none twice.
#[tokio::test]
async fn releases_published_before_signing_are_signed_once_at_start() {
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    let signer = api::disclosure::signing::ReleaseSigner::generate();
    let signed = api::disclosure::signing::sign_unsigned(&app.db, &signer).await.unwrap();
    let releases =
        app.ok(Some(&app.office("620700")), "{ childDisclosures(jurisdiction: \"620700\") { id } }", json!({})).await;
    assert!(signed > releases["childDisclosures"].as_array().unwrap().len(), "the city's and its counties': {signed}");
    assert_eq!(api::disclosure::signing::sign_unsigned(&app.db, &signer).await.unwrap(), 0);
    let listed: Value = serde_json::from_slice(&bytes(&app, "/release-signing-keys.json").await).unwrap();
    assert!(listed["keys"].as_array().unwrap().iter().any(|k| k["fingerprint"] == signer.fingerprint()));
}

/// A release can be megabytes: its downloads count against the caller's rate limit like any
/// other request.
#[tokio::test]
async fn release_downloads_count_against_the_callers_rate_limit() {
    let app = crate::helpers::spawn_app_with(|state| state.with_throttle(api::throttle::Throttle::new(3, 1_000))).await;
    let w = world(&app).await;
    let release = app.ok(Some(&w.city.token), "mutation { publishRelease { id } }", json!({})).await;
    let id = release["publishRelease"]["id"].as_str().unwrap().to_string();
    let mut statuses = Vec::new();
    for path in
        [format!("/releases/{id}.json"), format!("/releases/{id}.json.sig"), "/release-signing-keys.json".into()]
    {
        statuses.push(app.client.get(format!("{}{path}", app.address)).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200]);
    let fourth = app.client.get(format!("{}/releases/{id}.json", app.address)).send().await.unwrap();
    assert_eq!(fourth.status().as_u16(), 429);
    assert!(fourth.headers().contains_key("retry-after"));
}
