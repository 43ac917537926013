//! A release's record publishes the slots its institution has deposited in the turnover pool and
//! borrowed from it (decided in public documents, as its approved establishment is), so the
//! public record adds up as the office's does. Releases published before keep 0 for both.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["deposited", "borrowed"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in COLUMNS {
            manager
                .alter_table(
                    Table::alter().table("release_institution").add_column(integer(name).default(0)).to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "release_institution", &COLUMNS, &[]).await
    }
}
