//! Connecting, migrating and starting write transactions the same way on both backends.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// How long a client is asked to wait after an outage (`Retry-After`).
pub const RETRY_AFTER: Duration = Duration::from_secs(2);

/// Whether the database was seen unreachable a moment ago. While it was, requests are
/// answered `UNAVAILABLE` at once instead of each waiting for a connection that will not come;
/// the first request after [`RETRY_AFTER`] tries again, so the service recovers by itself.
#[derive(Default)]
pub struct Health {
    down_until_ms: AtomicU64,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl Health {
    /// Records that the database could not be reached.
    pub fn outage(&self) {
        self.down_until_ms.store(now_ms() + RETRY_AFTER.as_millis() as u64, Ordering::Relaxed);
    }

    /// Whether requests should be answered `UNAVAILABLE` without trying.
    pub fn is_down(&self) -> bool {
        now_ms() < self.down_until_ms.load(Ordering::Relaxed)
    }

    pub fn recovered(&self) {
        self.down_until_ms.store(0, Ordering::Relaxed);
    }
}

/// Longest a PostgreSQL session may sit idle inside a transaction before the server ends it.
pub const IDLE_IN_TRANSACTION: Duration = Duration::from_secs(60);

/// How the server's pools behave under load and faults.
#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    /// Longest wait for a pooled connection before answering `UNAVAILABLE`.
    pub acquire_timeout: Duration,
    /// PostgreSQL's `statement_timeout` on every connection of the pool (none when `None`).
    pub statement_timeout: Option<Duration>,
    /// Connections in the pool; `None`: 4 on SQLite (one writer at a time anyway), 16 on
    /// PostgreSQL.
    pub max_connections: Option<u32>,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self { acquire_timeout: Duration::from_secs(10), statement_timeout: None, max_connections: None }
    }
}

/// Opens a pool. SQLite connections get WAL, a busy timeout and foreign keys on each
/// connection (pragmas are per connection, not per pool).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, None).await
}

/// Like [`connect`], with a PostgreSQL schema search path (tests use one schema each).
pub async fn connect_with(url: &str, schema: Option<&str>) -> Result<DatabaseConnection, DbErr> {
    connect_limited(url, schema, PoolLimits::default()).await
}

/// Like [`connect_with`], with the server's limits.
pub async fn connect_limited(url: &str, schema: Option<&str>, limits: PoolLimits) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url) {
        create_private_file(std::path::Path::new(path));
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(limits.acquire_timeout)
        .max_connections(limits.max_connections.unwrap_or(if url.starts_with("sqlite") { 4 } else { 16 }).max(1))
        .min_connections(1)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
        });
    if let Some(port) = postgres_port(url) {
        // This pool hook replaces sea-orm's own (which would set the search path), so it sets
        // both. The schema name comes from our own configuration, never from a request.
        let mut settings: Vec<String> = Vec::new();
        if let Some(schema) = schema {
            settings.push(format!("SET search_path = \"{}\"", schema.replace('"', "")));
        }
        if let Some(timeout) = limits.statement_timeout {
            settings.push(format!("SET statement_timeout = {}", timeout.as_millis()));
        }
        // A transaction left open and idle (a client gone between two statements, a leaked
        // connection) is ended by the server after a minute, its locks released, instead of
        // stalling every writer behind it for good.
        settings.push(format!("SET idle_in_transaction_session_timeout = {}", IDLE_IN_TRANSACTION.as_millis()));
        options.map_sqlx_postgres_pool_opts(move |pool| {
            let settings = settings.clone();
            pool.after_connect(move |connection, _| {
                let settings = settings.clone();
                Box::pin(async move {
                    for sql in settings {
                        sea_orm::sqlx::Executor::execute(&mut *connection, sea_orm::sqlx::AssertSqlSafe(sql)).await?;
                    }
                    disable_nagle(port);
                    Ok(())
                })
            })
        });
    }
    Database::connect(options).await
}

fn postgres_port(url: &str) -> Option<u16> {
    if !url.starts_with("postgres") {
        return None;
    }
    let options: sea_orm::sqlx::postgres::PgConnectOptions = url.parse().ok()?;
    Some(options.get_port())
}

/// sqlx 0.9.0 opens its TCP connections without `TCP_NODELAY` (transact-rs/sqlx#4335; the fix,
/// #4336, is merged but not released). A statement bigger than the socket's send buffer then
/// goes out in two writes, and the second waits for the server's delayed ACK: 40 ms on Linux,
/// per statement (a 100,000-person import took 22 s over TCP, 8.6 s over a Unix socket). Until
/// the fix ships, every new pooled connection turns Nagle's algorithm off on this process's
/// sockets connected to the database's port.
#[cfg(target_os = "linux")]
fn disable_nagle(port: u16) {
    use std::os::fd::BorrowedFd;
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in entries.flatten() {
        let is_socket = std::fs::read_link(entry.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:"));
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()).filter(|_| is_socket) else {
            continue;
        };
        // SAFETY: the descriptor is a socket of this process, borrowed for two option calls
        // only; were it closed and its number reused meanwhile, the calls would fail or set a
        // harmless option on another socket of ours.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&fd);
        if socket.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port) {
            let _ = socket.set_tcp_nodelay(true);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn disable_nagle(_port: u16) {}

/// Creates a new SQLite file readable by its owner only (its `-wal` and `-shm` files take
/// the same mode); an existing file is left as it is.
fn create_private_file(path: &std::path::Path) {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = options.open(path);
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(':')).then_some(path)
}

/// Names of the migrations not yet applied.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.iter().map(|m| m.name().to_string()).collect())
}

/// Every migration, oldest first, with whether it is applied (`api migrate status`).
pub async fn migration_status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    Ok(Migrator::get_migration_with_status(db)
        .await?
        .iter()
        .map(|m| (m.name().to_string(), m.status() == migration::MigrationStatus::Applied))
        .collect())
}

/// Rolls back the last `steps` applied migrations, newest first (`api migrate down`).
pub async fn migrate_down(db: &DatabaseConnection, steps: u32) -> Result<(), DbErr> {
    Migrator::down(db, Some(steps)).await
}

/// Begins a transaction that reads a consistent snapshot and writes what it read (a
/// disclosure release): REPEATABLE READ on PostgreSQL, IMMEDIATE on SQLite.
pub async fn begin_snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = match db.get_database_backend() {
        DbBackend::Sqlite => {
            TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }
        }
        _ => {
            TransactionOptions { isolation_level: Some(sea_orm::IsolationLevel::RepeatableRead), ..Default::default() }
        }
    };
    db.begin_with_options(options).await
}

/// Where a write may begin: the connection, or a transaction already open (then a nested one).
pub trait Writes: TransactionTrait<Transaction = DatabaseTransaction> + ConnectionTrait {}

impl<T: TransactionTrait<Transaction = DatabaseTransaction> + ConnectionTrait> Writes for T {}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (BEGIN IMMEDIATE) so concurrent writers queue instead of failing on upgrade; on
/// PostgreSQL rules are held by row locks and conditional updates inside it.
///
/// Inside a transaction (`db` is one) it begins a nested one (a savepoint): an act run as part
/// of a larger one (a submission approved) is committed or rolled back with it.
pub async fn begin_write<C: Writes>(db: &C) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}
