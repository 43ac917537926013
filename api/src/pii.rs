//! Personal data at rest. National ID numbers are encrypted (AES-256-GCM, random nonce) so a
//! dump does not expose them, and indexed by a keyed hash (HMAC-SHA-256) so equality look-ups
//! ("one person, one slot") work without decrypting.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct PiiCipher {
    aead: Aes256Gcm,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for PiiCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiCipher(..)")
    }
}

impl PiiCipher {
    /// Derives separate encryption and hashing keys from the configured key material.
    pub fn new(material: &str) -> Self {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut hasher = Sha256::new();
            hasher.update(label);
            hasher.update(material.as_bytes());
            hasher.finalize().into()
        };
        let enc_key = derive(b"establishment/pii/encryption/v1\0");
        Self { aead: Aes256Gcm::new(&enc_key.into()), mac_key: derive(b"establishment/pii/lookup/v1\0") }
    }

    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .aead
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .expect("AES-GCM encryption of a short string cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    pub fn decrypt(&self, sealed: &str) -> anyhow::Result<String> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed)?;
        anyhow::ensure!(bytes.len() > 12, "sealed value too short");
        let (nonce, body) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into()?;
        let plain = self
            .aead
            .decrypt(&Nonce::from(nonce), body)
            .map_err(|_| anyhow::anyhow!("personal data does not decrypt with the configured PII key"))?;
        Ok(String::from_utf8(plain)?)
    }

    /// Identifies the key without revealing it: a keyed hash of a fixed label.
    pub fn fingerprint(&self) -> String {
        self.lookup_hash("establishment/pii/fingerprint/v1")
    }

    /// Keyed hash used for equality look-ups; hex, 64 characters.
    pub fn lookup_hash(&self, plain: &str) -> String {
        self.lookup_key(plain).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The keyed hash's 32 bytes ([`Self::lookup_hash`] is their hex).
    pub fn lookup_key(&self, plain: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key).expect("any key length");
        mac.update(plain.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// Records the key's fingerprint in a new database, and refuses a key other than the one the
/// database's personal data was sealed with.
pub async fn ensure_fingerprint(db: &sea_orm::DatabaseConnection, cipher: &PiiCipher) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, Statement, Value};
    let backend = db.get_database_backend();
    let select = Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DbBackend::Postgres => "SELECT fingerprint FROM key_fingerprint WHERE name = $1",
            _ => "SELECT fingerprint FROM key_fingerprint WHERE name = ?",
        },
        [Value::from("pii")],
    );
    let stored = db.query_one_raw(select).await?.map(|row| row.try_get::<String>("", "fingerprint")).transpose()?;
    let fingerprint = cipher.fingerprint();
    match stored {
        Some(stored) if stored == fingerprint => Ok(()),
        Some(_) => anyhow::bail!(
            "PII_KEY is not the key this database's personal data was sealed with; start with the original key"
        ),
        None => {
            let insert = Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DbBackend::Postgres => {
                        "INSERT INTO key_fingerprint (name, fingerprint, created_at) VALUES ($1, $2, $3)"
                    }
                    _ => "INSERT INTO key_fingerprint (name, fingerprint, created_at) VALUES (?, ?, ?)",
                },
                [Value::from("pii"), Value::from(fingerprint), Value::from(chrono::Utc::now())],
            );
            db.execute_raw(insert).await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_stable_hash() {
        let cipher = PiiCipher::new("test key");
        let sealed = cipher.encrypt("620702198001011234");
        assert!(!sealed.contains("620702"));
        assert_eq!(cipher.decrypt(&sealed).unwrap(), "620702198001011234");
        assert_eq!(cipher.lookup_hash("a"), cipher.lookup_hash("a"));
        assert_ne!(cipher.lookup_hash("a"), PiiCipher::new("other").lookup_hash("a"));
    }
}
