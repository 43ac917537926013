//! Jurisdictions, departments, institutions, classification decisions, establishment ledger
//! and balances, real-name staff, and the audit log. Every enumeration is a string column.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(crate) fn fk(from_table: &'static str, column: &'static str, to_table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{column}"))
        .from(from_table, column)
        .to(to_table, "id")
        .to_owned()
}

pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement.name(format!("ix_{table}_{}", columns.join("_"))).table(table);
    for column in columns {
        statement.col(*column);
    }
    statement.to_owned()
}

/// Drops tables, the last created first (later tables point at earlier ones).
pub(crate) async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables.iter().rev() {
        manager.drop_table(Table::drop().table(*table).if_exists().to_owned()).await?;
    }
    Ok(())
}

/// Drops columns a migration added to an earlier table, with the indexes on them first
/// (SQLite refuses to drop an indexed column).
pub(crate) async fn drop_columns(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    indexes: &[&'static str],
) -> Result<(), DbErr> {
    for name in indexes {
        manager.drop_index(Index::drop().name(*name).table(table).to_owned()).await?;
    }
    for column in columns {
        manager.alter_table(Table::alter().table(table).drop_column(*column).to_owned()).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jurisdiction")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 6))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(integer_null("parent_id"))
                    .col(string("path"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("jurisdiction", "parent_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("department")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("department", "jurisdiction_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("institution")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("department_id"))
                    .col(string_len_uniq("credit_code", 18))
                    .col(string("name"))
                    .col(string("sector"))
                    .col(string("level"))
                    .col(string("funding_form"))
                    .col(string("management_mode"))
                    .col(string("classification"))
                    .col(boolean("legal_person"))
                    .col(date("established_on"))
                    .col(string("status"))
                    .col(integer_null("merged_into_id"))
                    .col(text("responsibilities"))
                    .col(text("internal_bodies"))
                    .col(text("leadership_posts"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("institution", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("institution", "department_id", "department"))
                    .foreign_key(&mut fk("institution", "merged_into_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("classification_decision")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(string("classification"))
                    .col(string_null("previous"))
                    .col(string("document_no"))
                    .col(date("decided_on"))
                    .col(string("actor"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("classification_decision", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("classification_decision", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("establishment_balance")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(string("funding"))
                    .col(integer("approved"))
                    .col(integer("frozen"))
                    .col(integer("occupied"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("establishment_balance", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("establishment_balance", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("establishment_event")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer_null("institution_id"))
                    .col(string("kind"))
                    .col(string("funding"))
                    .col(integer("approved_delta"))
                    .col(integer("frozen_delta"))
                    .col(string("document_no"))
                    .col(date("effective_on"))
                    .col(text("reason"))
                    .col(string("actor"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("establishment_event", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("establishment_event", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(string("name"))
                    .col(text("national_id_cipher"))
                    .col(string_len("national_id_hash", 64))
                    .col(string_len_null("slot_key", 64).unique_key())
                    .col(integer("birth_year"))
                    .col(string("category"))
                    .col(string("basis"))
                    .col(string("status"))
                    .col(date("hire_date"))
                    .col(string_null("title_level"))
                    .col(boolean("over_establishment"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("staff", "jurisdiction_id", "jurisdiction"))
                    .foreign_key(&mut fk("staff", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(pk_auto("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string("actor"))
                    .col(string("actor_role"))
                    .col(integer_null("jurisdiction_id"))
                    .col(string("action"))
                    .col(string("entity"))
                    .col(integer_null("entity_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(string_null("request_id"))
                    .foreign_key(&mut fk("audit_log", "jurisdiction_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;

        let mut indexes = vec![
            index("jurisdiction", &["parent_id"]),
            index("jurisdiction", &["path"]),
            index("department", &["jurisdiction_id", "name"]).unique().to_owned(),
            index("institution", &["jurisdiction_id", "status"]),
            index("institution", &["department_id"]),
            index("institution", &["merged_into_id"]),
            index("institution", &["name"]),
            index("classification_decision", &["institution_id"]),
            index("classification_decision", &["jurisdiction_id"]),
            index("establishment_balance", &["institution_id", "funding"]).unique().to_owned(),
            index("establishment_balance", &["jurisdiction_id"]),
            index("establishment_event", &["institution_id"]),
            index("establishment_event", &["jurisdiction_id", "effective_on"]),
            index("staff", &["institution_id", "status"]),
            index("staff", &["jurisdiction_id", "status"]),
            index("staff", &["national_id_hash"]),
            index("staff", &["name"]),
            index("audit_log", &["jurisdiction_id", "occurred_at"]),
        ];
        for column in ["sector", "level", "funding_form", "management_mode", "classification"] {
            indexes.push(index("institution", &["jurisdiction_id", column]));
        }
        for column in ["category", "basis"] {
            indexes.push(index("staff", &["institution_id", column]));
        }
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    /// Back to an empty database: every table of the foundation, and the data in them.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            "jurisdiction",
            "department",
            "institution",
            "classification_decision",
            "establishment_balance",
            "establishment_event",
            "staff",
            "audit_log",
        ];
        drop_tables(manager, &tables).await
    }
}
