//! Maintained totals: one row of overview figures per jurisdiction (`jurisdiction_totals`),
//! brought up to date inside every write transaction. The database itself notes which
//! jurisdictions a transaction touched: triggers on the four tables the figures come from
//! (institutions, balances, staff, reserves) and on new jurisdictions append their ids to
//! `totals_dirty`, so no write path can forget to; the transaction recomputes those
//! jurisdictions' rows before it commits, and a reader recomputes any it finds still marked.
//!
//! PostgreSQL marks once per statement (transition tables), so a bulk import of 100,000 people
//! adds a handful of marks, not 100,000; SQLite marks per row, skipping ids already marked.
//! Also: the `(jurisdiction_id, name)` index a page of institutions sorted by name walks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows carry `jurisdiction_id` and feed the figures.
const MARKED: [&str; 4] = ["institution", "establishment_balance", "staff", "reserve_balance"];

fn postgres_up() -> Vec<String> {
    let mut sql = Vec::new();
    for (name, select) in [
        ("totals_mark_new", "SELECT DISTINCT jurisdiction_id FROM new_rows"),
        ("totals_mark_old", "SELECT DISTINCT jurisdiction_id FROM old_rows"),
        ("totals_mark_both", "SELECT jurisdiction_id FROM new_rows UNION SELECT jurisdiction_id FROM old_rows"),
        ("totals_mark_jurisdiction", "SELECT id FROM new_rows"),
    ] {
        sql.push(format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             INSERT INTO totals_dirty (jurisdiction_id) {select}; RETURN NULL; END $$"
        ));
    }
    for table in MARKED {
        for (event, referencing, function) in [
            ("INSERT", "NEW TABLE AS new_rows", "totals_mark_new"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "totals_mark_both"),
            ("DELETE", "OLD TABLE AS old_rows", "totals_mark_old"),
        ] {
            sql.push(format!(
                "CREATE TRIGGER {table}_totals_{e} AFTER {event} ON {table} REFERENCING {referencing} \
                 FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                e = event.to_lowercase()
            ));
        }
    }
    sql.push(
        "CREATE TRIGGER jurisdiction_totals_insert AFTER INSERT ON jurisdiction REFERENCING NEW TABLE AS new_rows \
         FOR EACH STATEMENT EXECUTE FUNCTION totals_mark_jurisdiction()"
            .to_string(),
    );
    sql
}

fn sqlite_mark(row: &str, column: &str) -> String {
    format!(
        "INSERT INTO totals_dirty (jurisdiction_id) SELECT {row}.{column} \
         WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE jurisdiction_id = {row}.{column});"
    )
}

fn sqlite_up() -> Vec<String> {
    let mut sql = Vec::new();
    for table in MARKED {
        let (new, old) = (sqlite_mark("NEW", "jurisdiction_id"), sqlite_mark("OLD", "jurisdiction_id"));
        sql.push(format!("CREATE TRIGGER {table}_totals_insert AFTER INSERT ON {table} BEGIN {new} END"));
        sql.push(format!("CREATE TRIGGER {table}_totals_update AFTER UPDATE ON {table} BEGIN {new} {old} END"));
        sql.push(format!("CREATE TRIGGER {table}_totals_delete AFTER DELETE ON {table} BEGIN {old} END"));
    }
    let new = sqlite_mark("NEW", "id");
    sql.push(format!("CREATE TRIGGER jurisdiction_totals_insert AFTER INSERT ON jurisdiction BEGIN {new} END"));
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("institution", &["jurisdiction_id", "name"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("jurisdiction_totals")
                    .col(integer("jurisdiction_id").primary_key())
                    .col(text("figures"))
                    .foreign_key(&mut fk("jurisdiction_totals", "jurisdiction_id", "jurisdiction"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create().table("totals_dirty").col(pk_auto("id")).col(integer("jurisdiction_id")).to_owned(),
            )
            .await?;
        manager.create_index(index("totals_dirty", &["jurisdiction_id"])).await?;
        let db = manager.get_connection();
        let statements = match db.get_database_backend() {
            DbBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        // Every jurisdiction starts marked: the first commit or read after the upgrade computes it.
        db.execute_unprepared("INSERT INTO totals_dirty (jurisdiction_id) SELECT id FROM jurisdiction").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        for table in MARKED {
            for event in ["insert", "update", "delete"] {
                let on = if postgres { format!(" ON {table}") } else { String::new() };
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_totals_{event}{on}")).await?;
            }
        }
        let on = if postgres { " ON jurisdiction" } else { "" };
        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS jurisdiction_totals_insert{on}")).await?;
        if postgres {
            for name in ["totals_mark_new", "totals_mark_old", "totals_mark_both", "totals_mark_jurisdiction"] {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {name}()")).await?;
            }
        }
        drop_tables(manager, &["jurisdiction_totals", "totals_dirty"]).await?;
        manager
            .drop_index(Index::drop().name("ix_institution_jurisdiction_id_name").table("institution").to_owned())
            .await
    }
}
