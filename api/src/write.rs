//! The write unit: a change begins a write transaction ([`crate::db::begin_write`]), checks its
//! rules and writes inside it, and ends here: the maintained totals of the jurisdictions it
//! touched are brought up to date inside it (crate::totals), so figures and rows change
//! together, its audit rows are linked into the chain (crate::audit), and it commits. This sits
//! above the connection layer, the totals and the audit log, and below every domain room.

use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};

/// Commits a write transaction after settling it ([`settle`]). Locks are taken in one order by
/// every writer: the touched jurisdictions' totals (in id order), then the chain's head.
pub async fn commit(txn: DatabaseTransaction) -> Result<(), DbErr> {
    settle(&txn).await?;
    txn.commit().await
}

/// What [`commit`] does before committing, for a writer that must read its result first (a
/// disclosure release records the chain's head it ends on): the totals settled, then the
/// transaction's audit rows linked, last, so the chain's head is held only for the link and
/// the commit.
pub async fn settle(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    crate::totals::settle(txn).await?;
    crate::audit::chain_pending(txn).await?;
    Ok(())
}

/// Applies pending migrations, then chains any audit rows written before the chain existed and
/// stores the maintained totals of any jurisdiction still marked.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    let sealed = crate::audit::seal_unchained(db).await?;
    if sealed > 0 {
        tracing::info!(sealed, "audit rows chained");
    }
    // Totals a write around the services left marked (or a fresh upgrade) are stored now.
    let txn = crate::db::begin_write(db).await?;
    commit(txn).await
}
