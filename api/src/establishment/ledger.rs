//! The establishment ledger: every change of approved or frozen slots is a row here, written
//! in the same transaction as the balance it moves. `verifyLedger` recomputes every balance
//! from the ledger and the real-name list and reports any difference (there must be none).

use std::collections::HashMap;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{EventKind, Funding, StaffBasis, StaffStatus};
use entity::{establishment_balance, establishment_event, reserve_balance, staff};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use super::slots::{move_balance, move_reserve};
use crate::audit::Actor;
use crate::codes;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{db, scope};
use crate::graphql::date::Day;
use crate::graphql::pagination::{Cursor, PageInfo, page_size};

/// The document behind an establishment change: its number (文号), effective date and reason.
#[derive(Debug, Clone)]
pub struct Document {
    pub number: String,
    pub effective_on: NaiveDate,
    pub reason: String,
}

impl Document {
    pub fn parse(number: &str, effective_on: NaiveDate, reason: &str) -> ApiResult<Self> {
        let number = codes::document_no(number).map_err(ApiError::BadInput)?;
        if effective_on > chrono::Utc::now().date_naive() {
            return Err(ApiError::bad_input("`effectiveOn` is in the future"));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ApiError::bad_input("a reason is required"));
        }
        if reason.chars().count() > 1000 {
            return Err(ApiError::bad_input("the reason is longer than 1000 characters"));
        }
        Ok(Self { number, effective_on, reason: reason.to_string() })
    }
}

/// One ledger row to record.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub jurisdiction_id: i32,
    /// `None` for the jurisdiction's reserve.
    pub institution_id: Option<i32>,
    pub kind: EventKind,
    pub funding: Funding,
    pub approved_delta: i32,
    pub frozen_delta: i32,
    pub document: &'a Document,
    pub operation: &'a str,
    pub reform_id: Option<i32>,
}

/// Moves the balance (under its rule) and writes the ledger row, in the caller's transaction.
pub async fn record_entry<C: ConnectionTrait>(db: &C, actor: &Actor, entry: Entry<'_>) -> ApiResult<()> {
    match entry.institution_id {
        Some(id) => move_balance(db, id, entry.funding, entry.approved_delta, entry.frozen_delta).await?,
        None => move_reserve(db, entry.jurisdiction_id, entry.funding, entry.approved_delta).await?,
    }
    let deltas = Deltas { approved: entry.approved_delta, frozen: entry.frozen_delta, ..Default::default() };
    write_row(db, actor, &entry, deltas).await
}

/// The four counts a ledger row moves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deltas {
    pub approved: i32,
    pub frozen: i32,
    pub deposited: i32,
    pub borrowed: i32,
}

/// Writes one ledger row: the only place establishment events are written. The balance it
/// describes is moved by the caller under its rule (slots, pool, seed), in the same
/// transaction.
pub async fn write_row<C: ConnectionTrait>(db: &C, actor: &Actor, entry: &Entry<'_>, deltas: Deltas) -> ApiResult<()> {
    establishment_event::ActiveModel {
        jurisdiction_id: Set(entry.jurisdiction_id),
        institution_id: Set(entry.institution_id),
        kind: Set(entry.kind),
        funding: Set(entry.funding),
        approved_delta: Set(deltas.approved),
        frozen_delta: Set(deltas.frozen),
        deposited_delta: Set(deltas.deposited),
        borrowed_delta: Set(deltas.borrowed),
        document_no: Set(entry.document.number.clone()),
        effective_on: Set(entry.document.effective_on),
        reason: Set(entry.document.reason.clone()),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        operation: Set(Some(entry.operation.to_string())),
        reform_id: Set(entry.reform_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A new operation id: the rows one request writes share it.
pub fn operation() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct LedgerDifference {
    /// `None` for a jurisdiction's reserve.
    pub institution_id: Option<ID>,
    pub jurisdiction_id: ID,
    pub funding: Funding,
    /// `approved`, `frozen`, `occupied` or `reserve`.
    pub field: String,
    /// What the balance says.
    pub recorded: i64,
    /// What the ledger (or the real-name list, for `occupied`) says.
    pub derived: i64,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct LedgerVerification {
    pub balances_checked: i32,
    pub differences: Vec<LedgerDifference>,
    /// Jurisdictions whose maintained overview totals were recounted from the rows.
    pub totals_checked: i32,
    /// Maintained totals that differ from the recount.
    pub totals_differences: Vec<crate::totals::TotalsDifference>,
    /// No balance and no maintained total differs.
    pub consistent: bool,
    /// The whole audit log is an unbroken hash chain, and every disclosure release's recorded
    /// head is still a link of it.
    pub audit_chain_intact: bool,
    pub audit_rows_checked: i64,
    /// The first broken link, if any.
    pub audit_chain_break: Option<crate::audit::ChainBreak>,
}

/// Per jurisdiction, institution (or reserve) and funding: sums of approved, frozen,
/// deposited and borrowed deltas.
pub type LedgerSums = (i32, Option<i32>, Funding, i64, i64, i64, i64);

/// The ledger rows of `jurisdiction_ids` summed per jurisdiction, institution (or reserve) and
/// funding; with `until`, only the rows effective by the end of that day (an as-of view).
pub async fn ledger_sums<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: &[i32],
    until: Option<chrono::NaiveDate>,
) -> ApiResult<Vec<LedgerSums>> {
    let mut query = establishment_event::Entity::find()
        .select_only()
        .column(establishment_event::Column::JurisdictionId)
        .column(establishment_event::Column::InstitutionId)
        .column(establishment_event::Column::Funding)
        .column_as(establishment_event::Column::ApprovedDelta.sum(), "approved")
        .column_as(establishment_event::Column::FrozenDelta.sum(), "frozen")
        .column_as(establishment_event::Column::DepositedDelta.sum(), "deposited")
        .column_as(establishment_event::Column::BorrowedDelta.sum(), "borrowed")
        .filter(establishment_event::Column::JurisdictionId.is_in(jurisdiction_ids.to_vec()));
    if let Some(day) = until {
        query = query.filter(establishment_event::Column::EffectiveOn.lte(day));
    }
    Ok(query
        .group_by(establishment_event::Column::JurisdictionId)
        .group_by(establishment_event::Column::InstitutionId)
        .group_by(establishment_event::Column::Funding)
        .into_tuple()
        .all(db)
        .await?)
}

/// Recomputes every balance of the given jurisdictions from the ledger and the real-name list.
pub async fn verify<C: ConnectionTrait>(db: &C, jurisdiction_ids: &[i32]) -> ApiResult<LedgerVerification> {
    let ids = jurisdiction_ids.to_vec();
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::JurisdictionId.is_in(ids.clone()))
        .all(db)
        .await?;
    let sums = ledger_sums(db, &ids, None).await?;
    let holders: Vec<(i32, StaffBasis, i64)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::InstitutionId)
        .column(staff::Column::Basis)
        .column_as(staff::Column::Id.count(), "n")
        .filter(staff::Column::JurisdictionId.is_in(ids.clone()))
        .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced]))
        .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
        .group_by(staff::Column::InstitutionId)
        .group_by(staff::Column::Basis)
        .into_tuple()
        .all(db)
        .await?;
    let reserves = reserve_balance::Entity::find()
        .filter(reserve_balance::Column::JurisdictionId.is_in(ids.clone()))
        .all(db)
        .await?;

    // The pool's base fund comes out of the reserve: those rows belong to the pool, not the reserve.
    let pool_funds: Vec<(i32, Option<i64>)> = establishment_event::Entity::find()
        .select_only()
        .column(establishment_event::Column::JurisdictionId)
        .column_as(establishment_event::Column::ApprovedDelta.sum(), "fund")
        .filter(establishment_event::Column::JurisdictionId.is_in(ids.clone()))
        .filter(establishment_event::Column::Kind.eq(EventKind::PoolFund))
        .group_by(establishment_event::Column::JurisdictionId)
        .into_tuple()
        .all(db)
        .await?;
    let pools = entity::turnover_pool::Entity::find()
        .filter(entity::turnover_pool::Column::JurisdictionId.is_in(ids.clone()))
        .all(db)
        .await?;
    let mut ledger: HashMap<(i32, Option<i32>, Funding), (i64, i64)> = HashMap::new();
    let mut pooled: HashMap<(i32, Option<i32>), (i64, i64)> = HashMap::new();
    for (jurisdiction, institution, funding, approved, frozen, deposited, borrowed) in sums {
        ledger.insert((jurisdiction, institution, funding), (approved, frozen));
        let entry = pooled.entry((jurisdiction, institution)).or_default();
        entry.0 += deposited;
        entry.1 += borrowed;
    }
    let occupied: HashMap<(i32, Funding), i64> = holders
        .into_iter()
        .filter_map(|(institution, basis, n)| basis.funding().map(|f| ((institution, f), n)))
        .collect();
    let mut differences = Vec::new();
    let mut differ =
        |institution: Option<i32>, jurisdiction: i32, funding: Funding, field: &str, recorded: i64, derived: i64| {
            if recorded != derived {
                differences.push(LedgerDifference {
                    institution_id: institution.map(|i| ID(i.to_string())),
                    jurisdiction_id: ID(jurisdiction.to_string()),
                    funding,
                    field: field.to_string(),
                    recorded,
                    derived,
                });
            }
        };
    for b in &balances {
        let (approved, frozen) =
            ledger.remove(&(b.jurisdiction_id, Some(b.institution_id), b.funding)).unwrap_or((0, 0));
        differ(Some(b.institution_id), b.jurisdiction_id, b.funding, "approved", b.approved.into(), approved);
        differ(Some(b.institution_id), b.jurisdiction_id, b.funding, "frozen", b.frozen.into(), frozen);
        let holders = occupied.get(&(b.institution_id, b.funding)).copied().unwrap_or(0);
        differ(Some(b.institution_id), b.jurisdiction_id, b.funding, "occupied", b.occupied.into(), holders);
        if b.funding == Funding::Fiscal {
            let (deposited, borrowed) =
                pooled.get(&(b.jurisdiction_id, Some(b.institution_id))).copied().unwrap_or((0, 0));
            differ(Some(b.institution_id), b.jurisdiction_id, b.funding, "deposited", b.deposited.into(), deposited);
            differ(Some(b.institution_id), b.jurisdiction_id, b.funding, "borrowed", b.borrowed.into(), borrowed);
        }
    }
    // The pool: base fund from the reserve, deposits and loans from the institutions' rows.
    for pool in &pools {
        let fund = -pool_funds.iter().find(|(j, _)| *j == pool.jurisdiction_id).and_then(|(_, n)| *n).unwrap_or(0);
        let (mut deposited, mut lent) = (0, 0);
        for ((jurisdiction, institution), (d, b)) in &pooled {
            if *jurisdiction == pool.jurisdiction_id && institution.is_some() {
                deposited += d;
                lent += b;
            }
        }
        differ(None, pool.jurisdiction_id, Funding::Fiscal, "pool.baseFund", pool.base_fund.into(), fund);
        differ(None, pool.jurisdiction_id, Funding::Fiscal, "pool.deposited", pool.deposited.into(), deposited);
        differ(None, pool.jurisdiction_id, Funding::Fiscal, "pool.lent", pool.lent.into(), lent);
    }
    for r in &reserves {
        let (slots, _) = ledger.remove(&(r.jurisdiction_id, None, r.funding)).unwrap_or((0, 0));
        differ(None, r.jurisdiction_id, r.funding, "reserve", r.slots.into(), slots);
    }
    // Ledger rows whose balance is missing altogether.
    for ((jurisdiction, institution, funding), (approved, _)) in ledger {
        let field = if institution.is_some() { "approved" } else { "reserve" };
        differ(institution, jurisdiction, funding, field, 0, approved);
    }
    let (totals_checked, totals_differences) = crate::totals::verify(db, &ids).await?;
    let consistent = differences.is_empty() && totals_differences.is_empty();
    let (audit_rows_checked, audit_chain_break) = crate::audit::verify_chain(db).await?;
    Ok(LedgerVerification {
        balances_checked: (balances.len() + reserves.len()) as i32,
        differences,
        totals_checked,
        totals_differences,
        consistent,
        audit_chain_intact: audit_chain_break.is_none(),
        audit_rows_checked,
        audit_chain_break,
    })
}

pub struct LedgerEntry(pub establishment_event::Model);

#[Object]
impl LedgerEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// `None` for the jurisdiction's reserve.
    async fn institution_id(&self) -> Option<ID> {
        self.0.institution_id.map(|i| ID(i.to_string()))
    }
    async fn kind(&self) -> EventKind {
        self.0.kind
    }
    async fn funding(&self) -> Funding {
        self.0.funding
    }
    async fn approved_delta(&self) -> i32 {
        self.0.approved_delta
    }
    async fn frozen_delta(&self) -> i32 {
        self.0.frozen_delta
    }
    /// 文号
    async fn document_no(&self) -> &str {
        &self.0.document_no
    }
    async fn effective_on(&self) -> Day {
        Day(self.0.effective_on)
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// Rows written by one request share it.
    async fn operation(&self) -> Option<&str> {
        self.0.operation.as_deref()
    }
    async fn recorded_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

#[derive(SimpleObject)]
pub struct LedgerEdge {
    pub cursor: String,
    pub node: LedgerEntry,
}

#[derive(SimpleObject)]
pub struct LedgerConnection {
    pub total_count: u64,
    pub page_info: PageInfo,
    pub edges: Vec<LedgerEdge>,
}

#[derive(Default)]
pub struct LedgerQuery;

#[Object]
impl LedgerQuery {
    /// Recomputes every balance from the ledger and the real-name list (staffing offices).
    async fn verify_ledger(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        #[graphql(default = false)] include_descendants: bool,
    ) -> Result<LedgerVerification> {
        let scope = scope(ctx);
        scope.office()?;
        let ids = scope.narrow(db(ctx), &jurisdiction, include_descendants).await?;
        verify(db(ctx), &ids).await
    }

    /// The establishment ledger in the caller's reach, newest first.
    #[allow(clippy::too_many_arguments)]
    async fn establishment_ledger(
        &self,
        ctx: &Context<'_>,
        jurisdiction: Option<String>,
        #[graphql(default = false)] include_descendants: bool,
        institution_id: Option<ID>,
        kind: Option<EventKind>,
        funding: Option<Funding>,
        from: Option<Day>,
        to: Option<Day>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<LedgerConnection> {
        use establishment_event::Column;
        let scope = scope(ctx);
        let db = db(ctx);
        let limit = page_size(first)?;
        let mut query = match &jurisdiction {
            Some(code) => scope.ledger_in(&scope.narrow(db, code, include_descendants).await?)?,
            None => scope.ledger()?,
        };
        if let Some(id) = &institution_id {
            query = query.filter(Column::InstitutionId.eq(parse_id(id)?));
        }
        if let Some(kind) = kind {
            query = query.filter(Column::Kind.eq(kind));
        }
        if let Some(funding) = funding {
            query = query.filter(Column::Funding.eq(funding));
        }
        if let Some(from) = from {
            query = query.filter(Column::EffectiveOn.gte(from));
        }
        if let Some(to) = to {
            query = query.filter(Column::EffectiveOn.lte(to));
        }
        let total_count = query.clone().count(db).await?;
        if let Some(raw) = &after {
            query = query.filter(Column::Id.lt(Cursor::decode(raw, "ledger:id")?.id));
        }
        let mut rows = query.order_by_desc(Column::Id).limit(limit + 1).all(db).await?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let edges: Vec<LedgerEdge> = rows
            .into_iter()
            .map(|row| LedgerEdge {
                cursor: Cursor { order: "ledger:id".into(), key: String::new(), id: row.id }.encode(),
                node: LedgerEntry(row),
            })
            .collect();
        let page_info = PageInfo::forward(edges.iter().map(|e| &e.cursor), has_next_page, after.is_some());
        Ok(LedgerConnection { total_count, page_info, edges })
    }
}
