//! Reduction plans, "reduce one, verify one" (减一核一): while a plan is open on an
//! institution, each person who leaves it takes their slot away with them, in the same
//! transaction, until the plan's target is reached and the plan closes itself.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use entity::enums::{EventKind, Funding, PlanStatus};
use entity::{institution, reduction_plan};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::ledger::{Document, Entry, operation, record_entry};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::graphql::date::Day;
use crate::scope::Scope;

pub struct ReductionPlan(pub reduction_plan::Model);

#[Object]
impl ReductionPlan {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn institution_id(&self) -> ID {
        ID(self.0.institution_id.to_string())
    }
    /// Slots to take away in all.
    async fn target(&self) -> i32 {
        self.0.target
    }
    /// Slots taken away so far.
    async fn reduced(&self) -> i32 {
        self.0.reduced
    }
    async fn status(&self) -> PlanStatus {
        self.0.status
    }
    async fn document_no(&self) -> &str {
        &self.0.document_no
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn opened_on(&self) -> Day {
        Day(self.0.opened_on)
    }
    async fn closed_on(&self) -> Option<Day> {
        self.0.closed_on.map(Day)
    }
}

#[derive(InputObject)]
pub struct OpenReductionPlanInput {
    pub institution_id: ID,
    pub target: i32,
    pub document_no: String,
    pub opened_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

async fn open(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: OpenReductionPlanInput,
) -> ApiResult<reduction_plan::Model> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.institution_id)?;
    if !(1..=10_000).contains(&input.target) {
        return Err(ApiError::bad_input("`target` must be a whole number from 1 to 10000"));
    }
    let document = Document::parse(&input.document_no, NaiveDate::from(input.opened_on), &input.reason)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, id).await?;
    if institution.status != entity::enums::InstitutionStatus::Active {
        return Err(ApiError::conflict("a reduction plan needs an active institution"));
    }
    let open = open_plan(&txn, institution.id).await?;
    if open.is_some() {
        return Err(ApiError::conflict("the institution already has an open reduction plan"));
    }
    let row = reduction_plan::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        target: Set(input.target),
        reduced: Set(0),
        status: Set(PlanStatus::Open),
        document_no: Set(document.number),
        reason: Set(document.reason),
        opened_on: Set(document.effective_on),
        closed_on: Set(None),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change::created("reduction_plan.open", "reduction_plan", row.id, row.jurisdiction_id, &row);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(row)
}

async fn open_plan<C: ConnectionTrait>(db: &C, institution_id: i32) -> ApiResult<Option<reduction_plan::Model>> {
    Ok(reduction_plan::Entity::find()
        .filter(reduction_plan::Column::InstitutionId.eq(institution_id))
        .filter(reduction_plan::Column::Status.eq(PlanStatus::Open))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// Called in the transaction of every departure (retirement, leaving, transfer out) from an
/// institution: under an open plan the freed slot is reduced with it. A departure that frees
/// no slot (the institution was over establishment) takes nothing away.
pub async fn on_departure<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution: &institution::Model,
    funding: Funding,
    on: NaiveDate,
) -> ApiResult<Option<reduction_plan::Model>> {
    let Some(plan) = open_plan(db, institution.id).await? else { return Ok(None) };
    let reason = format!("减一核一: reduction plan {}", plan.id);
    let document = Document { number: plan.document_no.clone(), effective_on: on, reason };
    let op = operation();
    let entry = Entry {
        jurisdiction_id: institution.jurisdiction_id,
        institution_id: Some(institution.id),
        kind: EventKind::Reduce,
        funding,
        approved_delta: -1,
        frozen_delta: 0,
        document: &document,
        operation: &op,
        reform_id: None,
    };
    match record_entry(db, actor, entry).await {
        Ok(()) => {}
        Err(ApiError::Conflict(_)) => return Ok(None),
        Err(other) => return Err(other),
    }
    let reduced = plan.reduced + 1;
    let mut row: reduction_plan::ActiveModel = plan.into();
    row.reduced = Set(reduced);
    if reduced >= *row.target.as_ref() {
        row.status = Set(PlanStatus::Closed);
        row.closed_on = Set(Some(on));
    }
    Ok(Some(row.update(db).await?))
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Opens a "reduce one, verify one" (减一核一) plan on an institution.
    async fn open_reduction_plan(&self, ctx: &Context<'_>, input: OpenReductionPlanInput) -> Result<ReductionPlan> {
        let row = open(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(ReductionPlan(row))
    }
}

#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// Reduction plans on institutions in the caller's reach, newest first.
    async fn reduction_plans(
        &self,
        ctx: &Context<'_>,
        institution_id: Option<ID>,
        status: Option<PlanStatus>,
    ) -> Result<Vec<ReductionPlan>> {
        let mut query = scope(ctx).reduction_plans()?;
        if let Some(id) = &institution_id {
            query = query.filter(reduction_plan::Column::InstitutionId.eq(parse_id(id)?));
        }
        if let Some(status) = status {
            query = query.filter(reduction_plan::Column::Status.eq(status));
        }
        let rows = query.order_by_desc(reduction_plan::Column::Id).limit(500).all(db(ctx)).await?;
        Ok(rows.into_iter().map(ReductionPlan).collect())
    }
}
