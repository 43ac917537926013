//! Evaluation that is earned: institutions excluded from a round with their reason, the count
//! of scores behind each stored result, the public evaluation's group weights; and the day a
//! secondment began, so long secondments can be found.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("round_institution").add_column(text_null("excluded_reason")).to_owned())
            .await?;
        let mut count = integer("score_count");
        count.default(0);
        manager.alter_table(Table::alter().table("round_result").add_column(&mut count).to_owned()).await?;
        manager.alter_table(Table::alter().table("staff").add_column(date_null("seconded_since")).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table("group_weight")
                    .col(pk_auto("id"))
                    .col(integer("set_id"))
                    .col(string_null("category"))
                    .col(integer_null("indicator_id"))
                    .col(string("member_group"))
                    .col(double("weight"))
                    .foreign_key(&mut fk("group_weight", "set_id", "indicator_set"))
                    .foreign_key(&mut fk("group_weight", "indicator_id", "indicator"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("group_weight", &["set_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["group_weight"]).await?;
        drop_columns(manager, "staff", &["seconded_since"], &[]).await?;
        drop_columns(manager, "round_result", &["score_count"], &[]).await?;
        drop_columns(manager, "round_institution", &["excluded_reason"], &[]).await
    }
}
