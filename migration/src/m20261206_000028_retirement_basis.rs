//! Retirement as the 2024 decision has it: an early retirement keeps its basis (病退, 特殊工种,
//! 因工致残), and an agreed flexible postponement (弹性延迟) keeps the day it runs to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in [string_null("retirement_basis"), date_null("retirement_extended_to")] {
            manager.alter_table(Table::alter().table("staff").add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "staff", &["retirement_basis", "retirement_extended_to"], &[]).await
    }
}
