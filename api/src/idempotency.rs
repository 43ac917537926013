//! Writes apply once (CONTRACT.md, `Idempotency-Key`). A write sent with a key first claims the
//! key (one row, inserted before the write runs: of two identical requests at once only one
//! inserts it, and the other waits for its answer); the first answer is then kept a day under
//! the key, and the same request sent again with it is answered with that answer.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::Utc;
use entity::idempotency_key;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// The header a client sends.
pub const HEADER: &str = "idempotency-key";
/// How long a first answer is kept.
pub const KEPT: Duration = Duration::from_secs(24 * 3600);
/// A claim whose write has not answered in this long was left by a process that stopped.
const ABANDONED_AFTER: Duration = Duration::from_secs(10 * 60);
/// How long a repeat waits for the first request's answer before it is told to ask again.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);
/// The longest key accepted (a UUID is 36 characters).
const LONGEST_KEY: usize = 200;

/// What a key's claim found.
pub enum Claim {
    /// The key is new: this request runs, and its answer is kept under `id`.
    Run { id: String },
    /// The same request was answered before: its status and body.
    Replay { status: u16, answer: String },
}

/// Claims `key` for `caller`'s request `body`, or finds the answer it had.
pub async fn claim(db: &DatabaseConnection, caller: &str, key: &str, body: &[u8]) -> ApiResult<Claim> {
    if key.is_empty() || key.len() > LONGEST_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_input(format!(
            "an Idempotency-Key is 1 to {LONGEST_KEY} visible ASCII characters (a UUID, say)"
        )));
    }
    forget_expired(db).await;
    let id = hex(Sha256::new().chain_update(caller).chain_update([0]).chain_update(key).finalize());
    let request_hash = hex(Sha256::digest(body));
    let waited_since = std::time::Instant::now();
    loop {
        let now = Utc::now();
        let row = idempotency_key::ActiveModel {
            id: Set(id.clone()),
            request_hash: Set(request_hash.clone()),
            status: Set(None),
            answer: Set(None),
            created_at: Set(now),
        };
        match row.insert(db).await {
            Ok(_) => return Ok(Claim::Run { id }),
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
            Err(error) => return Err(error.into()),
        }
        let Some(found) = idempotency_key::Entity::find_by_id(id.clone()).one(db).await? else {
            continue; // forgotten meanwhile: claim it again
        };
        let age = (now - found.created_at).to_std().unwrap_or_default();
        let stale = if found.status.is_some() { KEPT } else { ABANDONED_AFTER };
        if age >= stale {
            // Only the row as read is removed, so of two requests doing this one claims anew.
            idempotency_key::Entity::delete_many()
                .filter(idempotency_key::Column::Id.eq(id.clone()))
                .filter(idempotency_key::Column::CreatedAt.eq(found.created_at))
                .exec(db)
                .await?;
            continue;
        }
        if found.request_hash != request_hash {
            return Err(ApiError::bad_input(
                "this Idempotency-Key was sent before with another request: a new write needs a new key",
            ));
        }
        if let (Some(status), Some(answer)) = (found.status, found.answer) {
            let status = u16::try_from(status).unwrap_or(200);
            return Ok(Claim::Replay { status, answer });
        }
        if waited_since.elapsed() >= WAIT {
            return Err(ApiError::conflict(
                "a write with this Idempotency-Key is still running: ask again in a moment for its answer",
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Keeps the first answer under the claim.
pub async fn keep(db: &DatabaseConnection, id: &str, status: u16, answer: &[u8]) -> ApiResult<()> {
    idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::Status, Expr::value(i32::from(status)))
        .col_expr(idempotency_key::Column::Answer, Expr::value(String::from_utf8_lossy(answer).into_owned()))
        .filter(idempotency_key::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives a claim up: the request was refused before it could change anything (the database
/// was down, the caller over their rate), so sending it again is a new try.
pub async fn release(db: &DatabaseConnection, id: &str) -> ApiResult<()> {
    idempotency_key::Entity::delete_by_id(id.to_string()).exec(db).await?;
    Ok(())
}

/// Removes answers older than a day, at most once a minute per process.
async fn forget_expired(db: &DatabaseConnection) {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = Utc::now();
    let last = LAST.load(Ordering::Relaxed);
    if now.timestamp() - last < 60
        || LAST.compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed).is_err()
    {
        return;
    }
    let cutoff = now - chrono::Duration::from_std(KEPT).unwrap_or_default();
    let forgotten =
        idempotency_key::Entity::delete_many().filter(idempotency_key::Column::CreatedAt.lt(cutoff)).exec(db).await;
    if let Err(error) = forgotten {
        tracing::warn!(%error, "could not forget expired idempotency keys");
    }
}

/// Bytes as lowercase hexadecimal (a digest as it is written).
pub fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
