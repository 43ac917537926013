//! Maintained totals (migration 18): one row of overview figures per jurisdiction, so an
//! overview of any subtree reads one row per jurisdiction in it instead of grouping every
//! institution, balance and person again.
//!
//! Triggers note the jurisdictions a transaction touches in `totals_dirty`; [`settle`] (run by
//! [`crate::write::commit`] just before every write transaction commits) recomputes their rows
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
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};

use crate::figures::{EstablishmentTotals, SizeBand, StaffCounts};

mod settle;

pub use settle::{Settler, mark_institutions, mark_jurisdiction, recount_all, settle};

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
struct StoredRow {
    jurisdiction_id: i32,
    figures: String,
    marked: i64,
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

#[derive(FromQueryResult)]
struct StoredShareRow {
    institution_id: i32,
    figures: String,
}

/// The staff part of a stored share; the rest of the figures are skipped unread.
#[derive(Deserialize)]
struct StaffOfShare {
    #[serde(default)]
    staff: StaffCounts,
}

/// The staff counts of `ids` from their stored shares: one row per institution, where
/// counting reads every person. An institution whose share is missing, or whose
/// jurisdiction a committed writer left marked (a write around the services, not yet
/// settled), is returned in the second list, for the caller to count from the rows.
pub async fn stored_staff<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> Result<(HashMap<i32, StaffCounts>, Vec<i32>), DbErr> {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Alias, Expr, Query};
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        // Bound values, not an inlined list: a page's statement is the same text every time,
        // so the connection's prepared statement serves it.
        let shares = Alias::new("institution_totals");
        let query = Query::select()
            .columns([Alias::new("institution_id"), Alias::new("figures")])
            .from(shares.clone())
            .and_where(Expr::col((shares.clone(), Alias::new("institution_id"))).is_in(chunk.iter().copied()))
            .and_where(Expr::cust(
                "NOT EXISTS (SELECT 1 FROM totals_dirty d WHERE d.jurisdiction_id = institution_totals.jurisdiction_id)",
            ))
            .to_owned();
        let rows = StoredShareRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
        for row in rows {
            if let Ok(share) = serde_json::from_str::<StaffOfShare>(&row.figures) {
                found.insert(row.institution_id, share.staff);
            }
        }
    }
    let unsettled = ids.iter().copied().filter(|id| !found.contains_key(id)).collect();
    Ok((found, unsettled))
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
    /// Set when the figure is one institution's stored share of its jurisdiction's row (what
    /// its page's staff counts are read from), not the row itself.
    pub institution_id: Option<ID>,
    /// The figure's dotted name, such as `establishment.vacant` or `bySector.EDUCATION`.
    pub figure: String,
    /// What the maintained row says.
    pub recorded: i64,
    /// What a recount of the institutions, balances, staff and reserves says.
    pub derived: i64,
}

/// Recounts every jurisdiction's row, and each of its institutions' stored share, and lists
/// the figures that differ. A row a committed writer left marked is recounted on its next
/// read anyway, so neither it nor its shares are a difference.
pub async fn verify<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<(i32, Vec<TotalsDifference>), DbErr> {
    let (recorded, stale) = stored(db, ids).await?;
    let (derived, derived_shares) = recount_with_shares(db, ids).await?;
    let institutions: Vec<i32> = derived_shares.keys().copied().collect();
    let stored_shares = StoredShareRow::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT institution_id, figures FROM institution_totals WHERE institution_id IN ({})",
            id_list(&institutions)
        ),
    ))
    .all(db)
    .await?;
    let stored_shares: HashMap<i32, Totals> =
        stored_shares.into_iter().map(|row| (row.institution_id, parse_figures(&row.figures))).collect();
    let mut differences = Vec::new();
    let mut checked = 0;
    for id in ids {
        if stale.contains(id) {
            continue;
        }
        checked += 1;
        differences.extend(differing(*id, None, &recorded[id], &derived[id]));
    }
    let mut shares: Vec<(&i32, &Share)> =
        derived_shares.iter().filter(|(_, share)| !stale.contains(&share.jurisdiction_id)).collect();
    shares.sort_unstable_by_key(|(id, _)| **id);
    for (institution, share) in shares {
        let have = stored_shares.get(institution).cloned().unwrap_or_default();
        differences.extend(differing(share.jurisdiction_id, Some(*institution), &have, &share.totals));
    }
    Ok((checked, differences))
}

fn parse_figures(figures: &str) -> Totals {
    serde_json::from_str(figures).unwrap_or_default()
}

/// The figures in which a recorded total and its recount differ.
fn differing(
    jurisdiction: i32,
    institution: Option<i32>,
    recorded: &Totals,
    derived: &Totals,
) -> Vec<TotalsDifference> {
    let (have, want) = (recorded.figures(), derived.figures());
    let names: std::collections::BTreeSet<&String> = have.keys().chain(want.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (r, d) = (have.get(name).copied().unwrap_or(0), want.get(name).copied().unwrap_or(0));
            (r != d).then(|| TotalsDifference {
                jurisdiction_id: ID(jurisdiction.to_string()),
                institution_id: institution.map(|id| ID(id.to_string())),
                figure: name.clone(),
                recorded: r,
                derived: d,
            })
        })
        .collect()
}
