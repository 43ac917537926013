//! A version on each jurisdiction's maintained totals, raised by every transaction that settles
//! the row: what a read computed from that jurisdiction's institutions, balances, staff and
//! reserves (the findings) can be kept against, and computed again once it moves.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("jurisdiction_totals").add_column(big_integer("version").default(0)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("jurisdiction_totals").drop_column("version").to_owned()).await
    }
}
