//! Sign-in: accounts (a password hashed with argon2id, and the role, jurisdiction, department
//! or evaluator subject a token carries) and the sessions they open.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut disabled = boolean("disabled");
        disabled.default(false);
        manager
            .create_table(
                Table::create()
                    .table("account")
                    .col(pk_auto("id"))
                    .col(string("username"))
                    .col(string("password_hash"))
                    .col(string("role"))
                    .col(string_null("jurisdiction"))
                    .col(integer_null("department_id"))
                    .col(string("subject"))
                    .col(&mut disabled)
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("account", &["username"]).unique().to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table("auth_session")
                    .col(string("id").primary_key())
                    .col(integer("account_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk("auth_session", "account_id", "account"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("auth_session", &["account_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["account", "auth_session"]).await
    }
}
