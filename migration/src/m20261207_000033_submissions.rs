//! Institutions key their own changes (单位填报 → 主管部门审核 → 编办核准): an institution's
//! account (`account.institution_id`), its submissions and each one's steps, the facts an
//! institution changes itself (address, legal representative, head), its annual reports, and how
//! much of its people's national IDs an institution's account sees (the office decides).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INSTITUTION_COLUMNS: [&str; 3] = ["address", "legal_representative", "head"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("account").add_column(integer_null("institution_id")).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table("jurisdiction").add_column(integer("institution_id_digits").default(4)).to_owned(),
            )
            .await?;
        for name in INSTITUTION_COLUMNS {
            manager.alter_table(Table::alter().table("institution").add_column(string_null(name)).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("submission")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(integer("department_id"))
                    .col(string("kind"))
                    .col(integer_null("staff_id"))
                    .col(text("payload"))
                    .col(text("attachments"))
                    .col(string("status"))
                    .col(string("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .col(timestamp_with_time_zone_null("passed_at"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(text_null("returned_reason"))
                    .col(integer_null("result_id"))
                    .foreign_key(ForeignKey::create().from("submission", "jurisdiction_id").to("jurisdiction", "id"))
                    .foreign_key(ForeignKey::create().from("submission", "institution_id").to("institution", "id"))
                    .foreign_key(ForeignKey::create().from("submission", "department_id").to("department", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("submission", &["institution_id", "status"])).await?;
        manager.create_index(index("submission", &["department_id", "status"])).await?;
        manager.create_index(index("submission", &["jurisdiction_id", "status"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("submission_step")
                    .col(pk_auto("id"))
                    .col(integer("submission_id"))
                    .col(string("action"))
                    .col(string("actor"))
                    .col(string("actor_role"))
                    .col(text_null("comment"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(ForeignKey::create().from("submission_step", "submission_id").to("submission", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("submission_step", &["submission_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("annual_report")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(integer("year"))
                    .col(text("content"))
                    .col(integer_null("submission_id"))
                    .col(string("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(ForeignKey::create().from("annual_report", "jurisdiction_id").to("jurisdiction", "id"))
                    .foreign_key(ForeignKey::create().from("annual_report", "institution_id").to("institution", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("annual_report", &["institution_id", "year"]).unique().to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["submission", "submission_step", "annual_report"]).await?;
        drop_columns(manager, "institution", &INSTITUTION_COLUMNS, &[]).await?;
        drop_columns(manager, "jurisdiction", &["institution_id_digits"], &[]).await?;
        drop_columns(manager, "account", &["institution_id"], &[]).await
    }
}
