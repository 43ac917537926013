//! Maintained totals: one row of overview figures per jurisdiction (`jurisdiction_totals`) and
//! each institution's share of it (`institution_totals`), brought up to date inside every write
//! transaction. The database itself notes what a transaction touched: triggers on the four
//! tables the figures come from (institutions, balances, staff, reserves) and on new
//! jurisdictions append (jurisdiction, institution) pairs to `totals_dirty` (no institution: the
//! whole jurisdiction), so no write path can forget to; the transaction recounts those
//! institutions (or jurisdictions) before it commits, and a reader recounts any still marked.
//!
//! PostgreSQL marks once per statement (transition tables), so a bulk import of 100,000 people
//! adds a handful of statements, not 100,000; SQLite marks per row, skipping pairs already marked.
//! Also: the `(jurisdiction_id, name)` index a page of institutions sorted by name walks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Per marked table: the jurisdiction and the institution (NULL: the whole jurisdiction) a
/// row's change touches.
const MARKED: [(&str, &str, &str); 4] = [
    ("institution", "jurisdiction_id", "id"),
    ("establishment_balance", "jurisdiction_id", "institution_id"),
    ("staff", "jurisdiction_id", "institution_id"),
    ("reserve_balance", "jurisdiction_id", "NULL"),
];

fn postgres_up() -> Vec<String> {
    let mut sql = Vec::new();
    let mut function = |name: String, select: String| {
        sql.push(format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             INSERT INTO totals_dirty (jurisdiction_id, institution_id) {select}; RETURN NULL; END $$"
        ))
    };
    for (table, jurisdiction, institution) in MARKED {
        let rows = |alias: &str| format!("SELECT DISTINCT {jurisdiction}, {institution}::integer FROM {alias}");
        function(format!("{table}_totals_new"), rows("new_rows"));
        function(format!("{table}_totals_old"), rows("old_rows"));
        function(format!("{table}_totals_both"), format!("{} UNION {}", rows("new_rows"), rows("old_rows")));
    }
    function("jurisdiction_totals_new".into(), "SELECT id, NULL::integer FROM new_rows".into());
    for (table, _, _) in MARKED {
        for (event, referencing, which) in [
            ("INSERT", "NEW TABLE AS new_rows", "new"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "both"),
            ("DELETE", "OLD TABLE AS old_rows", "old"),
        ] {
            sql.push(format!(
                "CREATE TRIGGER {table}_totals_{e} AFTER {event} ON {table} REFERENCING {referencing} \
                 FOR EACH STATEMENT EXECUTE FUNCTION {table}_totals_{which}()",
                e = event.to_lowercase()
            ));
        }
    }
    sql.push(
        "CREATE TRIGGER jurisdiction_totals_insert AFTER INSERT ON jurisdiction REFERENCING NEW TABLE AS new_rows \
         FOR EACH STATEMENT EXECUTE FUNCTION jurisdiction_totals_new()"
            .to_string(),
    );
    sql
}

fn sqlite_mark(row: &str, jurisdiction: &str, institution: &str) -> String {
    let institution = if institution == "NULL" { "NULL".to_string() } else { format!("{row}.{institution}") };
    format!(
        "INSERT INTO totals_dirty (jurisdiction_id, institution_id) SELECT {row}.{jurisdiction}, {institution} \
         WHERE NOT EXISTS (SELECT 1 FROM totals_dirty WHERE jurisdiction_id = {row}.{jurisdiction} \
                           AND institution_id IS {institution});"
    )
}

fn sqlite_up() -> Vec<String> {
    let mut sql = Vec::new();
    for (table, jurisdiction, institution) in MARKED {
        let (new, old) = (sqlite_mark("NEW", jurisdiction, institution), sqlite_mark("OLD", jurisdiction, institution));
        sql.push(format!("CREATE TRIGGER {table}_totals_insert AFTER INSERT ON {table} BEGIN {new} END"));
        sql.push(format!("CREATE TRIGGER {table}_totals_update AFTER UPDATE ON {table} BEGIN {new} {old} END"));
        sql.push(format!("CREATE TRIGGER {table}_totals_delete AFTER DELETE ON {table} BEGIN {old} END"));
    }
    let new = sqlite_mark("NEW", "id", "NULL");
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
                Table::create()
                    .table("institution_totals")
                    .col(integer("institution_id").primary_key())
                    .col(integer("jurisdiction_id"))
                    .col(text("figures"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("institution_totals", &["jurisdiction_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("totals_dirty")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer_null("institution_id"))
                    .to_owned(),
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
        // Every jurisdiction starts marked whole: the first commit after the upgrade counts it.
        db.execute_unprepared("INSERT INTO totals_dirty (jurisdiction_id) SELECT id FROM jurisdiction").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        for (table, _, _) in MARKED {
            for event in ["insert", "update", "delete"] {
                let on = if postgres { format!(" ON {table}") } else { String::new() };
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_totals_{event}{on}")).await?;
            }
            if postgres {
                for which in ["new", "old", "both"] {
                    db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {table}_totals_{which}()")).await?;
                }
            }
        }
        let on = if postgres { " ON jurisdiction" } else { "" };
        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS jurisdiction_totals_insert{on}")).await?;
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS jurisdiction_totals_new()").await?;
        }
        drop_tables(manager, &["jurisdiction_totals", "institution_totals", "totals_dirty"]).await?;
        manager
            .drop_index(Index::drop().name("ix_institution_jurisdiction_id_name").table("institution").to_owned())
            .await
    }
}
