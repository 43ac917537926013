//! Gauges of the database pools, read when `/metrics` is scraped: each pool's connections by
//! state (idle, in use), its limit and how long a connection takes to acquire, per pool (the
//! primary's, the replica's), and the read replica's replay lag as last measured.

use std::sync::Arc;
use std::time::{Duration, Instant};

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Gauge, GaugeVec, IntGaugeVec, Opts};
use sea_orm::{DatabaseConnection, DbBackend};

use super::replica::Replica;

/// Longest a sampled acquire is waited for; a pool that gives no connection by then reads this.
const ACQUIRE_LIMIT: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct PoolGauges {
    pools: Vec<(&'static str, DatabaseConnection)>,
    connections: IntGaugeVec,
    limit: IntGaugeVec,
    acquire: GaugeVec,
    /// The read replica, when one is configured, and its lag's gauge.
    replica: Option<(Arc<Replica>, Gauge)>,
}

impl PoolGauges {
    pub fn new(pools: Vec<(&'static str, DatabaseConnection)>, replica: &Arc<Replica>) -> Self {
        let connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Connections of each database pool, by state (idle, in_use)"),
            &["pool", "state"],
        )
        .expect("static metric definition");
        let limit = IntGaugeVec::new(Opts::new("db_pool_max_connections", "Each database pool's limit"), &["pool"])
            .expect("static metric definition");
        let replica = replica.is_configured().then(|| {
            let help = "The read replica's replay lag in seconds, as last measured (each /readyz, and before reads \
                        when it was not seen answering for 5 s)";
            (replica.clone(), Gauge::new("db_replica_lag_seconds", help).expect("static metric definition"))
        });
        let acquire = GaugeVec::new(
            Opts::new(
                "db_pool_acquire_seconds",
                "Time to acquire a connection from each pool, sampled at each scrape (1 when none came within a second)",
            ),
            &["pool"],
        )
        .expect("static metric definition");
        Self { pools, connections, limit, acquire, replica }
    }
}

impl PoolGauges {
    /// Times taking one connection from each pool (and giving it back): what a request arriving
    /// now would wait, 0 while one is idle, the longer the more requests queue before it.
    pub async fn sample_acquire(&self) {
        for (name, db) in &self.pools {
            let started = Instant::now();
            let acquired = match db.get_database_backend() {
                DbBackend::Postgres => tokio::time::timeout(ACQUIRE_LIMIT, db.get_postgres_connection_pool().acquire())
                    .await
                    .map(|c| c.is_ok()),
                _ => tokio::time::timeout(ACQUIRE_LIMIT, db.get_sqlite_connection_pool().acquire())
                    .await
                    .map(|c| c.is_ok()),
            };
            let waited = if acquired == Ok(true) { started.elapsed() } else { ACQUIRE_LIMIT };
            self.acquire.with_label_values(&[name]).set(waited.as_secs_f64());
        }
    }
}

/// A pool's open connections, idle ones and limit.
fn stats(db: &DatabaseConnection) -> (u32, usize, u32) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
    }
}

impl Collector for PoolGauges {
    fn desc(&self) -> Vec<&Desc> {
        let lag = self.replica.iter().flat_map(|(_, gauge)| gauge.desc());
        self.connections.desc().into_iter().chain(self.limit.desc()).chain(self.acquire.desc()).chain(lag).collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        for (name, db) in &self.pools {
            let (open, idle, limit) = stats(db);
            let idle = i64::try_from(idle).unwrap_or(i64::MAX);
            self.connections.with_label_values(&[name, "idle"]).set(idle);
            self.connections.with_label_values(&[name, "in_use"]).set(i64::from(open).saturating_sub(idle));
            self.limit.with_label_values(&[name]).set(i64::from(limit));
        }
        let mut families = self.connections.collect();
        families.extend(self.limit.collect());
        families.extend(self.acquire.collect());
        if let Some((replica, gauge)) = &self.replica
            && let Some(lag) = replica.lag_seconds()
        {
            gauge.set(lag);
            families.extend(gauge.collect());
        }
        families
    }
}
