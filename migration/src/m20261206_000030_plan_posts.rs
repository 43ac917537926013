//! A vacancy-use plan's posts, structured (category, grade, count, qualifications, hires that
//! filled each), kept as one JSON text with the plan.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut column = text_null("post_list");
        manager.alter_table(Table::alter().table("vacancy_use_plan").add_column(&mut column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "vacancy_use_plan", &["post_list"], &[]).await
    }
}
