//! A read replica that may be lost: queries and exports read it while it answers, and the
//! primary when it does not. A replica not seen answering for a few seconds is pinged before it
//! is used again; one that fails is left alone for a while (its reads go to the primary, and
//! `/readyz` stays 200, saying so), then tried again.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use sea_orm::{DatabaseConnection, DbBackend};

use super::AppState;

/// A replica seen answering this recently is used without asking.
const TRUSTED: Duration = Duration::from_secs(5);
/// A replica found lost is left alone this long before it is tried again.
const LEFT_ALONE: Duration = Duration::from_secs(15);
/// How long a ping may take before the replica counts as lost.
const PING: Duration = Duration::from_millis(500);
/// How far a PostgreSQL standby's replay is behind its primary, in seconds: none while it has
/// replayed all it received (a quiet primary sends nothing to replay) and on a server that is
/// not a standby; unknown (null) while it is behind but has replayed no transaction since it
/// started.
const LAG: &str = "SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() \
    THEN 0::float8 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 END";
/// `lag_ms` before the replica was first reached.
const UNKNOWN: u64 = u64::MAX;

pub struct Replica {
    /// A replica was configured (else reads go to the primary, which `read_db` then is).
    present: AtomicBool,
    started: Instant,
    /// Milliseconds since `started` of the last ping answered, and of the last loss seen.
    seen_ms: AtomicU64,
    lost_ms: AtomicU64,
    lost: AtomicBool,
    /// The replica's replay lag when it last answered, in milliseconds.
    lag_ms: AtomicU64,
}

impl Default for Replica {
    fn default() -> Self {
        Self {
            present: AtomicBool::new(false),
            started: Instant::now(),
            seen_ms: AtomicU64::new(0),
            lost_ms: AtomicU64::new(0),
            lost: AtomicBool::new(false),
            lag_ms: AtomicU64::new(UNKNOWN),
        }
    }
}

impl Replica {
    pub fn configured() -> Self {
        let replica = Self::default();
        replica.present.store(true, Ordering::Relaxed);
        replica
    }

    pub(super) fn is_configured(&self) -> bool {
        self.present.load(Ordering::Relaxed)
    }

    /// The replica's replay lag in seconds when it last answered (0 for a server that replays
    /// nothing: the primary itself, or SQLite); none before it first answered.
    pub(super) fn lag_seconds(&self) -> Option<f64> {
        let ms = self.lag_ms.load(Ordering::Relaxed);
        (ms != UNKNOWN).then(|| ms as f64 / 1000.0)
    }

    /// Whether the replica answers within [`PING`]; on PostgreSQL the same round trip reads its
    /// replay lag.
    async fn probe(&self, db: &DatabaseConnection) -> bool {
        let answer = async {
            match db.get_database_backend() {
                // On the pool itself, like `ping`: a probe is not one of a request's statements.
                DbBackend::Postgres => sea_orm::sqlx::query_scalar::<_, Option<f64>>(LAG)
                    .fetch_one(db.get_postgres_connection_pool())
                    .await
                    .map_err(|error| sea_orm::DbErr::Custom(error.to_string())),
                _ => db.ping().await.map(|()| Some(0.0)),
            }
        };
        match tokio::time::timeout(PING, answer).await {
            Ok(Ok(lag)) => {
                let ms = lag.map_or(UNKNOWN, |lag| (lag.max(0.0) * 1000.0) as u64);
                self.lag_ms.store(ms, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn lost(&self) {
        if !self.lost.swap(true, Ordering::Relaxed) {
            tracing::warn!("the read replica does not answer: reads go to the primary");
        }
        self.lost_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    fn seen(&self) {
        if self.lost.swap(false, Ordering::Relaxed) {
            tracing::info!("the read replica answers again: reads go to it");
        }
        self.seen_ms.store(self.now_ms().max(1), Ordering::Relaxed);
    }
}

impl AppState {
    /// Where a read goes: the replica while it answers, else the primary.
    pub(super) async fn reads(&self) -> &DatabaseConnection {
        let replica = &self.replica;
        if !replica.present.load(Ordering::Relaxed) {
            return &self.read_db;
        }
        let now = replica.now_ms();
        if replica.lost.load(Ordering::Relaxed)
            && now.saturating_sub(replica.lost_ms.load(Ordering::Relaxed)) < LEFT_ALONE.as_millis() as u64
        {
            return &self.db;
        }
        let seen = replica.seen_ms.load(Ordering::Relaxed);
        if seen > 0 && now.saturating_sub(seen) < TRUSTED.as_millis() as u64 && !replica.lost.load(Ordering::Relaxed) {
            return &self.read_db;
        }
        if replica.probe(&self.read_db).await {
            replica.seen();
            &self.read_db
        } else {
            replica.lost();
            &self.db
        }
    }

    /// A read on `db` met an outage: when it was the replica, its reads go to the primary for a
    /// while; when it was the primary, the database is down.
    pub(super) fn outage_on(&self, db: &DatabaseConnection) {
        if self.replica.present.load(Ordering::Relaxed) && std::ptr::eq(db, &self.read_db) {
            self.replica.lost();
        } else {
            self.health.outage();
        }
    }

    /// Whether `db` is the replica (so a failure on it can be retried on the primary).
    pub(super) fn is_replica(&self, db: &DatabaseConnection) -> bool {
        self.replica.present.load(Ordering::Relaxed) && std::ptr::eq(db, &self.read_db)
    }
}

/// `/readyz`: 200 while the primary answers (a lost replica only degrades reads to it, said in
/// the body); 503 when the primary does not.
pub(super) async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => state.health.recovered(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "database not ready");
            return HttpResponse::ServiceUnavailable().body("database unavailable");
        }
        Err(_) => return HttpResponse::ServiceUnavailable().body("database timed out"),
    }
    if !state.replica.present.load(Ordering::Relaxed) {
        return HttpResponse::Ok().body("ready");
    }
    if state.replica.probe(&state.read_db).await {
        state.replica.seen();
        HttpResponse::Ok().body("ready")
    } else {
        state.replica.lost();
        HttpResponse::Ok().body("ready (the read replica does not answer: reads go to the primary)")
    }
}
