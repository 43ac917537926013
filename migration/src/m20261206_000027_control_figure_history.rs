//! Control figures are redistributed (统筹调剂): a figure goes up or down by the parent's
//! decision, so each row of a jurisdiction's figures is a step of its history. The row says
//! who recorded it and why, so the history reads without the audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in [string_null("recorded_by"), string_null("reason")] {
            manager.alter_table(Table::alter().table("control_figure").add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "control_figure", &["recorded_by", "reason"], &[]).await
    }
}
