//! The establishment turnover pool (编制周转池), modelled on a bank: long-vacant slots are
//! deposited (the institution keeps ownership; the pool gets the right to use them), reserve
//! slots form its base fund, and slots are lent for a term to institutions in urgent sectors —
//! "second allocation, first use" (二次分配、优先使用). No institution's approved figure and
//! no jurisdiction total changes through the pool; every movement is a ledger row.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{EventKind, Funding, InstitutionStatus, LoanStatus, Sector, WithdrawalStatus};
use entity::{establishment_balance, establishment_event, institution, pool_loan, turnover_pool, withdrawal_request};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::audit::{self, Actor, Change, snapshot};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::{Document, move_reserve, operation};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::scope::Scope;

mod deposits;
mod loans;

use crate::graphql::date::Day;
use deposits::withdraw;
pub use deposits::{WithdrawalResult, deposit};
pub use loans::{LoanCandidate, Settlement, lend, repay_on_departure};
use loans::{repay, settle};

/// The pool lends fiscally funded slots (the ones schools and hospitals wait for).
const FUNDING: Funding = Funding::Fiscal;

#[derive(InputObject)]
pub struct PoolRulesInput {
    /// Share of the jurisdiction's vacant slots that may be pooled (0 to 1).
    #[graphql(default = 0.3)]
    pub cap_share: f64,
    #[graphql(default = 24)]
    pub default_term_months: i32,
    /// Sectors that may borrow (default: education and health).
    #[graphql(default_with = "vec![Sector::Education, Sector::Health]")]
    pub borrowing_sectors: Vec<Sector>,
    /// Months a slot must have been vacant to be deposited.
    #[graphql(default = 12)]
    pub min_vacant_months: i32,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct PoolMovementInput {
    pub institution_id: ID,
    pub slots: i32,
    pub document_no: String,
    pub effective_on: Day,
    #[graphql(default)]
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct LoanInput {
    pub institution_id: ID,
    pub slots: i32,
    /// Months; the pool's default term when omitted.
    pub term_months: Option<i32>,
    pub purpose: String,
    pub document_no: String,
    pub lent_on: Day,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct FundInput {
    pub slots: i32,
    pub document_no: String,
    pub effective_on: Day,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

pub struct Loan(pub pool_loan::Model);

#[Object]
impl Loan {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn institution_id(&self) -> ID {
        ID(self.0.institution_id.to_string())
    }
    async fn slots(&self) -> i32 {
        self.0.slots
    }
    async fn outstanding(&self) -> i32 {
        self.0.outstanding
    }
    async fn lent_on(&self) -> Day {
        Day(self.0.lent_on)
    }
    async fn due_on(&self) -> Day {
        Day(self.0.due_on)
    }
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
    async fn document_no(&self) -> &str {
        &self.0.document_no
    }
    async fn status(&self) -> LoanStatus {
        self.0.status
    }
    async fn overdue(&self) -> bool {
        self.0.status == LoanStatus::Open && self.0.due_on < chrono::Utc::now().date_naive()
    }
}

#[derive(SimpleObject)]
pub struct SectorLoans {
    pub sector: Sector,
    pub outstanding: i64,
}

#[derive(SimpleObject)]
pub struct QueuedWithdrawal {
    pub institution_id: ID,
    pub remaining: i32,
    pub requested_on: Day,
}

pub struct Pool {
    row: turnover_pool::Model,
}

#[Object]
impl Pool {
    async fn cap_share(&self) -> f64 {
        self.row.cap_share
    }
    async fn default_term_months(&self) -> i32 {
        self.row.default_term_months
    }
    async fn borrowing_sectors(&self) -> Vec<Sector> {
        sectors(&self.row)
    }
    async fn min_vacant_months(&self) -> i32 {
        self.row.min_vacant_months
    }
    /// Reclaimed slots put into the pool.
    async fn base_fund(&self) -> i32 {
        self.row.base_fund
    }
    /// Slots deposited by their owners.
    async fn deposited(&self) -> i32 {
        self.row.deposited
    }
    /// Slots lent out and not yet repaid.
    async fn lent(&self) -> i32 {
        self.row.lent
    }
    /// Base fund plus deposits less loans outstanding; never negative.
    async fn available(&self) -> i32 {
        available(&self.row)
    }
    /// How many slots the pool may hold now: the cap share of the jurisdiction's vacant slots
    /// plus what it already holds.
    async fn cap(&self, ctx: &Context<'_>) -> Result<i32> {
        cap(db(ctx), &self.row).await
    }
    async fn loans(&self, ctx: &Context<'_>, #[graphql(default = false)] overdue_only: bool) -> Result<Vec<Loan>> {
        let mut query = scope(ctx)
            .pool_loans()?
            .filter(pool_loan::Column::JurisdictionId.eq(self.row.jurisdiction_id))
            .filter(pool_loan::Column::Status.eq(LoanStatus::Open));
        if overdue_only {
            query = query.filter(pool_loan::Column::DueOn.lt(chrono::Utc::now().date_naive()));
        }
        let rows = query.order_by_asc(pool_loan::Column::DueOn).all(db(ctx)).await?;
        Ok(rows.into_iter().map(Loan).collect())
    }
    /// Loans outstanding by the borrowers' sector.
    async fn loans_by_sector(&self, ctx: &Context<'_>) -> Result<Vec<SectorLoans>> {
        let db = db(ctx);
        let loans = scope(ctx)
            .pool_loans()?
            .filter(pool_loan::Column::JurisdictionId.eq(self.row.jurisdiction_id))
            .filter(pool_loan::Column::Status.eq(LoanStatus::Open))
            .all(db)
            .await?;
        let sectors: std::collections::HashMap<i32, Sector> = institution::Entity::find()
            .filter(institution::Column::Id.is_in(loans.iter().map(|l| l.institution_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.sector))
            .collect();
        let mut by_sector: Vec<SectorLoans> = Vec::new();
        for loan in loans {
            let Some(sector) = sectors.get(&loan.institution_id).copied() else { continue };
            match by_sector.iter_mut().find(|s| s.sector == sector) {
                Some(entry) => entry.outstanding += i64::from(loan.outstanding),
                None => by_sector.push(SectorLoans { sector, outstanding: loan.outstanding.into() }),
            }
        }
        Ok(by_sector)
    }
    async fn queued_withdrawals(&self, ctx: &Context<'_>) -> Result<Vec<QueuedWithdrawal>> {
        let rows = withdrawal_request::Entity::find()
            .filter(withdrawal_request::Column::JurisdictionId.eq(self.row.jurisdiction_id))
            .filter(withdrawal_request::Column::Status.eq(WithdrawalStatus::Queued))
            .order_by_asc(withdrawal_request::Column::Id)
            .all(db(ctx))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| QueuedWithdrawal {
                institution_id: ID(r.institution_id.to_string()),
                remaining: r.remaining,
                requested_on: Day(r.requested_on),
            })
            .collect())
    }
    /// "Second allocation, first use": slots ever lent through the pool.
    async fn slots_ever_lent(&self, ctx: &Context<'_>) -> Result<i64> {
        let total: Option<i64> = establishment_event::Entity::find()
            .select_only()
            .column_as(establishment_event::Column::BorrowedDelta.sum(), "n")
            .filter(establishment_event::Column::JurisdictionId.eq(self.row.jurisdiction_id))
            .filter(establishment_event::Column::Kind.eq(EventKind::Lend))
            .into_tuple()
            .one(db(ctx))
            .await?
            .flatten();
        Ok(total.unwrap_or(0))
    }
}

fn sectors(row: &turnover_pool::Model) -> Vec<Sector> {
    let words: Vec<String> = serde_json::from_str(&row.borrowing_sectors).unwrap_or_default();
    words.iter().filter_map(|w| Sector::from_word(w)).collect()
}

fn available(row: &turnover_pool::Model) -> i32 {
    Ord::max(row.base_fund + row.deposited - row.lent, 0)
}

async fn cap<C: ConnectionTrait>(db: &C, row: &turnover_pool::Model) -> ApiResult<i32> {
    use establishment_balance::Column;
    let vacant: Option<i64> = establishment_balance::Entity::find()
        .select_only()
        .column_as(crate::establishment::balance::vacant_expr().sum(), "vacant")
        .filter(Column::JurisdictionId.eq(row.jurisdiction_id))
        .filter(Column::Funding.eq(FUNDING))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let pooled = row.base_fund + row.deposited;
    let vacant = Ord::max(vacant.unwrap_or(0), 0) as f64 + f64::from(pooled);
    Ok((vacant * row.cap_share).floor() as i32)
}

async fn pool_for_write<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<turnover_pool::Model> {
    turnover_pool::Entity::find()
        .filter(turnover_pool::Column::JurisdictionId.eq(jurisdiction_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("the jurisdiction has no turnover pool; configure it first"))
}

/// Writes a pool ledger row: deposits and loans move `deposited` / `borrowed`, never `approved`.
#[allow(clippy::too_many_arguments)]
async fn ledger<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    jurisdiction_id: i32,
    institution_id: Option<i32>,
    kind: EventKind,
    deltas: (i32, i32, i32),
    document: &Document,
    op: &str,
) -> ApiResult<()> {
    let (approved, deposited, borrowed) = deltas;
    let entry = crate::establishment::Entry {
        jurisdiction_id,
        institution_id,
        kind,
        funding: FUNDING,
        approved_delta: approved,
        frozen_delta: 0,
        document,
        operation: op,
        reform_id: None,
    };
    let deltas = crate::establishment::Deltas { approved, deposited, borrowed, frozen: 0 };
    crate::establishment::write_row(db, actor, &entry, deltas).await
}

/// Moves the pool's balances under its one rule: available never below zero.
async fn move_pool<C: ConnectionTrait>(db: &C, pool_id: i32, base: i32, deposited: i32, lent: i32) -> ApiResult<()> {
    use turnover_pool::Column;
    let after = Expr::col(Column::BaseFund)
        .add(base)
        .add(Expr::col(Column::Deposited))
        .add(deposited)
        .sub(Expr::col(Column::Lent))
        .sub(lent);
    let result = turnover_pool::Entity::update_many()
        .col_expr(Column::BaseFund, Expr::col(Column::BaseFund).add(base))
        .col_expr(Column::Deposited, Expr::col(Column::Deposited).add(deposited))
        .col_expr(Column::Lent, Expr::col(Column::Lent).add(lent))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(pool_id))
        .filter(after.gte(0))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::conflict("the pool has too few available slots (base fund + deposits - loans outstanding)"))
    }
}

/// Moves an institution's deposited or borrowed slots. Depositing needs own vacant, unfrozen
/// slots; repaying needs the borrowed slots to be vacant.
async fn move_institution<C: ConnectionTrait>(
    db: &C,
    institution_id: i32,
    deposited: i32,
    borrowed: i32,
) -> ApiResult<()> {
    use crate::establishment::balance::{own_free_expr, vacant_expr};
    use establishment_balance::Column;
    let mut update = establishment_balance::Entity::update_many()
        .col_expr(Column::Deposited, Expr::col(Column::Deposited).add(deposited))
        .col_expr(Column::Borrowed, Expr::col(Column::Borrowed).add(borrowed))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::InstitutionId.eq(institution_id))
        .filter(Column::Funding.eq(FUNDING));
    let taken = deposited - borrowed;
    if taken > 0 {
        update = update.filter(vacant_expr().gte(taken)).filter(own_free_expr().gte(Ord::max(deposited, 0)));
    }
    if deposited < 0 {
        update = update.filter(Column::Deposited.gte(-deposited));
    }
    if borrowed < 0 {
        update = update.filter(Column::Borrowed.gte(-borrowed));
    }
    if update.exec(db).await?.rows_affected == 1 {
        Ok(())
    } else if deposited > 0 {
        Err(ApiError::conflict("only vacant, unfrozen slots of the institution's own can be deposited"))
    } else if borrowed < 0 {
        Err(ApiError::conflict("borrowed slots are repaid only when vacant"))
    } else {
        Err(ApiError::conflict("the institution has fewer slots deposited than that"))
    }
}

fn count(slots: i32) -> ApiResult<()> {
    if (1..=10_000).contains(&slots) { Ok(()) } else { Err(ApiError::bad_input("`slots` must be from 1 to 10000")) }
}

pub async fn configure(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: PoolRulesInput,
) -> ApiResult<turnover_pool::Model> {
    let dry_run = input.dry_run;
    let own = scope.office()?.id;
    if !(0.0..=1.0).contains(&input.cap_share) || input.cap_share == 0.0 {
        return Err(ApiError::bad_input("`capShare` must be above 0 and at most 1"));
    }
    if !(1..=120).contains(&input.default_term_months) || !(0..=240).contains(&input.min_vacant_months) {
        return Err(ApiError::bad_input("terms are from 1 to 120 months; vacancy age from 0 to 240"));
    }
    if input.borrowing_sectors.is_empty() {
        return Err(ApiError::bad_input("name at least one sector that may borrow"));
    }
    let words: Vec<&str> = input.borrowing_sectors.iter().map(|s| s.word()).collect();
    let txn = begin_write(db).await?;
    let existing =
        turnover_pool::Entity::find().filter(turnover_pool::Column::JurisdictionId.eq(own)).one(&txn).await?;
    let mut row: turnover_pool::ActiveModel = match existing {
        Some(row) => row.into(),
        None => turnover_pool::ActiveModel {
            jurisdiction_id: Set(own),
            base_fund: Set(0),
            deposited: Set(0),
            lent: Set(0),
            ..Default::default()
        },
    };
    row.cap_share = Set(input.cap_share);
    row.default_term_months = Set(input.default_term_months);
    row.borrowing_sectors = Set(serde_json::to_string(&words).unwrap_or_else(|_| "[]".into()));
    row.min_vacant_months = Set(input.min_vacant_months);
    row.updated_at = Set(chrono::Utc::now());
    let saved = row.save(&txn).await?;
    let saved = sea_orm::TryIntoModel::try_into_model(saved)?;
    audit::record(&txn, actor, Change::created("pool.configure", "turnover_pool", saved.id, own, &saved)).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(saved)
}

pub async fn fund(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: FundInput,
) -> ApiResult<turnover_pool::Model> {
    let dry_run = input.dry_run;
    count(input.slots)?;
    let own = scope.office()?.id;
    let document = Document::parse(
        &input.document_no,
        NaiveDate::from(input.effective_on),
        "reclaimed slots into the pool's base fund",
    )?;
    let txn = begin_write(db).await?;
    let pool = pool_for_write(&txn, own).await?;
    if pool.base_fund + pool.deposited + input.slots > cap(&txn, &pool).await? {
        return Err(ApiError::conflict("the pool would exceed its cap (a share of the jurisdiction's vacant slots)"));
    }
    move_reserve(&txn, own, FUNDING, -input.slots).await?;
    move_pool(&txn, pool.id, input.slots, 0, 0).await?;
    ledger(&txn, actor, own, None, EventKind::PoolFund, (-input.slots, 0, 0), &document, &operation()).await?;
    audit::record(
        &txn,
        actor,
        Change {
            action: "pool.fund",
            entity: "turnover_pool",
            entity_id: Some(pool.id),
            jurisdiction_id: Some(own),
            before: snapshot(&pool),
            after: Some(serde_json::json!({"slots": input.slots})),
        },
    )
    .await?;
    let after = turnover_pool::Entity::find_by_id(pool.id).one(&txn).await?.unwrap_or(pool);
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after)
}

#[derive(Default)]
pub struct PoolQuery;

#[Object]
impl PoolQuery {
    /// Institutions that may borrow, EXCELLENT-graded ones first (the pool's priority).
    async fn loan_candidates(&self, ctx: &Context<'_>, jurisdiction: String) -> Result<Vec<LoanCandidate>> {
        use entity::enums::{Grade, RoundStatus};
        use entity::{evaluation_round, round_result};
        let scope = scope(ctx);
        scope.office()?;
        let db = db(ctx);
        let ids = scope.narrow(db, &jurisdiction, false).await?;
        let pool =
            turnover_pool::Entity::find().filter(turnover_pool::Column::JurisdictionId.eq(ids[0])).one(db).await?;
        let Some(pool) = pool else { return Ok(Vec::new()) };
        let units = institution::Entity::find()
            .filter(institution::Column::JurisdictionId.eq(ids[0]))
            .filter(institution::Column::Status.eq(InstitutionStatus::Active))
            .filter(institution::Column::Sector.is_in(sectors(&pool)))
            .order_by_asc(institution::Column::Name)
            .all(db)
            .await?;
        let rounds = evaluation_round::Entity::find()
            .filter(evaluation_round::Column::JurisdictionId.eq(ids[0]))
            .filter(evaluation_round::Column::Status.is_in([RoundStatus::Closed, RoundStatus::Published]))
            .order_by_desc(evaluation_round::Column::Year)
            .all(db)
            .await?;
        let results = round_result::Entity::find()
            .filter(round_result::Column::RoundId.is_in(rounds.iter().map(|r| r.id)))
            .filter(round_result::Column::InstitutionId.is_in(units.iter().map(|u| u.id)))
            .all(db)
            .await?;
        let year_of = |round: i32| rounds.iter().find(|r| r.id == round).map_or(0, |r| r.year);
        let mut candidates: Vec<LoanCandidate> = units
            .into_iter()
            .map(|unit| {
                let latest_grade = results
                    .iter()
                    .filter(|r| r.institution_id == unit.id)
                    .max_by_key(|r| year_of(r.round_id))
                    .map(|r| r.grade);
                LoanCandidate { institution: crate::institution::Institution(unit), latest_grade }
            })
            .collect();
        candidates.sort_by_key(|c| c.latest_grade != Some(Grade::Excellent));
        Ok(candidates)
    }

    /// A jurisdiction's turnover pool: rules, balances, loans (overdue ones flagged), queue.
    async fn turnover_pool(&self, ctx: &Context<'_>, jurisdiction: String) -> Result<Option<Pool>> {
        let scope = scope(ctx);
        scope.office()?;
        let ids = scope.narrow(db(ctx), &jurisdiction, false).await?;
        let row =
            turnover_pool::Entity::find().filter(turnover_pool::Column::JurisdictionId.eq(ids[0])).one(db(ctx)).await?;
        Ok(row.map(|row| Pool { row }))
    }
}

#[derive(Default)]
pub struct PoolMutation;

#[Object]
impl PoolMutation {
    /// Creates or changes the caller's pool rules.
    async fn configure_turnover_pool(&self, ctx: &Context<'_>, input: PoolRulesInput) -> Result<Pool> {
        Ok(Pool { row: configure(db(ctx), scope(ctx), &actor(ctx), input).await? })
    }
    /// Puts reserve slots into the pool's base fund.
    async fn fund_turnover_pool(&self, ctx: &Context<'_>, input: FundInput) -> Result<Pool> {
        let row = fund(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Pool { row })
    }
    /// Deposits an institution's long-vacant slots; it keeps ownership but cannot fill them.
    async fn deposit_slots(&self, ctx: &Context<'_>, input: PoolMovementInput) -> Result<Pool> {
        let row = deposit(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Pool { row })
    }
    /// Withdraws deposited slots; what is lent out waits for the next repayment.
    async fn withdraw_slots(&self, ctx: &Context<'_>, input: PoolMovementInput) -> Result<WithdrawalResult> {
        let result = withdraw(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(result)
    }
    /// Lends pool slots to an institution of a borrowing sector for a term.
    async fn lend_slots(&self, ctx: &Context<'_>, input: LoanInput) -> Result<Loan> {
        let loan = lend(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Loan(loan))
    }
    /// Repays what can be repaid of every loan past its term (borrowed slots that are vacant).
    async fn settle_due_loans(
        &self,
        ctx: &Context<'_>,
        on: Day,
        #[graphql(default, desc = "Answer what would result, writing nothing (audit included).")] dry_run: bool,
    ) -> Result<Settlement> {
        let settled = settle(db(ctx), scope(ctx), &actor(ctx), NaiveDate::from(on), dry_run).await?;
        crate::dry_run::answer(ctx).await;
        Ok(settled)
    }
    /// Repays vacant borrowed slots of a loan.
    async fn repay_loan(
        &self,
        ctx: &Context<'_>,
        loan_id: ID,
        slots: i32,
        repaid_on: Day,
        #[graphql(default, desc = "Answer what would result, writing nothing (audit included).")] dry_run: bool,
    ) -> Result<Loan> {
        let loan =
            repay(db(ctx), scope(ctx), &actor(ctx), parse_id(&loan_id)?, slots, NaiveDate::from(repaid_on), dry_run)
                .await?;
        crate::dry_run::answer(ctx).await;
        Ok(Loan(loan))
    }
}
