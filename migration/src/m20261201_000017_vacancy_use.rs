//! Vacancy use is approved (用编审批): plans requested by departments, decided by the office,
//! drawn on by hires.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut used = integer("used");
        used.default(0);
        manager
            .create_table(
                Table::create()
                    .table("vacancy_use_plan")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(integer("department_id"))
                    .col(string("funding"))
                    .col(integer("requested"))
                    .col(integer_null("approved"))
                    .col(&mut used)
                    .col(text("posts"))
                    .col(string("recruitment"))
                    .col(text("reason"))
                    .col(string("status"))
                    .col(text_null("decision_reason"))
                    .col(string_null("document_no"))
                    .col(date_null("expires_on"))
                    .col(string("requested_by"))
                    .col(timestamp_with_time_zone("requested_at"))
                    .col(string_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .foreign_key(&mut fk("vacancy_use_plan", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("vacancy_use_plan", "institution_id", "institution"))
                    .foreign_key(&mut fk("vacancy_use_plan", "department_id", "department"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("vacancy_use_plan", &["jurisdiction_id", "status"])).await?;
        manager.create_index(index("vacancy_use_plan", &["institution_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["vacancy_use_plan"]).await
    }
}
