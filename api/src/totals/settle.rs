//! Settling: the write side of the maintained totals. Inside each write transaction, last,
//! the marks its statements left are taken and the touched rows brought up to date; a read
//! that finds marks left by a write around the services hands them to a [`Settler`].

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};

use super::{Over, Share, Totals, id_list, parse_figures, recount, recount_with_shares, shares};

#[derive(FromQueryResult)]
struct Mark {
    jurisdiction_id: i32,
    institution_id: Option<i32>,
}

#[derive(FromQueryResult)]
struct StoredShare {
    institution_id: i32,
    jurisdiction_id: i32,
    figures: String,
}

#[derive(FromQueryResult)]
struct Locked {
    jurisdiction_id: i32,
    figures: String,
}

fn json(totals: &Totals) -> Result<String, DbErr> {
    let text = serde_json::to_string(totals).map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok(format!("'{}'", text.replace('\'', "''")))
}

/// Brings the rows the marks name up to date and clears the marks. Run inside the write
/// transaction, last. A marked institution is recounted alone and its jurisdiction's row moves
/// by the difference from its stored share; a jurisdiction marked whole (a reserve moved, a
/// new jurisdiction, an upgrade) is recounted whole.
///
/// Locks, on PostgreSQL, in one order: the touched institutions' stored shares (id order), so
/// two writers of one institution count it one after the other, each seeing the other's rows;
/// then the jurisdictions' rows (id order), held only for the last few statements, so writers
/// of different institutions of one jurisdiction queue there briefly, not for the recount.
pub async fn settle<C: ConnectionTrait>(txn: &C) -> Result<(), DbErr> {
    let backend = txn.get_database_backend();
    let statement = |sql: String| Statement::from_string(backend, sql);
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE" } else { "" };
    let marks = Mark::find_by_statement(statement(
        "DELETE FROM totals_dirty RETURNING jurisdiction_id, institution_id".to_string(),
    ))
    .all(txn)
    .await?;
    if marks.is_empty() {
        return Ok(());
    }
    let mut locked: Vec<i32> = marks.iter().map(|m| m.jurisdiction_id).collect();
    locked.sort_unstable();
    locked.dedup();
    let mut whole: Vec<i32> = marks.iter().filter(|m| m.institution_id.is_none()).map(|m| m.jurisdiction_id).collect();
    whole.sort_unstable();
    whole.dedup();
    let mut touched: Vec<i32> = marks.iter().filter_map(|m| m.institution_id).collect();
    touched.sort_unstable();
    touched.dedup();

    // The touched institutions' stored shares, locked, then their new shares (outside the
    // jurisdictions marked whole, which are recounted whole below).
    let mut old: HashMap<i32, StoredShare> = HashMap::new();
    let mut new_shares: HashMap<i32, Share> = HashMap::new();
    if !touched.is_empty() {
        let rows = StoredShare::find_by_statement(statement(format!(
            "SELECT institution_id, jurisdiction_id, figures FROM institution_totals \
             WHERE institution_id IN ({}) ORDER BY institution_id{lock}",
            id_list(&touched)
        )))
        .all(txn)
        .await?;
        old.extend(rows.into_iter().map(|r| (r.institution_id, r)));
        let single: Vec<i32> = marks
            .iter()
            .filter_map(|m| m.institution_id.filter(|_| !whole.contains(&m.jurisdiction_id)))
            .collect::<std::collections::BTreeSet<i32>>()
            .into_iter()
            .collect();
        if !single.is_empty() {
            new_shares = shares(txn, Over::Institutions(&single)).await?;
        }
    }

    // The jurisdictions' rows, locked in id order: a second writer in one of them waits here,
    // and reads them after this one commits. A jurisdiction without its row yet is created and
    // counted whole.
    let read_rows = |ids: &[i32]| {
        statement(format!(
            "SELECT jurisdiction_id, figures FROM jurisdiction_totals WHERE jurisdiction_id IN ({}) \
             ORDER BY jurisdiction_id{lock}",
            id_list(ids)
        ))
    };
    let mut rows = Locked::find_by_statement(read_rows(&locked)).all(txn).await?;
    if rows.len() < locked.len() {
        whole.extend(locked.iter().filter(|id| !rows.iter().any(|r| r.jurisdiction_id == **id)));
        whole.sort_unstable();
        whole.dedup();
        txn.execute_unprepared(&format!(
            "INSERT INTO jurisdiction_totals (jurisdiction_id, figures) \
             SELECT id, '{{}}' FROM jurisdiction WHERE id IN ({}) ORDER BY id ON CONFLICT DO NOTHING",
            id_list(&locked)
        ))
        .await?;
        rows = Locked::find_by_statement(read_rows(&locked)).all(txn).await?;
    }
    let mut totals: HashMap<i32, Totals> =
        rows.iter().map(|r| (r.jurisdiction_id, parse_figures(&r.figures))).collect();

    // Whole jurisdictions are recounted, with every share in them; the stored shares of those
    // shares are read too, to find one stored under another jurisdiction.
    if !whole.is_empty() {
        let (whole_totals, whole_shares) = recount_with_shares(txn, &whole).await?;
        let unread: Vec<i32> = whole_shares.keys().copied().filter(|id| !old.contains_key(id)).collect();
        if !unread.is_empty() {
            let rows = StoredShare::find_by_statement(statement(format!(
                "SELECT institution_id, jurisdiction_id, figures FROM institution_totals WHERE institution_id IN ({})",
                id_list(&unread)
            )))
            .all(txn)
            .await?;
            old.extend(rows.into_iter().map(|r| (r.institution_id, r)));
        }
        new_shares.retain(|_, share| !whole.contains(&share.jurisdiction_id));
        new_shares.extend(whole_shares);
        totals.extend(whole_totals);
    }

    // A jurisdiction's row outside the whole ones moves by each share's difference: the stored
    // share out (where it was), the new one in (where it is).
    let mut stray = Vec::new();
    let moves = old
        .values()
        .map(|share| (share.jurisdiction_id, parse_figures(&share.figures).negated()))
        .chain(new_shares.values().map(|share| (share.jurisdiction_id, share.totals.clone())));
    for (jurisdiction, delta) in moves {
        if whole.contains(&jurisdiction) {
            continue;
        }
        match totals.get_mut(&jurisdiction) {
            Some(t) if locked.contains(&jurisdiction) => t.add(&delta),
            // A share that was never marked where it stands: count that jurisdiction whole.
            _ => stray.push(jurisdiction),
        }
    }
    if !stray.is_empty() {
        stray.sort_unstable();
        stray.dedup();
        tracing::warn!(?stray, "maintained totals: shares outside the marked jurisdictions; recounting them whole");
        Locked::find_by_statement(read_rows(&stray)).all(txn).await?;
        totals.extend(recount(txn, &stray).await?);
    }

    if !whole.is_empty() {
        txn.execute_unprepared(&format!(
            "DELETE FROM institution_totals WHERE jurisdiction_id IN ({})",
            id_list(&whole)
        ))
        .await?;
    }
    let gone: Vec<i32> = touched.iter().copied().filter(|i| !new_shares.contains_key(i)).collect();
    if !gone.is_empty() {
        txn.execute_unprepared(&format!("DELETE FROM institution_totals WHERE institution_id IN ({})", id_list(&gone)))
            .await?;
    }
    let mut values = Vec::with_capacity(new_shares.len());
    for (id, share) in &new_shares {
        values.push(format!("({id}, {}, {})", share.jurisdiction_id, json(&share.totals)?));
    }
    let mut rows = Vec::with_capacity(totals.len());
    for (id, t) in &totals {
        rows.push(format!("({id}, {})", json(t)?));
    }
    let upsert_rows = format!(
        "INSERT INTO jurisdiction_totals (jurisdiction_id, figures) VALUES {} \
         ON CONFLICT (jurisdiction_id) DO UPDATE SET figures = excluded.figures, \
         version = jurisdiction_totals.version + 1",
        rows.join(",")
    );
    let upsert_shares = |chunk: &[String]| {
        format!(
            "INSERT INTO institution_totals (institution_id, jurisdiction_id, figures) VALUES {} \
             ON CONFLICT (institution_id) DO UPDATE SET jurisdiction_id = excluded.jurisdiction_id, \
             figures = excluded.figures",
            chunk.join(",")
        )
    };
    if backend == DbBackend::Postgres && values.len() <= 500 && !values.is_empty() {
        // One statement: the shares in a data-modifying WITH, then the rows.
        txn.execute_unprepared(&format!("WITH shares AS ({}) {upsert_rows}", upsert_shares(&values))).await?;
    } else {
        for chunk in values.chunks(500) {
            txn.execute_unprepared(&upsert_shares(chunk)).await?;
        }
        txn.execute_unprepared(&upsert_rows).await?;
    }
    Ok(())
}

/// Marks institutions as touched (their jurisdictions' rows are settled, and locked, at the
/// next [`settle`]): for a writer that must hold those rows before it takes another lock.
pub async fn mark_institutions<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<(), DbErr> {
    for chunk in ids.chunks(1000) {
        db.execute_unprepared(&format!(
            "INSERT INTO totals_dirty (jurisdiction_id, institution_id) \
             SELECT jurisdiction_id, id FROM institution WHERE id IN ({})",
            id_list(chunk)
        ))
        .await?;
    }
    Ok(())
}

/// Marks a whole jurisdiction (recounted, and its version raised, at the next [`settle`]).
pub async fn mark_jurisdiction<C: ConnectionTrait>(db: &C, id: i32) -> Result<(), DbErr> {
    db.execute_unprepared(&format!("INSERT INTO totals_dirty (jurisdiction_id) VALUES ({id})")).await?;
    Ok(())
}

/// Recounts every jurisdiction's row (and every institution's share) from the source rows, in
/// one write transaction: the repair after `verifyLedger` reported a difference.
pub async fn recount_all(db: &sea_orm::DatabaseConnection) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let marked =
        txn.execute_unprepared("INSERT INTO totals_dirty (jurisdiction_id) SELECT id FROM jurisdiction").await?;
    // No audit rows: settling the totals is all its commit needs.
    settle(&txn).await?;
    txn.commit().await?;
    Ok(marked.rows_affected())
}

/// Stores the rows a read found marked, on the primary, in a transaction of its own: reads
/// never write (they may run on a replica or a read-only connection), so they hand the marks
/// here, and a row a writer left marked around the services is recounted by the reads of a
/// moment, not by every read until the next write. One settle at a time per process.
pub struct Settler {
    primary: sea_orm::DatabaseConnection,
    busy: std::sync::atomic::AtomicBool,
}

impl Settler {
    pub fn new(primary: sea_orm::DatabaseConnection) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self { primary, busy: Default::default() })
    }

    /// Starts a settle unless one is running.
    pub fn kick(self: &std::sync::Arc<Self>) {
        use std::sync::atomic::Ordering;
        if self.busy.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let stored = async {
                let txn = crate::db::begin_write(&this.primary).await?;
                settle(&txn).await?;
                txn.commit().await
            };
            if let Err(error) = stored.await {
                tracing::warn!(%error, "maintained totals: storing the rows a read found marked failed");
            }
            this.busy.store(false, Ordering::Release);
        });
    }
}
