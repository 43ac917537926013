//! The control ceiling ("two only-reduce", 两个只减不增): a jurisdiction's total and fiscally
//! funded establishment may never exceed it, and it is set once from a base year and only
//! ever lowered.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use entity::enums::{Funding, InstitutionStatus};
use entity::{establishment_balance, establishment_ceiling, institution, reserve_balance};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::control::Recording;
use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, scope};
use crate::scope::Scope;

#[derive(SimpleObject, Debug, Clone)]
pub struct Ceiling {
    pub base_year: i32,
    pub base_total: i32,
    pub base_fiscal: i32,
    pub total_ceiling: i32,
    pub fiscal_ceiling: i32,
    pub document_no: String,
}

impl From<establishment_ceiling::Model> for Ceiling {
    fn from(m: establishment_ceiling::Model) -> Self {
        Self {
            base_year: m.base_year,
            base_total: m.base_total,
            base_fiscal: m.base_fiscal,
            total_ceiling: m.total_ceiling,
            fiscal_ceiling: m.fiscal_ceiling,
            document_no: m.document_no,
        }
    }
}

pub async fn current_ceiling<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
) -> ApiResult<Option<establishment_ceiling::Model>> {
    Ok(establishment_ceiling::Entity::find()
        .filter(establishment_ceiling::Column::JurisdictionId.eq(jurisdiction_id))
        .one(db)
        .await?)
}

/// The jurisdiction's establishment as the ceiling counts it: its active institutions'
/// approved slots plus its reserve, in total and fiscally funded.
pub async fn jurisdiction_totals<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<(i64, i64)> {
    let active = Query::select()
        .column(institution::Column::Id)
        .from(institution::Entity)
        .and_where(institution::Column::Status.eq(InstitutionStatus::Active))
        .to_owned();
    let balances: Vec<(Funding, Option<i64>)> = establishment_balance::Entity::find()
        .select_only()
        .column(establishment_balance::Column::Funding)
        .column_as(establishment_balance::Column::Approved.sum(), "approved")
        .filter(establishment_balance::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(establishment_balance::Column::InstitutionId.in_subquery(active))
        .group_by(establishment_balance::Column::Funding)
        .into_tuple()
        .all(db)
        .await?;
    let reserves = reserve_balance::Entity::find()
        .filter(reserve_balance::Column::JurisdictionId.eq(jurisdiction_id))
        .all(db)
        .await?;
    let mut total = 0;
    let mut fiscal = 0;
    for (funding, approved) in balances {
        let approved = approved.unwrap_or(0);
        total += approved;
        if funding == Funding::Fiscal {
            fiscal += approved;
        }
    }
    for r in reserves {
        total += i64::from(r.slots);
        if r.funding == Funding::Fiscal {
            fiscal += i64::from(r.slots);
        }
    }
    // Reserve slots put into the turnover pool's base fund are still the jurisdiction's.
    let pool = entity::turnover_pool::Entity::find()
        .filter(entity::turnover_pool::Column::JurisdictionId.eq(jurisdiction_id))
        .one(db)
        .await?;
    if let Some(pool) = pool {
        total += i64::from(pool.base_fund);
        fiscal += i64::from(pool.base_fund);
    }
    Ok((total, fiscal))
}

/// Refuses new slots that would take the jurisdiction over its ceiling. The ceiling row is
/// locked first, so concurrent approvals are checked one after the other.
pub async fn check_new_slots<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
    funding: Funding,
    slots: i32,
) -> ApiResult<()> {
    check_recorded_slots(db, jurisdiction_id, funding, slots, Recording::Approval).await.map(|_| ())
}

/// [`check_new_slots`] for what is being recorded: a new approval, or an inventory (which a
/// missing figure does not stop: the notice it answers tells the office to record the figure).
pub async fn check_recorded_slots<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
    funding: Funding,
    slots: i32,
    recording: Recording,
) -> ApiResult<Option<String>> {
    let notice = super::control::check_within_figure(db, jurisdiction_id, i64::from(slots), recording).await?;
    let ceiling = establishment_ceiling::Entity::find()
        .filter(establishment_ceiling::Column::JurisdictionId.eq(jurisdiction_id))
        .lock_exclusive()
        .one(db)
        .await?;
    let Some(ceiling) = ceiling else { return Ok(notice) };
    let (total, fiscal) = jurisdiction_totals(db, jurisdiction_id).await?;
    if total + i64::from(slots) > i64::from(ceiling.total_ceiling) {
        return Err(ApiError::conflict(format!(
            "control ceiling (两个只减不增): the jurisdiction holds {total} slots and its ceiling is {}",
            ceiling.total_ceiling
        )));
    }
    if funding == Funding::Fiscal && fiscal + i64::from(slots) > i64::from(ceiling.fiscal_ceiling) {
        return Err(ApiError::conflict(format!(
            "control ceiling (两个只减不增): the jurisdiction holds {fiscal} fiscally funded slots and its ceiling is {}",
            ceiling.fiscal_ceiling
        )));
    }
    Ok(notice)
}

/// Lowers the ceiling when slots leave the establishment system (conversion to an enterprise).
pub async fn lower_by<C: ConnectionTrait>(db: &C, jurisdiction_id: i32, total: i32, fiscal: i32) -> ApiResult<()> {
    if let Some(ceiling) = current_ceiling(db, jurisdiction_id).await? {
        let mut row: establishment_ceiling::ActiveModel = ceiling.clone().into();
        row.total_ceiling = Set((ceiling.total_ceiling - total).max(0));
        row.fiscal_ceiling = Set((ceiling.fiscal_ceiling - fiscal).max(0));
        row.updated_at = Set(chrono::Utc::now());
        row.update(db).await?;
    }
    Ok(())
}

/// Carries a jurisdiction's ceiling along with establishment that moves to it from another
/// jurisdiction (上划, 下放): its base and its ceiling both restated up by what came, since
/// "only reduce" binds growth, not a unit changing hands. Audited with the move's document.
pub async fn carry_in<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    jurisdiction_id: i32,
    (total, fiscal): (i32, i32),
    document_no: &str,
) -> ApiResult<()> {
    let Some(before) = current_ceiling(db, jurisdiction_id).await? else { return Ok(()) };
    let mut row: establishment_ceiling::ActiveModel = before.clone().into();
    row.base_total = Set(before.base_total + total);
    row.base_fiscal = Set(before.base_fiscal + fiscal);
    row.total_ceiling = Set(before.total_ceiling + total);
    row.fiscal_ceiling = Set(before.fiscal_ceiling + fiscal);
    row.document_no = Set(document_no.to_string());
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(db).await?;
    let change =
        Change::updated("ceiling.carry_in", "establishment_ceiling", after.id, jurisdiction_id, &before, &after);
    audit::record(db, actor, change).await?;
    Ok(())
}

#[derive(InputObject)]
pub struct SetCeilingInput {
    pub base_year: i32,
    /// The jurisdiction's total establishment in the base year: the first ceiling.
    pub base_total: i32,
    /// Its fiscally funded establishment in the base year.
    pub base_fiscal: i32,
    pub document_no: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct LowerCeilingInput {
    pub total_ceiling: i32,
    pub fiscal_ceiling: i32,
    pub document_no: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

async fn set(db: &DatabaseConnection, scope: &Scope, actor: &Actor, input: SetCeilingInput) -> ApiResult<Ceiling> {
    let dry_run = input.dry_run;
    let own = scope.office()?.id;
    let document_no = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    if !(1949..=this_year).contains(&input.base_year) {
        return Err(ApiError::bad_input("`baseYear` must be a past year"));
    }
    if input.base_total < 0 || input.base_fiscal < 0 || input.base_fiscal > input.base_total {
        return Err(ApiError::bad_input("base figures must be non-negative, fiscal within total"));
    }
    let txn = begin_write(db).await?;
    if current_ceiling(&txn, own).await?.is_some() {
        return Err(ApiError::conflict("the control ceiling is set once; it can only be lowered"));
    }
    let row = establishment_ceiling::ActiveModel {
        jurisdiction_id: Set(own),
        base_year: Set(input.base_year),
        base_total: Set(input.base_total),
        base_fiscal: Set(input.base_fiscal),
        total_ceiling: Set(input.base_total),
        fiscal_ceiling: Set(input.base_fiscal),
        document_no: Set(document_no),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change::created("ceiling.set", "establishment_ceiling", row.id, own, &row);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(row.into())
}

async fn lower(db: &DatabaseConnection, scope: &Scope, actor: &Actor, input: LowerCeilingInput) -> ApiResult<Ceiling> {
    let dry_run = input.dry_run;
    let own = scope.office()?.id;
    let document_no = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let before = establishment_ceiling::Entity::find()
        .filter(establishment_ceiling::Column::JurisdictionId.eq(own))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("no control ceiling is set for this jurisdiction"))?;
    if input.total_ceiling > before.total_ceiling || input.fiscal_ceiling > before.fiscal_ceiling {
        return Err(ApiError::bad_input("the control ceiling only goes down (两个只减不增)"));
    }
    if input.total_ceiling < 0 || input.fiscal_ceiling < 0 || input.fiscal_ceiling > input.total_ceiling {
        return Err(ApiError::bad_input("ceilings must be non-negative, fiscal within total"));
    }
    let mut row: establishment_ceiling::ActiveModel = before.clone().into();
    row.total_ceiling = Set(input.total_ceiling);
    row.fiscal_ceiling = Set(input.fiscal_ceiling);
    row.document_no = Set(document_no);
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    let change = Change::updated("ceiling.lower", "establishment_ceiling", after.id, own, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after.into())
}

#[derive(Default)]
pub struct CeilingMutation;

#[Object]
impl CeilingMutation {
    /// Sets the jurisdiction's control ceiling from its base year (once).
    async fn set_control_ceiling(&self, ctx: &Context<'_>, input: SetCeilingInput) -> Result<Ceiling> {
        set(db(ctx), scope(ctx), &actor(ctx), input).await
    }

    /// Lowers the control ceiling; it never goes up.
    async fn lower_control_ceiling(&self, ctx: &Context<'_>, input: LowerCeilingInput) -> Result<Ceiling> {
        lower(db(ctx), scope(ctx), &actor(ctx), input).await
    }

    /// Hands control figures (下达编制控制数) to a jurisdiction directly below the caller's: its
    /// total establishment and fiscally supported people, for it and everything below it.
    /// Raised or lowered by a numbered decision (统筹调剂), never below what it holds, and
    /// within the caller's own figure.
    async fn hand_down_control_figures(
        &self,
        ctx: &Context<'_>,
        input: super::control::HandDownInput,
    ) -> Result<super::control::Control> {
        super::control::hand_down(db(ctx), scope(ctx), &actor(ctx), input).await
    }

    /// Records the control figures the level above granted the caller's own jurisdiction, where
    /// that level does not hand figures down in this system (a county or city starting alone):
    /// its document and date, never below what the jurisdiction holds.
    async fn record_granted_control_figures(
        &self,
        ctx: &Context<'_>,
        input: super::control::RecordGrantedInput,
    ) -> Result<super::control::Control> {
        super::control::record_granted(db(ctx), scope(ctx), &actor(ctx), input).await
    }
}

#[derive(Default)]
pub struct CeilingQuery;

#[Object]
impl CeilingQuery {
    /// A jurisdiction's control ceiling, when set (staffing offices).
    async fn control_ceiling(&self, ctx: &Context<'_>, jurisdiction: String) -> Result<Option<Ceiling>> {
        let scope = scope(ctx);
        scope.office()?;
        let ids = scope.narrow(db(ctx), &jurisdiction, false).await?;
        Ok(current_ceiling(db(ctx), ids[0]).await?.map(Into::into))
    }
}
