//! Disclosure releases: consistent snapshots of a jurisdiction's public institution records.

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
                    .table("disclosure_release")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(timestamp_with_time_zone("released_at"))
                    .col(string("released_by"))
                    .col(text("note"))
                    .col(integer("suppression_threshold"))
                    .col(integer("institution_count"))
                    .col(text("overview"))
                    .foreign_key(&mut fk("disclosure_release", "jurisdiction_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("release_institution")
                    .col(pk_auto("id"))
                    .col(integer("release_id"))
                    .col(integer("institution_id"))
                    .col(string("name"))
                    .col(string("credit_code"))
                    .col(string("department"))
                    .col(string("sector"))
                    .col(string("level"))
                    .col(string("classification"))
                    .col(string("funding_form"))
                    .col(string("management_mode"))
                    .col(boolean("legal_person"))
                    .col(text("responsibilities"))
                    .col(text("internal_bodies"))
                    .col(text("leadership_posts"))
                    .col(integer("approved_fiscal"))
                    .col(integer("approved_self_financed"))
                    .col(integer("vacant"))
                    .col(string("size_band"))
                    .col(integer_null("staff_in_establishment"))
                    .col(integer_null("management"))
                    .col(integer_null("professional_technical"))
                    .col(integer_null("logistics_service"))
                    .col(integer_null("temporary"))
                    .col(string_null("grade"))
                    .col(integer_null("grade_year"))
                    .foreign_key(&mut fk("release_institution", "release_id", "disclosure_release"))
                    .to_owned(),
            )
            .await?;
        for statement in [
            index("disclosure_release", &["jurisdiction_id", "released_at"]),
            index("release_institution", &["release_id", "institution_id"]).unique().to_owned(),
            index("release_institution", &["release_id", "name"]),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["disclosure_release", "release_institution"]).await
    }
}
