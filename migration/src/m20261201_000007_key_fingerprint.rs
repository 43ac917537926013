//! The fingerprint of the personal-data key, so a server started with another key refuses to
//! start instead of failing to decrypt and to match "one person, one slot".

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("key_fingerprint")
                    .col(string("name").primary_key())
                    .col(string("fingerprint"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("key_fingerprint").to_owned()).await
    }
}
