//! A tamper-evident audit log: each row carries its place in the chain (`seq`), the hash of
//! the row before it and its own hash; `audit_head` holds the chain's last link, so a row
//! removed from the end is seen too; each disclosure release records the head it was
//! published at.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The chain's first `prev_hash`.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [big_integer_null("seq"), string_null("prev_hash"), string_null("hash")] {
            let mut column = column;
            manager.alter_table(Table::alter().table("audit_log").add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_index(Index::create().name("ux_audit_log_seq").table("audit_log").col("seq").unique().to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_head")
                    .col(integer("id").primary_key())
                    .col(big_integer("seq"))
                    .col(string("hash"))
                    .to_owned(),
            )
            .await?;
        let genesis = Query::insert()
            .into_table("audit_head")
            .columns(["id", "seq", "hash"])
            .values_panic([1.into(), 0i64.into(), GENESIS.into()])
            .to_owned();
        manager.exec_stmt(genesis).await?;
        for column in [big_integer_null("audit_seq"), string_null("audit_hash")] {
            let mut column = column;
            manager.alter_table(Table::alter().table("disclosure_release").add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "disclosure_release", &["audit_seq", "audit_hash"], &[]).await?;
        drop_tables(manager, &["audit_head"]).await?;
        drop_columns(manager, "audit_log", &["seq", "prev_hash", "hash"], &["ux_audit_log_seq"]).await
    }
}
