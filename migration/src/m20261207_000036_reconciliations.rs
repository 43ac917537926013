//! Payroll reconciliations (三个一致): each run an office saved, and its findings, which the
//! office resolves one by one with a note.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reconciliation")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("checked_jurisdiction_id"))
                    .col(boolean("include_descendants"))
                    .col(string("run_by"))
                    .col(timestamp_with_time_zone("run_at"))
                    .col(string("file_sha256"))
                    .col(integer("file_rows"))
                    .col(integer("payroll_people"))
                    .col(integer("fiscal_supported"))
                    .col(integer("in_establishment_not_paid"))
                    .col(integer("paid_not_in_establishment"))
                    .col(integer("paid_elsewhere"))
                    .col(integer("paid_past_retirement"))
                    .col(integer("unreadable"))
                    .foreign_key(
                        ForeignKey::create().from("reconciliation", "jurisdiction_id").to("jurisdiction", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reconciliation_by_office")
                    .table("reconciliation")
                    .col("jurisdiction_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reconciliation_item")
                    .col(pk_auto("id"))
                    .col(integer("reconciliation_id"))
                    .col(string("list"))
                    .col(integer_null("line"))
                    .col(string("name"))
                    .col(string("national_id"))
                    .col(integer_null("staff_id"))
                    .col(string_null("institution"))
                    .col(string_null("paid_by"))
                    .col(string_null("reason"))
                    .col(text_null("resolved_note"))
                    .col(string_null("resolved_by"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("reconciliation_item", "reconciliation_id")
                            .to("reconciliation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reconciliation_item_by_run")
                    .table("reconciliation_item")
                    .col("reconciliation_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["reconciliation", "reconciliation_item"]).await
    }
}
