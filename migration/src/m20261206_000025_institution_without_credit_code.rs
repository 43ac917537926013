//! A unit that is not a legal person (非法人单位: newly approved, or never registered) may have
//! no unified social credit code: `institution.credit_code` and the copy a disclosure release
//! keeps (`release_institution.credit_code`) become nullable. The unique index stays: codes
//! that are there are still one unit's each, and both databases let NULLs repeat under it.
//!
//! PostgreSQL drops the NOT NULL constraints. SQLite cannot alter a column; removing a NOT NULL
//! constraint changes nothing on disk, so its table definitions are edited in place as SQLite's
//! documentation allows for that change ("Making Other Kinds Of Table Schema Changes": with
//! `writable_schema`, then the schema version bumped so every connection reloads it), instead
//! of copying the tables that the rest of the schema references.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each table with its column's definition as SQLite stores it, with and without NOT NULL.
const SQLITE: [(&str, &str, &str); 2] = [
    ("institution", r#""credit_code" varchar(18) NOT NULL UNIQUE"#, r#""credit_code" varchar(18) UNIQUE"#),
    ("release_institution", r#""credit_code" varchar NOT NULL"#, r#""credit_code" varchar"#),
];

async fn sqlite_edit(manager: &SchemaManager<'_>, up: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let version = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA schema_version"))
        .await?
        .ok_or_else(|| DbErr::Custom("no schema version".into()))?
        .try_get_by_index::<i64>(0)?;
    // One script, so every statement runs on the same connection of the pool.
    let mut script = String::from("PRAGMA writable_schema = ON;");
    for (table, strict, loose) in SQLITE {
        let (from, to) = if up { (strict, loose) } else { (loose, strict) };
        script.push_str(&format!(
            "UPDATE sqlite_master SET sql = replace(sql, '{from}', '{to}') WHERE type = 'table' AND name = '{table}';"
        ));
    }
    script.push_str(&format!("PRAGMA schema_version = {};PRAGMA writable_schema = OFF;", version + 1));
    db.execute_unprepared(&script).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => sqlite_edit(manager, true).await,
            _ => {
                let db = manager.get_connection();
                db.execute_unprepared("ALTER TABLE institution ALTER COLUMN credit_code DROP NOT NULL").await?;
                db.execute_unprepared("ALTER TABLE release_institution ALTER COLUMN credit_code DROP NOT NULL").await?;
                Ok(())
            }
        }
    }

    /// Refused while a unit without a code exists (PostgreSQL checks; on SQLite the rows are
    /// checked first).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for table in ["institution", "release_institution"] {
                    let sql = format!("SELECT count(*) FROM {table} WHERE credit_code IS NULL");
                    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
                    if row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0) > 0 {
                        return Err(DbErr::Migration(format!("{table} has units without a credit code")));
                    }
                }
                sqlite_edit(manager, false).await
            }
            _ => {
                db.execute_unprepared("ALTER TABLE institution ALTER COLUMN credit_code SET NOT NULL").await?;
                db.execute_unprepared("ALTER TABLE release_institution ALTER COLUMN credit_code SET NOT NULL").await?;
                Ok(())
            }
        }
    }
}
