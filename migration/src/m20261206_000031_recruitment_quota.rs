//! Annual recruitment plans (年度进人计划): a quota of slots per supervising department and year,
//! within which the year's vacancy-use requests stay.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("recruitment_quota")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("department_id"))
                    .col(integer("year"))
                    .col(integer("slots"))
                    .col(string("document_no"))
                    .col(string("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(
                        ForeignKey::create().from("recruitment_quota", "jurisdiction_id").to("jurisdiction", "id"),
                    )
                    .foreign_key(ForeignKey::create().from("recruitment_quota", "department_id").to("department", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("recruitment_quota", &["department_id", "year"]).unique().to_owned()).await?;
        manager.create_index(index("recruitment_quota", &["jurisdiction_id", "year"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["recruitment_quota"]).await
    }
}
