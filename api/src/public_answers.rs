//! Answers to the public's GraphQL reads, kept a few seconds. Everyone without a token sees
//! the same released data, so the portal's requests repeat byte for byte: a repeat is answered
//! from memory without parsing, planning or a database round trip. A publish (any mutation) in
//! this process empties it at once; another instance's publish shows within `TTL`.
//!
//! The store is bounded by bytes (keys and answers weighed together), not by entries, and
//! entries expire: a flood of distinct requests evicts old answers instead of growing memory.

use std::time::Duration;

use actix_web::web::Bytes;
use moka::sync::Cache;

/// How stale a public answer may be after a release published through another instance.
pub const TTL: Duration = Duration::from_secs(5);
/// Request bodies longer than this are not kept (the portal's are a few hundred bytes).
const MAX_KEY: usize = 4096;
/// Bytes of keys and answers kept at most.
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

pub struct PublicAnswers {
    entries: Cache<Box<[u8]>, Bytes>,
}

impl Default for PublicAnswers {
    fn default() -> Self {
        Self::with_capacity(MAX_BYTES)
    }
}

impl PublicAnswers {
    /// A store of at most `bytes` of keys and answers.
    #[allow(clippy::borrowed_box)] // moka's weigher takes the key type as it is
    pub fn with_capacity(bytes: u64) -> Self {
        let entries = Cache::builder()
            .max_capacity(bytes)
            .weigher(|key: &Box<[u8]>, answer: &Bytes| u32::try_from(key.len() + answer.len() + 64).unwrap_or(u32::MAX))
            .time_to_live(TTL)
            .build();
        Self { entries }
    }

    /// The kept answer to exactly this request body, if it is fresh.
    pub fn get(&self, body: &[u8]) -> Option<Bytes> {
        self.entries.get(body)
    }

    pub fn put(&self, body: &[u8], answer: Bytes) {
        if body.len() > MAX_KEY {
            return;
        }
        self.entries.insert(body.into(), answer);
    }

    pub fn clear(&self) {
        self.entries.invalidate_all();
    }

    /// Bytes held now (after pending evictions are applied).
    pub fn weight(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_stays_within_its_bytes() {
        let store = PublicAnswers::with_capacity(1024 * 1024);
        for i in 0..1000u32 {
            store.put(format!("{{\"query\":\"{{ a{i} }}\"}}").as_bytes(), Bytes::from(vec![b'x'; 64 * 1024]));
        }
        assert!(store.weight() <= 1024 * 1024, "{}", store.weight());
    }
}
