//! The day an inherited unit's vacancies had stood vacant since, as the old system records it
//! (空编起始日期): the vacancies standing when the unit was imported take that date instead of
//! the approval's, so a long-vacant slot is long-vacant from the day it is loaded.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut column = date_null("vacant_since");
        manager.alter_table(Table::alter().table("institution").add_column(&mut column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "institution", &["vacant_since"], &[]).await
    }
}
