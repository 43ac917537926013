//! Saved reconciliations in GraphQL: an office lists and reopens its runs and their findings,
//! and resolves a finding with a note (audited).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{reconciliation, reconciliation_item};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::audit::{self, Change};
use crate::error::{ApiError, Result};
use crate::graphql::context::{actor, db, parse_id, scope};

/// Most runs or findings one page gives.
const MOST: i32 = 500;

fn page(first: i32) -> Result<u64> {
    if (1..=MOST).contains(&first) {
        Ok(first as u64)
    } else {
        Err(ApiError::bad_input(format!("`first` is from 1 to {MOST}")))
    }
}

pub struct Reconciliation(reconciliation::Model);

#[Object]
impl Reconciliation {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn run_by(&self) -> &str {
        &self.0.run_by
    }
    async fn run_at(&self) -> DateTime<Utc> {
        self.0.run_at
    }
    /// SHA-256 of the file as uploaded, in hex.
    async fn file_sha256(&self) -> &str {
        &self.0.file_sha256
    }
    async fn include_descendants(&self) -> bool {
        self.0.include_descendants
    }
    async fn file_rows(&self) -> i32 {
        self.0.file_rows
    }
    /// Distinct people the file pays.
    async fn payroll_people(&self) -> i32 {
        self.0.payroll_people
    }
    /// People the roster says the budget pays (fiscal people in establishment, budget-paid
    /// temporary staff), beside the payroll's count.
    async fn fiscal_supported(&self) -> i32 {
        self.0.fiscal_supported
    }
    async fn in_establishment_not_paid(&self) -> i32 {
        self.0.in_establishment_not_paid
    }
    async fn paid_not_in_establishment(&self) -> i32 {
        self.0.paid_not_in_establishment
    }
    async fn paid_elsewhere(&self) -> i32 {
        self.0.paid_elsewhere
    }
    async fn paid_past_retirement(&self) -> i32 {
        self.0.paid_past_retirement
    }
    async fn unreadable(&self) -> i32 {
        self.0.unreadable
    }
    /// Its findings, in list order then line: one list (`IN_ESTABLISHMENT_NOT_PAID`,
    /// `PAID_NOT_IN_ESTABLISHMENT`, `PAID_ELSEWHERE`, `PAID_PAST_RETIREMENT`, `UNREADABLE`) when
    /// named, only those not yet resolved when asked; `offset` pages on.
    async fn items(
        &self,
        ctx: &Context<'_>,
        list: Option<String>,
        #[graphql(default = false)] unresolved_only: bool,
        #[graphql(default = 100)] first: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> Result<Vec<ReconciliationItem>> {
        let mut query =
            reconciliation_item::Entity::find().filter(reconciliation_item::Column::ReconciliationId.eq(self.0.id));
        if let Some(list) = list {
            query = query.filter(reconciliation_item::Column::List.eq(list));
        }
        if unresolved_only {
            query = query.filter(reconciliation_item::Column::ResolvedAt.is_null());
        }
        let rows = query
            .order_by_asc(reconciliation_item::Column::Id)
            .offset(u64::try_from(offset.max(0)).unwrap_or(0))
            .limit(page(first)?)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(ReconciliationItem).collect())
    }
}

pub struct ReconciliationItem(reconciliation_item::Model);

#[Object]
impl ReconciliationItem {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn list(&self) -> &str {
        &self.0.list
    }
    /// The file's line; none for someone the file lacks.
    async fn line(&self) -> Option<i32> {
        self.0.line
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Masked to the last four characters.
    async fn national_id(&self) -> &str {
        &self.0.national_id
    }
    async fn staff_id(&self) -> Option<ID> {
        self.0.staff_id.map(|id| ID(id.to_string()))
    }
    async fn institution(&self) -> Option<&str> {
        self.0.institution.as_deref()
    }
    async fn paid_by(&self) -> Option<&str> {
        self.0.paid_by.as_deref()
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn resolved_note(&self) -> Option<&str> {
        self.0.resolved_note.as_deref()
    }
    async fn resolved_by(&self) -> Option<&str> {
        self.0.resolved_by.as_deref()
    }
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }
}

/// A run of the caller's own office; another's reads as missing.
async fn own_run<C: sea_orm::ConnectionTrait>(ctx: &Context<'_>, txn: &C, id: i32) -> Result<reconciliation::Model> {
    let office = scope(ctx).office()?.id;
    reconciliation::Entity::find_by_id(id)
        .filter(reconciliation::Column::JurisdictionId.eq(office))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("reconciliation {id} not found")))
}

#[derive(Default)]
pub struct ReconciliationQuery;

#[Object]
impl ReconciliationQuery {
    /// The office's saved payroll reconciliations, newest first.
    async fn reconciliations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<Reconciliation>> {
        let office = scope(ctx).office()?.id;
        let rows = reconciliation::Entity::find()
            .filter(reconciliation::Column::JurisdictionId.eq(office))
            .order_by_desc(reconciliation::Column::Id)
            .limit(page(first)?)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(Reconciliation).collect())
    }

    /// One saved reconciliation of the office, reopened.
    async fn reconciliation(&self, ctx: &Context<'_>, id: ID) -> Result<Reconciliation> {
        Ok(Reconciliation(own_run(ctx, db(ctx), parse_id(&id)?).await?))
    }
}

#[derive(Default)]
pub struct ReconciliationMutation;

#[Object]
impl ReconciliationMutation {
    /// Marks a finding resolved, with what was done (a note is required); audited.
    async fn resolve_reconciliation_item(&self, ctx: &Context<'_>, id: ID, note: String) -> Result<ReconciliationItem> {
        let note = note.trim().to_string();
        if note.is_empty() || note.chars().count() > 1_000 {
            return Err(ApiError::bad_input("a resolution's note is from 1 to 1,000 characters"));
        }
        let id = parse_id(&id)?;
        let txn = crate::db::begin_write(db(ctx)).await?;
        let item = reconciliation_item::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("reconciliation item {id} not found")))?;
        let run = own_run(ctx, &txn, item.reconciliation_id)
            .await
            .map_err(|_| ApiError::not_found(format!("reconciliation item {id} not found")))?;
        let actor = actor(ctx);
        let mut row: reconciliation_item::ActiveModel = item.clone().into();
        row.resolved_note = Set(Some(note));
        row.resolved_by = Set(Some(actor.subject.clone()));
        row.resolved_at = Set(Some(Utc::now()));
        let after = row.update(&txn).await?;
        let change = Change::updated(
            "reconciliation.resolve",
            "reconciliation_item",
            after.id,
            run.jurisdiction_id,
            &item,
            &after,
        );
        audit::record(&txn, &actor, change).await?;
        crate::write::commit(txn).await?;
        Ok(ReconciliationItem(after))
    }
}
