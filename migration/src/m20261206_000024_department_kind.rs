//! A supervising department's kind (党委, 政府, 人大, 政协 or 群团 body) and code (its unified
//! social credit code), as the old system's department list records them. Both are optional:
//! a department named by an institution import before its own list arrived has neither yet.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [string_null("kind"), string_null("code")] {
            let mut column = column;
            manager.alter_table(Table::alter().table("department").add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "department", &["kind", "code"], &[]).await
    }
}
