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

    /// Every figure by a dotted name (`bySector.EDUCATION`, `establishment.vacant`), zeros
    /// left out: two totals are equal exactly when these are.
    pub fn figures(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        flatten("", &serde_json::to_value(self).unwrap_or_default(), &mut out);
        out
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
    jurisdiction_id: i32,
    level: String,
    funding_form: String,
    management_mode: String,
    sector: String,
    classification: String,
    staff: i64,
    n: i64,
}

#[derive(FromQueryResult)]
struct BalanceRow {
    jurisdiction_id: i32,
    funding: String,
    sector: String,
    approved: i64,
    frozen: i64,
    occupied: i64,
    vacant: i64,
    over: i64,
}

#[derive(FromQueryResult)]
struct StaffRow {
    jurisdiction_id: i32,
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

/// Counts the figures of `ids` from the source tables: four grouped statements however many
/// jurisdictions. Every id gets an entry (zeros for an empty jurisdiction).
pub async fn recount<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<HashMap<i32, Totals>, DbErr> {
    let list = id_list(ids);
    let backend = db.get_database_backend();
    // One row per institution profile and staff count. Staff in establishment per institution
    // is the balance's `occupied` (verifyLedger keeps the two equal), so the size bands need no
    // pass over the staff table.
    let profile_sql = format!(
        "SELECT i.jurisdiction_id, i.level, i.funding_form, i.management_mode, i.sector, i.classification, \
                COALESCE(b.n, 0) AS staff, COUNT(*) AS n \
         FROM institution i \
         LEFT JOIN (SELECT institution_id, SUM(occupied) AS n FROM establishment_balance \
                    WHERE jurisdiction_id IN ({list}) GROUP BY institution_id) b ON b.institution_id = i.id \
         WHERE i.jurisdiction_id IN ({list}) AND i.status = 'ACTIVE' \
         GROUP BY i.jurisdiction_id, i.level, i.funding_form, i.management_mode, i.sector, i.classification, \
                  COALESCE(b.n, 0)"
    );
    let balance_sql = format!(
        "SELECT b.jurisdiction_id, b.funding, i.sector, SUM(b.approved) AS approved, SUM(b.frozen) AS frozen, \
                SUM(b.occupied) AS occupied, SUM({vacant}) AS vacant, SUM({over}) AS over \
         FROM establishment_balance b JOIN institution i ON i.id = b.institution_id \
         WHERE b.jurisdiction_id IN ({list}) AND i.status = 'ACTIVE' \
         GROUP BY b.jurisdiction_id, b.funding, i.sector",
        vacant = crate::establishment::balance::vacant_sql("b"),
        over = crate::establishment::balance::excess_sql("b")
    );
    let staff_sql = format!(
        "SELECT jurisdiction_id, basis, status, category, COUNT(*) AS n FROM staff \
         WHERE jurisdiction_id IN ({list}) GROUP BY jurisdiction_id, basis, status, category"
    );
    let reserve_sql = format!(
        "SELECT jurisdiction_id, SUM(slots) AS slots FROM reserve_balance \
         WHERE jurisdiction_id IN ({list}) GROUP BY jurisdiction_id"
    );
    let statement = |sql: String| Statement::from_string(backend, sql);
    let profiles = ProfileRow::find_by_statement(statement(profile_sql)).all(db).await?;
    let balances = BalanceRow::find_by_statement(statement(balance_sql)).all(db).await?;
    let staff_rows = StaffRow::find_by_statement(statement(staff_sql)).all(db).await?;
    let reserves = ReserveRow::find_by_statement(statement(reserve_sql)).all(db).await?;

    let mut totals: HashMap<i32, Totals> = ids.iter().map(|id| (*id, Totals::default())).collect();
    for row in &profiles {
        let t = totals.entry(row.jurisdiction_id).or_default();
        t.institutions += row.n;
        tally(&mut t.by_level, Level::from_word(&row.level).map(Level::word), row.n);
        tally(&mut t.by_funding_form, FundingForm::from_word(&row.funding_form).map(FundingForm::word), row.n);
        let mode = ManagementMode::from_word(&row.management_mode).map(ManagementMode::word);
        tally(&mut t.by_management_mode, mode, row.n);
        tally(&mut t.by_sector, Sector::from_word(&row.sector).map(Sector::word), row.n);
        tally(&mut t.by_size_band, Some(SizeBand::of(row.staff).word()), row.n);
        let class = Classification::from_word(&row.classification).map(Classification::word);
        tally(&mut t.by_classification, class, row.n);
    }
    for row in &balances {
        let t = totals.entry(row.jurisdiction_id).or_default();
        tally(&mut t.approved_by_sector, Sector::from_word(&row.sector).map(Sector::word), row.approved);
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
        if let (Some(basis), Some(status), Some(category)) = (
            StaffBasis::from_word(&row.basis),
            StaffStatus::from_word(&row.status),
            StaffCategory::from_word(&row.category),
        ) {
            totals.entry(row.jurisdiction_id).or_default().staff.add(basis, status, category, row.n as i32);
        }
    }
    for row in &reserves {
        totals.entry(row.jurisdiction_id).or_default().establishment.reserve += row.slots;
    }
    Ok(totals)
}

#[derive(FromQueryResult)]
struct Id {
    id: i32,
}

#[derive(FromQueryResult)]
struct StoredRow {
    jurisdiction_id: i32,
    figures: String,
    marked: i64,
}

async fn select_ids<C: ConnectionTrait>(db: &C, sql: String) -> Result<Vec<i32>, DbErr> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    Ok(Id::find_by_statement(statement).all(db).await?.into_iter().map(|r| r.id).collect())
}

/// Recomputes the rows of the jurisdictions marked so far (this transaction's marks and any a
/// committed writer left) and clears their marks. Run inside the write transaction, last.
pub async fn settle<C: ConnectionTrait>(txn: &C) -> Result<(), DbErr> {
    let marked = select_ids(txn, "SELECT DISTINCT jurisdiction_id AS id FROM totals_dirty ORDER BY 1".into()).await?;
    if marked.is_empty() {
        return Ok(());
    }
    refresh(txn, &marked).await?;
    Ok(())
}

/// Locks, recounts and stores the rows of `ids` (sorted), and clears their marks.
async fn refresh<C: ConnectionTrait>(txn: &C, ids: &[i32]) -> Result<HashMap<i32, Totals>, DbErr> {
    let list = id_list(ids);
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = format!(
            "SELECT jurisdiction_id AS id FROM jurisdiction_totals WHERE jurisdiction_id IN ({list}) \
             ORDER BY jurisdiction_id FOR UPDATE"
        );
        if select_ids(txn, lock.clone()).await?.len() < ids.len() {
            // A jurisdiction without its row yet: create the rows (a concurrent creator makes
            // this wait for it), then lock them all in order before counting.
            txn.execute_unprepared(&format!(
                "INSERT INTO jurisdiction_totals (jurisdiction_id, figures) \
                 SELECT id, '{{}}' FROM jurisdiction WHERE id IN ({list}) ORDER BY id ON CONFLICT DO NOTHING"
            ))
            .await?;
            select_ids(txn, lock).await?;
        }
    }
    let totals = recount(txn, ids).await?;
    let mut values = Vec::with_capacity(totals.len());
    for id in ids {
        let json = serde_json::to_string(&totals[id]).map_err(|e| DbErr::Custom(e.to_string()))?;
        values.push(format!("({id}, '{}')", json.replace('\'', "''")));
    }
    txn.execute_unprepared(&format!(
        "INSERT INTO jurisdiction_totals (jurisdiction_id, figures) VALUES {} \
         ON CONFLICT (jurisdiction_id) DO UPDATE SET figures = excluded.figures",
        values.join(",")
    ))
    .await?;
    txn.execute_unprepared(&format!("DELETE FROM totals_dirty WHERE jurisdiction_id IN ({list})")).await?;
    Ok(totals)
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

/// The figures of `ids`, summed: one statement when every row is current. A row still marked
/// by a committed writer that went around the services (or missing) is recounted here, without
/// storing it: reads may run on a read-only connection or a replica; the next write
/// transaction's settle stores it.
pub async fn sum<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Totals, DbErr> {
    let (mut totals, stale) = stored(db, ids).await?;
    if !stale.is_empty() {
        totals.extend(recount(db, &stale).await?);
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
