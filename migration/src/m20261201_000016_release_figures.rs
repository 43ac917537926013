//! Sound suppression: the figures each release was chosen from (kept for the office's audit,
//! never read by the public API) and whether a public record's people figures are hidden.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables, fk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("release_figures")
                    .col(integer("release_id").primary_key())
                    .col(text("figures"))
                    .foreign_key(&mut fk("release_figures", "release_id", "disclosure_release"))
                    .to_owned(),
            )
            .await?;
        let mut hidden = boolean("people_hidden");
        hidden.default(false);
        manager.alter_table(Table::alter().table("release_institution").add_column(&mut hidden).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "release_institution", &["people_hidden"], &[]).await?;
        drop_tables(manager, &["release_figures"]).await
    }
}
