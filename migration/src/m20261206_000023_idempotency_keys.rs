//! Writes apply once (CONTRACT.md, `Idempotency-Key`): the first answer to a caller's key is
//! kept for a day, so the same write sent again (a second click, a retry after a lost answer)
//! is answered with it and changes nothing more. The row is claimed before the write runs, so
//! of two identical requests at once only one runs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("idempotency_key")
                    // A hash of the caller and their key: neither is kept as sent.
                    .col(string_len("id", 64).primary_key())
                    .col(string_len("request_hash", 64))
                    .col(integer_null("status"))
                    .col(text_null("answer"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idempotency_key", &["created_at"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["idempotency_key"]).await
    }
}
