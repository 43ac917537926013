//! A search for people by part of their name always runs inside a set of jurisdictions (the
//! caller's reach, or the subtree asked for). On PostgreSQL the name-characters index of
//! migration 19 becomes one over the jurisdiction and the name's characters together
//! (`btree_gin` lets a GIN index hold the integer), so the index itself answers "this surname
//! in these ten counties" (693 people of a city) instead of every person of the province with
//! that character (8,040) intersected with every person of the city (49,138) before the table
//! is read. A GIN index serves a condition on either column alone too. Where `btree_gin` is
//! not installed with the server, the index of migration 19 stays, as the new one would be:
//!
//! without GIN's pending list (`fastupdate = off`): with it, new people wait in an
//! unsorted list that every search reads whole until a vacuum merges it (after one benchmark's
//! hires, 15,274 entries on 304 pages: 40 ms of a 45 ms search). People are written a few at a
//! time, so each write updates the index itself.
//!
//! An extension belongs to the whole database while a migration runs in one schema, so two
//! migrators can meet on it (two instances starting together on a fresh database, or the
//! tests' parallel schemas): each would see it missing and one would fail on a duplicate key.
//! They queue on a transaction-level advisory lock instead, and the extension goes into
//! `public` where that schema exists, so dropping one tenant's or test's schema never takes
//! it (and every index built on it) along.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The advisory lock key under which migrators create database-wide extensions ("btree_gin"
/// as eight ASCII bytes would not fit; any constant no other code uses will do).
const EXTENSION_LOCK: i64 = 0x6274_7265_655f_6769;

async fn btree_gin_available(manager: &SchemaManager<'_>) -> Result<bool, DbErr> {
    let found = manager
        .get_connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gin'",
        ))
        .await?;
    Ok(found.is_some())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The advisory lock is held until this transaction ends (PostgreSQL's default, stated).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        if !btree_gin_available(manager).await? {
            db.execute_unprepared("ALTER INDEX ix_staff_name_characters SET (fastupdate = off)").await?;
            return Ok(());
        }
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({EXTENSION_LOCK})")).await?;
        db.execute_unprepared(
            "DO $$ BEGIN \
               IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN \
                 CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public; \
               ELSE \
                 CREATE EXTENSION IF NOT EXISTS btree_gin; \
               END IF; \
             END $$",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_staff_jurisdiction_name_characters ON staff \
             USING gin (jurisdiction_id, string_to_array(name, NULL::text)) WITH (fastupdate = off)",
        )
        .await?;
        db.execute_unprepared("DROP INDEX ix_staff_name_characters").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX IF NOT EXISTS ix_staff_name_characters ON staff USING gin (string_to_array(name, NULL::text))")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_staff_jurisdiction_name_characters").await?;
        Ok(())
    }
}
