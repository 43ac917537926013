//! Maintained totals (migration 18): one row of overview figures per jurisdiction, so an
//! overview of any subtree reads one row per jurisdiction in it instead of grouping every
//! institution, balance and person again.
//!
//! Triggers note the jurisdictions a transaction touches in `totals_dirty`; [`settle`] (run by
//! [`crate::db::commit`] just before every write transaction commits) recomputes their rows
//! from the source tables inside the same transaction, so the totals change atomically with
//! the events, hires, departures, reforms and imports that move them. On PostgreSQL the rows
//! are locked in id order before the recount, so two writers in one jurisdiction serialise
//! there and the later one counts what the earlier committed (READ COMMITTED takes a fresh
//! snapshot per statement). A reader that finds a jurisdiction still marked by a committed
//! transaction (a write that bypassed the commit helper) recounts it before answering, and the
//! next write transaction stores it.
//! `verifyLedger` recounts every row and reports each figure that differs.

use std::collections::{BTreeMap, HashMap};

use async_graphql::{ID, SimpleObject};
use entity::enums::{
    Classification, FundingForm, Level, ManagementMode, Sector, StaffBasis, StaffCategory, StaffStatus,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};

use crate::overview::{EstablishmentTotals, SizeBand};
use crate::staff::StaffCounts;

/// One jurisdiction's figures (active institutions only), as stored; sums of these are a subtree's.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct Totals {
    pub institutions: i64,
    pub by_level: BTreeMap<String, i64>,
    pub by_funding_form: BTreeMap<String, i64>,
    pub by_management_mode: BTreeMap<String, i64>,
    pub by_sector: BTreeMap<String, i64>,
    pub by_size_band: BTreeMap<String, i64>,
    pub by_classification: BTreeMap<String, i64>,
    pub approved_by_sector: BTreeMap<String, i64>,
    pub establishment: EstablishmentTotals,
    pub staff: StaffCounts,
}

fn add_map(into: &mut BTreeMap<String, i64>, from: &BTreeMap<String, i64>) {
    for (key, n) in from {
        *into.entry(key.clone()).or_default() += n;
    }
}

impl Totals {
    /// Adds another jurisdiction's figures.
    pub fn add(&mut self, other: &Totals) {
        self.institutions += other.institutions;
        add_map(&mut self.by_level, &other.by_level);
        add_map(&mut self.by_funding_form, &other.by_funding_form);
        add_map(&mut self.by_management_mode, &other.by_management_mode);
        add_map(&mut self.by_sector, &other.by_sector);
        add_map(&mut self.by_size_band, &other.by_size_band);
        add_map(&mut self.by_classification, &other.by_classification);
        add_map(&mut self.approved_by_sector, &other.approved_by_sector);
        self.establishment.add(&other.establishment);
        self.staff.merge(&other.staff);
    }

    /// The same figures with every sign turned: adding it takes these away.
    pub fn negated(&self) -> Totals {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        negate(&mut value);
        serde_json::from_value(value).unwrap_or_default()
    }

    /// Every figure by a dotted name (`bySector.EDUCATION`, `establishment.vacant`), zeros
    /// left out: two totals are equal exactly when these are.
    pub fn figures(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        flatten("", &serde_json::to_value(self).unwrap_or_default(), &mut out);
        out
    }
}

fn negate(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => fields.values_mut().for_each(negate),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                *value = serde_json::Value::from(-i);
            }
        }
        _ => {}
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, i64>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, inner) in fields {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&name, inner, out);
            }
        }
        serde_json::Value::Number(n) => {
            if let Some(n) = n.as_i64().filter(|n| *n != 0) {
                out.insert(prefix.to_string(), n);
            }
        }
        _ => {}
    }
}

/// Ids come from our own tables (never from input), so they are inlined as integers.
pub(crate) fn id_list(ids: &[i32]) -> String {
    if ids.is_empty() {
        return "NULL".to_string();
    }
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

#[derive(FromQueryResult)]
struct ProfileRow {
    id: i32,
    jurisdiction_id: i32,
    status: String,
    level: String,
    funding_form: String,
    management_mode: String,
    sector: String,
    classification: String,
}

#[derive(FromQueryResult)]
struct BalanceRow {
    institution_id: i32,
    funding: String,
    approved: i64,
    frozen: i64,
    occupied: i64,
    vacant: i64,
    over: i64,
}

#[derive(FromQueryResult)]
struct StaffRow {
    institution_id: i32,
    basis: String,
    status: String,
    category: String,
    n: i64,
}

#[derive(FromQueryResult)]
struct ReserveRow {
    jurisdiction_id: i32,
    slots: i64,
}

fn tally(map: &mut BTreeMap<String, i64>, word: Option<&'static str>, n: i64) {
    if let Some(word) = word {
        *map.entry(word.to_string()).or_default() += n;
    }
}

/// Which rows a count reads: some institutions, or every institution of some jurisdictions.
#[derive(Clone, Copy)]
enum Over<'a> {
    Institutions(&'a [i32]),
    Jurisdictions(&'a [i32]),
}

/// One institution's share of its jurisdiction's figures.
struct Share {
    jurisdiction_id: i32,
    totals: Totals,
}

/// Each institution's share, counted from the source rows: three statements however many.
/// Profile and establishment count for active institutions only; people for any (a person is
/// counted where they stand whatever the institution's state, as the overview always did).
async fn shares<C: ConnectionTrait>(db: &C, over: Over<'_>) -> Result<HashMap<i32, Share>, DbErr> {
    let (institution_filter, balance_filter, staff_filter) = match over {
        Over::Institutions(ids) => {
            let list = id_list(ids);
            (
                format!("i.id IN ({list})"),
                format!("b.institution_id IN ({list})"),
                format!("s.institution_id IN ({list})"),
            )
        }
        Over::Jurisdictions(ids) => {
            let list = id_list(ids);
            let staff = format!("s.institution_id IN (SELECT id FROM institution WHERE jurisdiction_id IN ({list}))");
            (format!("i.jurisdiction_id IN ({list})"), format!("b.jurisdiction_id IN ({list})"), staff)
        }
    };
    let backend = db.get_database_backend();
    let statement = |sql: String| Statement::from_string(backend, sql);
    let profile_sql = format!(
        "SELECT i.id, i.jurisdiction_id, i.status, i.level, i.funding_form, i.management_mode, i.sector, \
                i.classification FROM institution i WHERE {institution_filter}"
    );
    let balance_sql = format!(
        "SELECT b.institution_id, b.funding, CAST(b.approved AS BIGINT) AS approved, \
                CAST(b.frozen AS BIGINT) AS frozen, CAST(b.occupied AS BIGINT) AS occupied, \
                CAST({vacant} AS BIGINT) AS vacant, CAST({over} AS BIGINT) AS over \
         FROM establishment_balance b WHERE {balance_filter}",
        vacant = crate::establishment::balance::vacant_sql("b"),
        over = crate::establishment::balance::excess_sql("b")
    );
    let staff_sql = format!(
        "SELECT s.institution_id, s.basis, s.status, s.category, COUNT(*) AS n FROM staff s \
         WHERE {staff_filter} GROUP BY s.institution_id, s.basis, s.status, s.category"
    );
    let profiles = ProfileRow::find_by_statement(statement(profile_sql)).all(db).await?;
    let balances = BalanceRow::find_by_statement(statement(balance_sql)).all(db).await?;
    let staff_rows = StaffRow::find_by_statement(statement(staff_sql)).all(db).await?;

    let mut occupied: HashMap<i32, i64> = HashMap::new();
    for row in &balances {
        *occupied.entry(row.institution_id).or_default() += row.occupied;
    }
    let mut shares = HashMap::with_capacity(profiles.len());
    let mut active = HashMap::with_capacity(profiles.len());
    for row in &profiles {
        let mut t = Totals::default();
        let is_active = row.status == "ACTIVE";
        if is_active {
            t.institutions = 1;
            tally(&mut t.by_level, Level::from_word(&row.level).map(Level::word), 1);
            tally(&mut t.by_funding_form, FundingForm::from_word(&row.funding_form).map(FundingForm::word), 1);
            let mode = ManagementMode::from_word(&row.management_mode).map(ManagementMode::word);
            tally(&mut t.by_management_mode, mode, 1);
            tally(&mut t.by_sector, Sector::from_word(&row.sector).map(Sector::word), 1);
            // Staff in establishment is the balances' `occupied` (verifyLedger keeps the two
            // equal), so the size band needs no pass over the staff table.
            let staff = occupied.get(&row.id).copied().unwrap_or(0);
            tally(&mut t.by_size_band, Some(SizeBand::of(staff).word()), 1);
            let class = Classification::from_word(&row.classification).map(Classification::word);
            tally(&mut t.by_classification, class, 1);
        }
        active.insert(row.id, (is_active, Sector::from_word(&row.sector).map(Sector::word)));
        shares.insert(row.id, Share { jurisdiction_id: row.jurisdiction_id, totals: t });
    }
    for row in &balances {
        let (Some((true, sector)), Some(share)) =
            (active.get(&row.institution_id).copied(), shares.get_mut(&row.institution_id))
        else {
            continue;
        };
        let t = &mut share.totals;
        tally(&mut t.approved_by_sector, sector, row.approved);
        let e = &mut t.establishment;
        e.approved += row.approved;
        if row.funding == "FISCAL" {
            e.fiscal += row.approved;
        } else {
            e.self_financed += row.approved;
        }
        e.frozen += row.frozen;
        e.occupied += row.occupied;
        e.vacant += row.vacant;
        e.over_establishment += row.over;
    }
    for row in &staff_rows {
        if let (Some(basis), Some(status), Some(category), Some(share)) = (
            StaffBasis::from_word(&row.basis),
            StaffStatus::from_word(&row.status),
            StaffCategory::from_word(&row.category),
            shares.get_mut(&row.institution_id),
        ) {
            share.totals.staff.add(basis, status, category, row.n as i32);
        }
    }
    Ok(shares)
}

/// Each jurisdiction's reserve (slots reclaimed and not yet allocated).
async fn reserves<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<HashMap<i32, i64>, DbErr> {
    let sql = format!(
        "SELECT jurisdiction_id, CAST(SUM(slots) AS BIGINT) AS slots FROM reserve_balance \
         WHERE jurisdiction_id IN ({}) GROUP BY jurisdiction_id",
        id_list(ids)
    );
    let rows = ReserveRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await?;
    Ok(rows.into_iter().map(|r| (r.jurisdiction_id, r.slots)).collect())
}

/// Counts the figures of `ids` from the source rows: each institution's share, summed, and the
/// reserve. Every id gets an entry (zeros for an empty jurisdiction).
pub async fn recount<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<HashMap<i32, Totals>, DbErr> {
    let (totals, _) = recount_with_shares(db, ids).await?;
    Ok(totals)
}

async fn recount_with_shares<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> Result<(HashMap<i32, Totals>, HashMap<i32, Share>), DbErr> {
    let shares = shares(db, Over::Jurisdictions(ids)).await?;
    let mut totals: HashMap<i32, Totals> = ids.iter().map(|id| (*id, Totals::default())).collect();
    for share in shares.values() {
        totals.entry(share.jurisdiction_id).or_default().add(&share.totals);
    }
    for (id, slots) in reserves(db, ids).await? {
        totals.entry(id).or_default().establishment.reserve += slots;
    }
    Ok((totals, shares))
}

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
struct StoredRow {
    jurisdiction_id: i32,
    figures: String,
    marked: i64,
}

#[derive(FromQueryResult)]
struct Locked {
    jurisdiction_id: i32,
    figures: String,
}

fn parse(figures: &str) -> Totals {
    serde_json::from_str(figures).unwrap_or_default()
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
    let mut totals: HashMap<i32, Totals> = rows.iter().map(|r| (r.jurisdiction_id, parse(&r.figures))).collect();

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
        .map(|share| (share.jurisdiction_id, parse(&share.figures).negated()))
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
    crate::db::commit(txn).await?;
    Ok(marked.rows_affected())
}

#[derive(FromQueryResult)]
struct VersionRow {
    jurisdiction_id: i32,
    version: i64,
    marked: i64,
}

/// The versions of `ids`' rows, in the order of `ids`, when every row is stored and none is
/// marked: a key for what was computed from those jurisdictions' rows, which moves with every
/// change to them. `None` when a row is missing or marked (a change not yet settled).
pub async fn versions<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Option<Vec<i64>>, DbErr> {
    let sql = format!(
        "SELECT t.jurisdiction_id, t.version, \
                (SELECT COUNT(*) FROM totals_dirty d WHERE d.jurisdiction_id = t.jurisdiction_id) AS marked \
         FROM jurisdiction_totals t WHERE t.jurisdiction_id IN ({})",
        id_list(ids)
    );
    let rows = VersionRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await?;
    if rows.iter().any(|r| r.marked > 0) {
        return Ok(None);
    }
    let found: HashMap<i32, i64> = rows.into_iter().map(|r| (r.jurisdiction_id, r.version)).collect();
    Ok(ids.iter().map(|id| found.get(id).copied()).collect())
}

/// The stored rows of `ids`, with whether a committed writer left any of them marked.
async fn stored<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<(HashMap<i32, Totals>, Vec<i32>), DbErr> {
    let list = id_list(ids);
    let sql = format!(
        "SELECT t.jurisdiction_id, t.figures, \
                (SELECT COUNT(*) FROM totals_dirty d WHERE d.jurisdiction_id = t.jurisdiction_id) AS marked \
         FROM jurisdiction_totals t WHERE t.jurisdiction_id IN ({list})"
    );
    let rows = StoredRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await?;
    let mut totals = HashMap::with_capacity(rows.len());
    let mut stale = Vec::new();
    for row in rows {
        match serde_json::from_str::<Totals>(&row.figures) {
            Ok(t) if row.marked == 0 => {
                totals.insert(row.jurisdiction_id, t);
            }
            _ => stale.push(row.jurisdiction_id),
        }
    }
    let missing: Vec<i32> = ids.iter().copied().filter(|id| !totals.contains_key(id) && !stale.contains(id)).collect();
    stale.extend(missing);
    stale.sort_unstable();
    Ok((totals, stale))
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
                crate::db::commit(txn).await
            };
            if let Err(error) = stored.await {
                tracing::warn!(%error, "maintained totals: storing the rows a read found marked failed");
            }
            this.busy.store(false, Ordering::Release);
        });
    }
}

/// The figures of `ids`, summed: one statement when every row is current. A row still marked
/// by a committed writer that went around the services (or missing) is recounted here, and
/// handed to `settler` (when given) to be stored.
pub async fn sum<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    settler: Option<&std::sync::Arc<Settler>>,
) -> Result<Totals, DbErr> {
    let (mut totals, stale) = stored(db, ids).await?;
    if !stale.is_empty() {
        totals.extend(recount(db, &stale).await?);
        if let Some(settler) = settler {
            settler.kick();
        }
    }
    let mut sum = Totals::default();
    for t in totals.values() {
        sum.add(t);
    }
    Ok(sum)
}

/// A maintained figure that differs from a recount of the source rows.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct TotalsDifference {
    pub jurisdiction_id: ID,
    /// The figure's dotted name, such as `establishment.vacant` or `bySector.EDUCATION`.
    pub figure: String,
    /// What the maintained row says.
    pub recorded: i64,
    /// What a recount of the institutions, balances, staff and reserves says.
    pub derived: i64,
}

/// Recounts every jurisdiction's row and lists the figures that differ. A row a committed
/// writer left marked is recounted on its next read anyway, so it is not a difference.
pub async fn verify<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<(i32, Vec<TotalsDifference>), DbErr> {
    let (recorded, stale) = stored(db, ids).await?;
    let derived = recount(db, ids).await?;
    let mut differences = Vec::new();
    let mut checked = 0;
    for id in ids {
        if stale.contains(id) {
            continue;
        }
        checked += 1;
        let (have, want) = (recorded[id].figures(), derived[id].figures());
        let names: std::collections::BTreeSet<&String> = have.keys().chain(want.keys()).collect();
        for name in names {
            let (r, d) = (have.get(name).copied().unwrap_or(0), want.get(name).copied().unwrap_or(0));
            if r != d {
                differences.push(TotalsDifference {
                    jurisdiction_id: ID(id.to_string()),
                    figure: name.clone(),
                    recorded: r,
                    derived: d,
                });
            }
        }
    }
    Ok((checked, differences))
}
