//! Search for people by any part of their name, down to one character (a surname such as 傅),
//! served by an index on PostgreSQL: a GIN index over the name's characters
//! (`string_to_array(name, NULL)`), which a search asks for every character of the text it
//! looks for before `LIKE` confirms their order. A trigram index cannot serve one or two
//! characters; this one serves any length. SQLite, the small embedded default, keeps scanning.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE INDEX ix_staff_name_characters ON staff USING gin (string_to_array(name, NULL::text))",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP INDEX ix_staff_name_characters").await?;
        }
        Ok(())
    }
}
