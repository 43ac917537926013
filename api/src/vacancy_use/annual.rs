//! Annual recruitment plans (年度进人计划): the staffing office gives each supervising department
//! its quota of slots for the year, by a numbered decision; each vacancy-use request of the
//! year (and the office's own one-slot plans) stays within its department's quota. A quota is
//! counted against what the year's plans hold: slots requested while waiting, approved once
//! decided, drawn once revoked; a refusal holds none.
//!
//! Like control figures, the quotas bind once the office adopts them: in a year for which it
//! recorded any, a department without one requests nothing; in a year without any, requests
//! are held by vacancies alone.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::enums::VacancyUseStatus;
use entity::{department, institution, recruitment_quota, vacancy_use_plan};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, parse_id, scope};
use crate::scope::Scope;

/// Most departments one answer lists.
pub const MAX_PLANS: u64 = 1_000;

#[derive(InputObject)]
pub struct AnnualPlanInput {
    pub department_id: ID,
    pub year: i32,
    pub slots: i32,
    pub document_no: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// A department's quota for a year, and what the year's plans hold of it.
#[derive(SimpleObject, Clone, Debug)]
pub struct AnnualPlan {
    pub department_id: ID,
    pub department_name: String,
    pub year: i32,
    pub slots: i32,
    /// Slots the year's plans hold: requested while waiting, approved once decided, drawn
    /// once revoked.
    pub held: i64,
    pub remaining: i64,
    pub document_no: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

fn year_bounds(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let day =
        |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (day(year), day(year.saturating_add(1)))
}

/// Slots each of `departments` holds in `year`'s plans.
async fn held_by<C: ConnectionTrait>(db: &C, departments: &[i32], year: i32) -> ApiResult<HashMap<i32, i64>> {
    let (from, to) = year_bounds(year);
    let rows: Vec<(i32, VacancyUseStatus, i32, Option<i32>, i32)> = vacancy_use_plan::Entity::find()
        .select_only()
        .column(vacancy_use_plan::Column::DepartmentId)
        .column(vacancy_use_plan::Column::Status)
        .column(vacancy_use_plan::Column::Requested)
        .column(vacancy_use_plan::Column::Approved)
        .column(vacancy_use_plan::Column::Used)
        .filter(vacancy_use_plan::Column::DepartmentId.is_in(departments.iter().copied()))
        .filter(vacancy_use_plan::Column::RequestedAt.gte(from))
        .filter(vacancy_use_plan::Column::RequestedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut held = HashMap::new();
    for (department, status, requested, approved, used) in rows {
        let slots = match status {
            VacancyUseStatus::Requested => requested,
            VacancyUseStatus::Approved => approved.unwrap_or(0),
            VacancyUseStatus::Revoked => used,
            VacancyUseStatus::Refused => 0,
        };
        *held.entry(department).or_insert(0) += i64::from(slots);
    }
    Ok(held)
}

/// Refuses `slots` more in this year's plans of an institution's department beyond its quota,
/// where the office adopted annual plans for the year. Locks the quota row, so concurrent
/// requests are counted one after the other.
pub async fn check_within<C: ConnectionTrait>(db: &C, institution: &institution::Model, slots: i32) -> ApiResult<()> {
    let year = Utc::now().year();
    let adopted = recruitment_quota::Entity::find()
        .filter(recruitment_quota::Column::JurisdictionId.eq(institution.jurisdiction_id))
        .filter(recruitment_quota::Column::Year.eq(year))
        .count(db)
        .await?;
    if adopted == 0 {
        return Ok(());
    }
    let quota = recruitment_quota::Entity::find()
        .filter(recruitment_quota::Column::DepartmentId.eq(institution.department_id))
        .filter(recruitment_quota::Column::Year.eq(year))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::conflict(format!(
                "the annual recruitment plan (年度进人计划) for {year} gives this institution's department no quota"
            ))
        })?;
    let held = held_by(db, &[institution.department_id], year).await?.get(&institution.department_id).copied();
    let held = held.unwrap_or(0);
    if held + i64::from(slots) > i64::from(quota.slots) {
        return Err(ApiError::conflict(format!(
            "the department's plans of {year} already hold {held} of its {} slots (年度进人计划 {}); {slots} more \
             would exceed it",
            quota.slots, quota.document_no
        )));
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: AnnualPlanInput,
) -> ApiResult<AnnualPlan> {
    let own = scope.office()?.clone();
    let document_no = crate::codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let this_year = Utc::now().year();
    if !(2000..=this_year + 1).contains(&input.year) {
        return Err(ApiError::bad_input(format!("`year` is from 2000 to {}", this_year + 1)));
    }
    if !(0..=100_000).contains(&input.slots) {
        return Err(ApiError::bad_input("`slots` is from 0 to 100000"));
    }
    let department_id = parse_id(&input.department_id)?;
    let txn = begin_write(db).await?;
    let department = scope
        .departments()
        .filter(department::Column::Id.eq(department_id))
        .filter(department::Column::JurisdictionId.eq(own.id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no department {department_id} of your jurisdiction")))?;
    let before = recruitment_quota::Entity::find()
        .filter(recruitment_quota::Column::DepartmentId.eq(department.id))
        .filter(recruitment_quota::Column::Year.eq(input.year))
        .lock_exclusive()
        .one(&txn)
        .await?;
    let held = held_by(&txn, &[department.id], input.year).await?.get(&department.id).copied().unwrap_or(0);
    if i64::from(input.slots) < held {
        return Err(ApiError::conflict(format!(
            "{}'s plans of {} already hold {held} slots: its quota cannot be below that",
            department.name, input.year
        )));
    }
    let mut row = match &before {
        Some(row) => recruitment_quota::ActiveModel::from(row.clone()),
        None => recruitment_quota::ActiveModel {
            jurisdiction_id: Set(own.id),
            department_id: Set(department.id),
            year: Set(input.year),
            ..Default::default()
        },
    };
    row.slots = Set(input.slots);
    row.document_no = Set(document_no);
    row.recorded_by = Set(actor.subject.clone());
    row.recorded_at = Set(Utc::now());
    let after = match before {
        Some(_) => row.update(&txn).await?,
        None => row.insert(&txn).await?,
    };
    let change = match &before {
        Some(before) => {
            Change::updated("vacancy_use.annual_plan", "recruitment_quota", after.id, own.id, before, &after)
        }
        None => Change::created("vacancy_use.annual_plan", "recruitment_quota", after.id, own.id, &after),
    };
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(view(after, department.name, held))
}

fn view(row: recruitment_quota::Model, department_name: String, held: i64) -> AnnualPlan {
    AnnualPlan {
        department_id: ID(row.department_id.to_string()),
        department_name,
        year: row.year,
        slots: row.slots,
        held,
        remaining: (i64::from(row.slots) - held).max(0),
        document_no: row.document_no,
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
    }
}

/// The year's quotas the caller may read (an office's jurisdiction, a department its own).
async fn list(db: &DatabaseConnection, scope: &Scope, jurisdiction: &str, year: i32) -> ApiResult<Vec<AnnualPlan>> {
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::bad_input("`year` is from 2000 to 2100"));
    }
    let ids = scope.narrow(db, jurisdiction, false).await?;
    let departments: HashMap<i32, String> = scope
        .departments()
        .filter(department::Column::JurisdictionId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let rows = recruitment_quota::Entity::find()
        .filter(recruitment_quota::Column::DepartmentId.is_in(departments.keys().copied()))
        .filter(recruitment_quota::Column::Year.eq(year))
        .order_by_asc(recruitment_quota::Column::DepartmentId)
        .limit(MAX_PLANS)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.department_id).collect();
    let held = held_by(db, &ids, year).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = departments.get(&row.department_id).cloned().unwrap_or_default();
            let held = held.get(&row.department_id).copied().unwrap_or(0);
            view(row, name, held)
        })
        .collect())
}

#[derive(Default)]
pub struct AnnualPlanQuery;

#[Object]
impl AnnualPlanQuery {
    /// A year's annual recruitment plans (年度进人计划) of a jurisdiction: each department's
    /// quota and what its plans of the year hold. Offices, and a department its own.
    async fn annual_recruitment_plans(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        year: i32,
    ) -> Result<Vec<AnnualPlan>> {
        let scope = scope(ctx);
        scope.vacancy_use_plans()?;
        list(db(ctx), scope, &jurisdiction, year).await
    }
}

#[derive(Default)]
pub struct AnnualPlanMutation;

#[Object]
impl AnnualPlanMutation {
    /// The office sets a department's annual recruitment plan (年度进人计划) for a year, by a
    /// numbered decision; never below what the year's plans already hold.
    async fn set_annual_recruitment_plan(&self, ctx: &Context<'_>, input: AnnualPlanInput) -> Result<AnnualPlan> {
        let plan = set(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(plan)
    }
}
