//! Control figures handed down level by level (下达编制控制数).

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
                    .table("control_figure")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("granted_by"))
                    .col(integer("total_establishment"))
                    .col(integer("fiscal_people"))
                    .col(string("document_no"))
                    .col(date("effective_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("control_figure", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("control_figure", "granted_by", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("control_figure", &["jurisdiction_id", "id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["control_figure"]).await
    }
}
