//! Answers to the public's GraphQL reads, kept a few seconds. Everyone without a token sees
//! the same released data, so the portal's requests repeat byte for byte: a repeat is answered
//! from memory without parsing, planning or a database round trip. A publish (any mutation) in
//! this process empties it at once; another instance's publish shows within `TTL`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// How stale a public answer may be after a release published through another instance.
pub const TTL: Duration = Duration::from_secs(5);
/// Request bodies longer than this are not kept (the portal's are a few hundred bytes).
const MAX_KEY: usize = 4096;
/// Distinct requests kept; past it the store starts afresh.
const MAX_ENTRIES: usize = 4096;

/// An answer and when it was computed.
type Kept = (Instant, Bytes);

#[derive(Default)]
pub struct PublicAnswers {
    entries: Mutex<HashMap<Box<[u8]>, Kept>>,
}

impl PublicAnswers {
    /// The kept answer to exactly this request body, if it is fresh.
    pub fn get(&self, body: &[u8]) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        let (at, answer) = entries.get(body)?;
        (at.elapsed() < TTL).then(|| answer.clone())
    }

    pub fn put(&self, body: &[u8], answer: Bytes) {
        if body.len() > MAX_KEY {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(body.into(), (Instant::now(), answer));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}
