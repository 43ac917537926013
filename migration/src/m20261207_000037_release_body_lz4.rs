//! A signed release's body is megabytes of JSON (27 MB for 30,000 institutions), stored once
//! when it is signed. On PostgreSQL built with lz4, its TOAST compression is lz4 instead of the
//! default pglz: storing a province-scale body took 0.83–0.98 s with pglz and 0.64–0.67 s with
//! lz4 (BENCHMARKS.md). Bodies stored before keep their compression; SQLite has none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Whether this PostgreSQL server was built with lz4 (`default_toast_compression` offers it).
async fn lz4(db: &SchemaManagerConnection<'_>) -> Result<bool, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(false);
    }
    let sql = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)";
    Ok(db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await?.is_some())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if lz4(db).await? {
            db.execute_unprepared("ALTER TABLE release_signature ALTER COLUMN body SET COMPRESSION lz4").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if lz4(db).await? {
            db.execute_unprepared("ALTER TABLE release_signature ALTER COLUMN body SET COMPRESSION pglz").await?;
        }
        Ok(())
    }
}
