//! Establishment control: the jurisdiction's reserve and control ceiling, staff movements,
//! reduction plans ("reduce one, verify one") and reforms; ledger rows gain the operation they
//! belong to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reserve_balance")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("funding"))
                    .col(integer("slots"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("reserve_balance", "jurisdiction_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("establishment_ceiling")
                    .col(pk_auto("id"))
                    .col(integer_uniq("jurisdiction_id"))
                    .col(integer("base_year"))
                    .col(integer("base_total"))
                    .col(integer("base_fiscal"))
                    .col(integer("total_ceiling"))
                    .col(integer("fiscal_ceiling"))
                    .col(string("document_no"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("establishment_ceiling", "jurisdiction_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reform")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("kind"))
                    .col(integer("institution_id"))
                    .col(integer_null("target_institution_id"))
                    .col(string("document_no"))
                    .col(date("effective_on"))
                    .col(text("reason"))
                    .col(string("actor"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("reform", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("reform", "institution_id", "institution"))
                    .foreign_key(&mut fk("reform", "target_institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reduction_plan")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(integer("target"))
                    .col(integer("reduced"))
                    .col(string("status"))
                    .col(string("document_no"))
                    .col(text("reason"))
                    .col(date("opened_on"))
                    .col(date_null("closed_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("reduction_plan", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("reduction_plan", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff_movement")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("staff_id"))
                    .col(integer("institution_id"))
                    .col(string("kind"))
                    .col(date("occurred_on"))
                    .col(string_null("document_no"))
                    .col(text("note"))
                    .col(string("actor"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("staff_movement", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("staff_movement", "staff_id", "staff"))
                    .foreign_key(&mut fk("staff_movement", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("establishment_event").add_column(string_null("operation")).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("establishment_event").add_column(integer_null("reform_id")).to_owned())
            .await?;
        manager.alter_table(Table::alter().table("staff").add_column(string_null("seconded_to")).to_owned()).await?;
        for statement in [
            index("reserve_balance", &["jurisdiction_id", "funding"]).unique().to_owned(),
            index("reform", &["jurisdiction_id", "effective_on"]),
            index("reform", &["institution_id"]),
            index("reform", &["target_institution_id"]),
            index("reduction_plan", &["institution_id", "status"]),
            index("reduction_plan", &["jurisdiction_id"]),
            index("staff_movement", &["institution_id", "occurred_on"]),
            index("staff_movement", &["staff_id"]),
            index("staff_movement", &["jurisdiction_id"]),
            index("establishment_event", &["jurisdiction_id", "kind"]),
            index("establishment_event", &["reform_id"]),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "staff", &["seconded_to"], &[]).await?;
        let event_indexes = ["ix_establishment_event_jurisdiction_id_kind", "ix_establishment_event_reform_id"];
        drop_columns(manager, "establishment_event", &["operation", "reform_id"], &event_indexes).await?;
        let tables = ["reserve_balance", "establishment_ceiling", "reform", "reduction_plan", "staff_movement"];
        drop_tables(manager, &tables).await
    }
}
