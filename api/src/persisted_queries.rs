//! Automatic persisted queries (APQ, as Apollo's clients send them): a request may carry, in
//! `extensions.persistedQuery`, the SHA-256 of its document instead of the document. A hash this
//! server holds is answered as its document; one it does not is refused with
//! `PERSISTED_QUERY_NOT_FOUND`, and the client sends the document with its hash, which is kept
//! once it is checked. Kept per process, bounded in bytes; a restart only costs one round trip.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Value;
use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, RequestError};

/// The most document text kept, in bytes.
const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// A document not asked for this long is forgotten.
const IDLE: Duration = Duration::from_secs(24 * 3600);

pub struct PersistedQueries {
    kept: Cache<String, Arc<str>>,
}

impl Default for PersistedQueries {
    fn default() -> Self {
        let kept = Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|_: &String, query: &Arc<str>| u32::try_from(query.len()).unwrap_or(u32::MAX))
            .time_to_idle(IDLE)
            .build();
        Self { kept }
    }
}

impl PersistedQueries {
    /// Gives a request that names its document by hash that document, or keeps a document sent
    /// with its hash (once the hash is checked). A request without `persistedQuery` is left as
    /// it is.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), ApiError> {
        let Some(persisted) = request.extensions.get("persistedQuery") else { return Ok(()) };
        let Value::Object(fields) = persisted else {
            return Err(ApiError::bad_input("`persistedQuery` is an object with `version` 1 and `sha256Hash`"));
        };
        let version = fields.get("version").and_then(|v| if let Value::Number(n) = v { n.as_u64() } else { None });
        let hash = match fields.get("sha256Hash") {
            Some(Value::String(hash)) if version == Some(1) && hash.len() == 64 => hash.to_ascii_lowercase(),
            _ => return Err(ApiError::bad_input("`persistedQuery` is an object with `version` 1 and `sha256Hash`")),
        };
        if request.query.is_empty() {
            let query = self.kept.get(&hash).ok_or(ApiError::Request(RequestError::PersistedQueryNotFound))?;
            request.query = query.to_string();
            return Ok(());
        }
        let actual = crate::idempotency::hex(Sha256::digest(request.query.as_bytes()));
        if actual != hash {
            return Err(ApiError::bad_input("the persisted query's `sha256Hash` is not the SHA-256 of its document"));
        }
        self.kept.insert(hash, Arc::from(request.query.as_str()));
        Ok(())
    }
}
