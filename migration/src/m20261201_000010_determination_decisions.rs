//! Decisions changing an institution's three determinations (三定), each with its document.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("determination_decision")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(string("document_no"))
                    .col(date("decided_on"))
                    .col(text("reason"))
                    .col(text("before"))
                    .col(text("after"))
                    .col(string("actor"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("determination_decision", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("determination_decision", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("determination_decision", &["institution_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["determination_decision"]).await
    }
}
