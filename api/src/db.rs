//! Connecting, migrating and starting write transactions the same way on both backends.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// Opens a pool. SQLite connections get WAL, a busy timeout and foreign keys on each
/// connection (pragmas are per connection, not per pool).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, None).await
}

/// Like [`connect`], with a PostgreSQL schema search path (tests use one schema each).
pub async fn connect_with(url: &str, schema: Option<&str>) -> Result<DatabaseConnection, DbErr> {
    if let Some(parent) = sqlite_file(url).and_then(|path| std::path::Path::new(path).parent()) {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(if url.starts_with("sqlite") { 4 } else { 16 })
        .min_connections(1)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
        });
    if let Some(schema) = schema {
        options.set_schema_search_path(schema.to_owned());
    }
    Database::connect(options).await
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(':')).then_some(path)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
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

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (BEGIN IMMEDIATE) so concurrent writers queue instead of failing on upgrade; on
/// PostgreSQL rules are held by row locks and conditional updates inside it.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}
