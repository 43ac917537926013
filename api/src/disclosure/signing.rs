//! Signed releases: each published release as canonical JSON (its overview, every record and
//! the audit chain's head), signed with the office's Ed25519 key, so that anyone holding the
//! public key can check offline that a downloaded release is the office's and unaltered —
//! `openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in ID.json -sigfile ID.json.sig`.
//!
//! The key is kept like the JWT secret (a PKCS#8 PEM file in the data folder, made on first
//! start, mode 0600) or given as a file (`RELEASE_SIGNING_KEY_FILE`). Every key that has signed
//! stays published with when it was in use (`release_signing_key`), so a release signed before a
//! rotation is still checkable.

use std::path::Path;

use anyhow::Context as _;
use chrono::Utc;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use entity::{disclosure_release, jurisdiction, release_institution, release_signature, release_signing_key};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// The key releases are signed with.
pub struct ReleaseSigner {
    key: SigningKey,
    fingerprint: String,
    public_pem: String,
}

impl ReleaseSigner {
    /// A key of its own, kept nowhere (tests, and a server given no data folder).
    pub fn generate() -> Self {
        use rand::RngCore;
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        Self::from_key(SigningKey::from_bytes(&secret))
    }

    fn from_key(key: SigningKey) -> Self {
        let verifying = key.verifying_key();
        let public_pem = verifying.to_public_key_pem(LineEnding::LF).expect("an Ed25519 key encodes");
        Self { fingerprint: fingerprint_of(&verifying), key, public_pem }
    }

    /// The key in `file` (PKCS#8 PEM) when given; else the data folder's, made on first start.
    pub fn load(file: Option<&Path>, data_dir: &Path) -> anyhow::Result<Self> {
        let path = match file {
            Some(path) => path.to_path_buf(),
            None => {
                let path = data_dir.join("release-signing-key.pem");
                if !path.exists() {
                    let key = Self::generate();
                    let pem = key.key.to_pkcs8_pem(LineEnding::LF).expect("an Ed25519 key encodes");
                    crate::config::write_key_file(&path, pem.as_str())?;
                    return Ok(key);
                }
                path
            }
        };
        let pem = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let key = SigningKey::from_pkcs8_pem(&pem)
            .map_err(|_| anyhow::anyhow!("{} is not an Ed25519 private key (PKCS#8 PEM)", path.display()))?;
        Ok(Self::from_key(key))
    }

    /// SHA-256 of the public key's DER (SubjectPublicKeyInfo), in hex: what `openssl pkey
    /// -pubin -in key.pem -outform DER | sha256sum` prints.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The public key as SubjectPublicKeyInfo PEM (`/release-signing-key.pem`).
    pub fn public_key_pem(&self) -> &str {
        &self.public_pem
    }

    /// Records this key as the one in use from now on: published beside the keys before it,
    /// each of which is closed as of now.
    pub async fn register(&self, db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
        use release_signing_key::Column;
        let now = Utc::now();
        self.publish_key(db).await?;
        release_signing_key::Entity::update_many()
            .col_expr(Column::ValidUntil, sea_orm::sea_query::Expr::value(now))
            .filter(Column::Fingerprint.ne(self.fingerprint.clone()))
            .filter(Column::ValidUntil.is_null())
            .exec(db)
            .await?;
        release_signing_key::Entity::update_many()
            .col_expr(Column::ValidUntil, sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(Column::Fingerprint.eq(self.fingerprint.clone()))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Lists this key among those that have signed (once), in use from now.
    async fn publish_key<C: ConnectionTrait>(&self, db: &C) -> Result<(), sea_orm::DbErr> {
        let row = release_signing_key::ActiveModel {
            fingerprint: Set(self.fingerprint.clone()),
            public_key_pem: Set(self.public_pem.clone()),
            valid_from: Set(Utc::now()),
            valid_until: Set(None),
            ..Default::default()
        };
        release_signing_key::Entity::insert(row)
            .on_conflict(OnConflict::column(release_signing_key::Column::Fingerprint).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        Ok(())
    }
}

/// Which key signed each release, and when (the signed bytes stay in the table): for a page of
/// releases in one statement.
pub struct SignaturesOf(pub DatabaseConnection);

/// The key that signed a release and when, and where to fetch what checks it.
#[derive(async_graphql::SimpleObject, Clone)]
pub struct ReleaseSignature {
    /// SHA-256 of the signing key's public key (DER), in hex.
    pub key_fingerprint: String,
    pub signed_at: chrono::DateTime<Utc>,
    /// The release as signed (`/releases/{id}.json`), its signature (`.json.sig`) and the key
    /// (`/release-signing-key.pem`; every key that has signed: `/release-signing-keys.json`).
    pub json_path: String,
    pub signature_path: String,
}

impl async_graphql::dataloader::Loader<i32> for SignaturesOf {
    type Value = ReleaseSignature;
    type Error = std::sync::Arc<ApiError>;

    async fn load(&self, keys: &[i32]) -> Result<std::collections::HashMap<i32, ReleaseSignature>, Self::Error> {
        use release_signature::Column;
        use sea_orm::QuerySelect;
        let rows: Vec<(i32, String, chrono::DateTime<Utc>)> = release_signature::Entity::find()
            .select_only()
            .columns([Column::ReleaseId, Column::KeyFingerprint, Column::SignedAt])
            .filter(Column::ReleaseId.is_in(keys.iter().copied()))
            .into_tuple()
            .all(&self.0)
            .await
            .map_err(|e| std::sync::Arc::new(e.into()))?;
        Ok(rows
            .into_iter()
            .map(|(id, key_fingerprint, signed_at)| {
                let signature = ReleaseSignature {
                    key_fingerprint,
                    signed_at,
                    json_path: format!("/releases/{id}.json"),
                    signature_path: format!("/releases/{id}.json.sig"),
                };
                (id, signature)
            })
            .collect())
    }
}

/// A public key's fingerprint: SHA-256 of its DER, in hex.
fn fingerprint_of(key: &VerifyingKey) -> String {
    let der = key.to_public_key_der().expect("an Ed25519 key encodes");
    Sha256::digest(der.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks `signature` over `body` with a public key (SubjectPublicKeyInfo PEM); the key's
/// fingerprint when it holds.
pub fn verify(body: &[u8], signature: &[u8], public_pem: &str) -> Result<String, String> {
    let key = VerifyingKey::from_public_key_pem(public_pem.trim())
        .map_err(|_| "the key is not an Ed25519 public key (SubjectPublicKeyInfo PEM)".to_string())?;
    let signature = Signature::from_slice(signature).map_err(|_| "a signature is 64 bytes".to_string())?;
    key.verify(body, &signature).map_err(|_| "the signature does not match these bytes and this key".to_string())?;
    Ok(fingerprint_of(&key))
}

/// The fingerprint a signed release names as its signer (its `signingKey`).
pub fn signer_named_in(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("signingKey")?.as_str().map(str::to_string)
}

/// Signs a release in the caller's transaction (its publication's), unless it is signed.
pub async fn sign<C: ConnectionTrait>(
    db: &C,
    signer: &ReleaseSigner,
    release_id: i32,
) -> ApiResult<release_signature::Model> {
    let release = disclosure_release::Entity::find_by_id(release_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("no such release"))?;
    let place = jurisdiction::Entity::find_by_id(release.jurisdiction_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("no such release"))?;
    let records = release_institution::Entity::find()
        .filter(release_institution::Column::ReleaseId.eq(release_id))
        .order_by_asc(release_institution::Column::InstitutionId)
        .all(db)
        .await?;
    let started = std::time::Instant::now();
    let body = document(&release, &place, &records, signer.fingerprint())?;
    // Any key that signs is published (a server's first key, a test's).
    signer.publish_key(db).await?;
    let signature = signer.key.sign(body.as_bytes()).to_bytes().to_vec();
    let written = started.elapsed();
    let row = release_signature::Model {
        release_id,
        key_fingerprint: signer.fingerprint.clone(),
        body,
        signature,
        signed_at: Utc::now(),
    };
    // Two first downloads of an older release at once: the first signature stays.
    let kept = release_signature::Entity::insert(release_signature::ActiveModel::from(row.clone()).reset_all())
        .on_conflict(OnConflict::column(release_signature::Column::ReleaseId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    tracing::debug!(
        release_id,
        records = records.len(),
        bytes = row.body.len(),
        written_ms = written.as_millis() as u64,
        stored_ms = (started.elapsed() - written).as_millis() as u64,
        "release signed"
    );
    if kept == 1 {
        return Ok(row);
    }
    release_signature::Entity::find_by_id(release_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a release signature was not kept")))
}

/// A release as signed: its stored signature, or (a release published before signing, or while
/// no key was at hand) one made now and kept.
pub async fn signed(
    db: &DatabaseConnection,
    signer: &ReleaseSigner,
    release_id: i32,
) -> ApiResult<release_signature::Model> {
    match release_signature::Entity::find_by_id(release_id).one(db).await? {
        Some(row) => Ok(row),
        None => {
            let txn = crate::db::begin_write(db).await?;
            let row = sign(&txn, signer, release_id).await?;
            crate::write::commit(txn).await?;
            Ok(row)
        }
    }
}

/// Signs every release not signed yet (those published before releases were signed); how many.
pub async fn sign_unsigned(db: &DatabaseConnection, signer: &ReleaseSigner) -> ApiResult<usize> {
    use sea_orm::QuerySelect;
    // Ids only: a signed release's body is the size of the release.
    let signed: Vec<i32> = release_signature::Entity::find()
        .select_only()
        .column(release_signature::Column::ReleaseId)
        .into_tuple()
        .all(db)
        .await?;
    let unsigned: Vec<i32> = disclosure_release::Entity::find()
        .select_only()
        .column(disclosure_release::Column::Id)
        .filter(disclosure_release::Column::Id.is_not_in(signed))
        .order_by_asc(disclosure_release::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for id in &unsigned {
        self::signed(db, signer, *id).await?;
    }
    Ok(unsigned.len())
}

/// The signed document in its canonical form: the release, its overview and every record
/// (withheld counts null), the audit chain's head at publication and the signing key's
/// fingerprint. The records, the bulk of it, are written one by one into the output (each as
/// its row serialises, `id` and `release_id` left out, names in camelCase, in the order of the
/// names) rather than built as one value first: the same bytes as [`canonical`] of the whole.
fn document(
    release: &disclosure_release::Model,
    place: &jurisdiction::Model,
    records: &[release_institution::Model],
    fingerprint: &str,
) -> ApiResult<String> {
    let overview: Value = serde_json::from_str(&release.overview).map_err(ApiError::internal)?;
    let head = json!({
        "releaseId": release.id,
        "jurisdiction": { "code": place.code, "name": place.name },
        "releasedAt": release.released_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "note": release.note,
        "suppressionThreshold": release.suppression_threshold,
        "institutionCount": release.institution_count,
        "overview": overview,
        "records": [],
        "auditChainSeq": release.audit_seq,
        "auditChainHash": release.audit_hash,
        "signingKey": fingerprint,
    });
    let Value::Object(head) = head else { unreachable!("a JSON object literal") };
    let mut out = Vec::with_capacity(1024 + records.len() * 1024);
    let mut names: Vec<(&String, &Value)> = head.iter().collect();
    names.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push(b'{');
    for (i, (name, field)) in names.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut out, name);
        out.push(b':');
        if name == "records" {
            write_records(records, &mut out)?;
        } else {
            write_canonical(field, &mut out);
        }
    }
    out.push(b'}');
    String::from_utf8(out).map_err(ApiError::internal)
}

fn write_records(records: &[release_institution::Model], out: &mut Vec<u8>) -> ApiResult<()> {
    // Every record has the same fields: their camelCase names, sorted, are found once.
    let mut order: Option<Vec<(String, String)>> = None;
    out.push(b'[');
    for (i, record) in records.iter().enumerate() {
        let Value::Object(fields) = serde_json::to_value(record).map_err(ApiError::internal)? else {
            return Err(ApiError::internal(anyhow::anyhow!("a release record is not an object")));
        };
        let order = order.get_or_insert_with(|| {
            let mut names: Vec<(String, String)> = fields
                .keys()
                .filter(|name| *name != "id" && *name != "release_id")
                .map(|name| (camel(name), name.clone()))
                .collect();
            names.sort_unstable();
            names
        });
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (j, (camel, snake)) in order.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            let _ = serde_json::to_writer(&mut *out, camel);
            out.push(b':');
            write_canonical(fields.get(snake).unwrap_or(&Value::Null), out);
        }
        out.push(b'}');
    }
    out.push(b']');
    Ok(())
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON with every object's keys in order and no whitespace (RFC 8785's form for the strings,
/// integers, booleans and nulls a release holds), so the same release always reads as the
/// same bytes.
pub fn canonical(value: &Value) -> String {
    let mut out = Vec::with_capacity(4096);
    write_canonical(value, &mut out);
    // Only serde_json's own output and ASCII punctuation were written: valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(fields) => {
            let mut names: Vec<(&String, &Value)> = fields.iter().collect();
            names.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (name, field)) in names.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                // Writing JSON into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, name);
                out.push(b':');
                write_canonical(field, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        scalar => {
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level_and_keeps_no_space() {
        let value = json!({"b": [{"z": 1, "a": "张掖"}], "a": null, "c": true});
        assert_eq!(canonical(&value), r#"{"a":null,"b":[{"a":"张掖","z":1}],"c":true}"#);
    }

    #[test]
    fn a_signature_verifies_with_its_key_only_and_over_its_bytes_only() {
        let signer = ReleaseSigner::generate();
        let body = br#"{"releaseId":1}"#;
        let signature = signer.key.sign(body).to_bytes();
        assert_eq!(verify(body, &signature, signer.public_key_pem()).unwrap(), signer.fingerprint());
        assert!(verify(br#"{"releaseId":2}"#, &signature, signer.public_key_pem()).is_err());
        assert!(verify(body, &signature, ReleaseSigner::generate().public_key_pem()).is_err());
        assert!(verify(body, &signature[..63], signer.public_key_pem()).is_err());
    }

    #[test]
    fn a_key_kept_in_the_data_folder_is_the_same_key_next_time() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("release-key-{}-{nanos}", std::process::id()));
        let first = ReleaseSigner::load(None, &dir).unwrap();
        let again = ReleaseSigner::load(None, &dir).unwrap();
        assert_eq!(first.fingerprint(), again.fingerprint());
        let path = dir.join("release-signing-key.pem");
        let given = ReleaseSigner::load(Some(&path), Path::new("elsewhere")).unwrap();
        assert_eq!(given.fingerprint(), first.fingerprint());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
