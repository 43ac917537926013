//! Signed releases: each release's canonical JSON and its Ed25519 signature, and every key that
//! has signed (its public half and when it was in use), so that a release stays checkable
//! offline after the key is replaced.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("release_signing_key")
                    .col(pk_auto("id"))
                    .col(string_uniq("fingerprint"))
                    .col(text("public_key_pem"))
                    .col(timestamp_with_time_zone("valid_from"))
                    .col(timestamp_with_time_zone_null("valid_until"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("release_signature")
                    .col(integer("release_id").primary_key())
                    .col(string("key_fingerprint"))
                    .col(text("body"))
                    .col(blob("signature"))
                    .col(timestamp_with_time_zone("signed_at"))
                    .foreign_key(
                        ForeignKey::create().from("release_signature", "release_id").to("disclosure_release", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["release_signing_key", "release_signature"]).await
    }
}
