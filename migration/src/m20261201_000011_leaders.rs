//! Leaders recorded per approved leadership post (领导职数).

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
                    .table("leader")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(integer("staff_id"))
                    .col(string("post_title"))
                    .col(date("appointed_on"))
                    .col(string("document_no"))
                    .col(date_null("ended_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("leader", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("leader", "institution_id", "institution"))
                    .foreign_key(&mut fk("leader", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("leader", &["institution_id"])).await?;
        manager.create_index(index("leader", &["staff_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["leader"]).await
    }
}
