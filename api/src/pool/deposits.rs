//! Deposits into the pool and their withdrawal, with the queue of withdrawals waiting for slots.

use async_graphql::SimpleObject;
use chrono::NaiveDate;
use entity::enums::{EventKind, InstitutionStatus, WithdrawalStatus};
use entity::{establishment_balance, institution, turnover_pool, withdrawal_request};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{FUNDING, PoolMovementInput, available, cap, count, ledger, move_institution, move_pool, pool_for_write};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::establishment::{Document, operation};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

pub async fn deposit(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: PoolMovementInput,
) -> ApiResult<turnover_pool::Model> {
    let dry_run = input.dry_run;
    count(input.slots)?;
    let reason = if input.reason.trim().is_empty() { "long-vacant slots deposited" } else { input.reason.trim() };
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), reason)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, parse_id(&input.institution_id)?).await?;
    if institution.status != InstitutionStatus::Active {
        return Err(ApiError::conflict("only an active institution deposits slots"));
    }
    let pool = pool_for_write(&txn, institution.jurisdiction_id).await?;
    // Each slot's own age: only slots vacant long enough on the document's date may go.
    let vacancies = crate::establishment::vacancies_of(&txn, &[institution.id]).await?;
    let old_enough = vacancies
        .get(&institution.id)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter(|v| v.funding == FUNDING && v.months_on(document.effective_on) >= pool.min_vacant_months as u32)
        .count();
    if old_enough < input.slots as usize {
        return Err(ApiError::conflict(format!(
            "only {old_enough} of the institution's vacant slots have stood vacant for {} months on {}; the pool \
             takes long-vacant slots only",
            pool.min_vacant_months, document.effective_on
        )));
    }
    if pool.base_fund + pool.deposited + input.slots > cap(&txn, &pool).await? {
        return Err(ApiError::conflict("the pool would exceed its cap (a share of the jurisdiction's vacant slots)"));
    }
    move_institution(&txn, institution.id, input.slots, 0).await?;
    move_pool(&txn, pool.id, 0, input.slots, 0).await?;
    let op = operation();
    ledger(
        &txn,
        actor,
        institution.jurisdiction_id,
        Some(institution.id),
        EventKind::Deposit,
        (0, input.slots, 0),
        &document,
        &op,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Change {
            action: "pool.deposit",
            entity: "institution",
            entity_id: Some(institution.id),
            jurisdiction_id: Some(institution.jurisdiction_id),
            before: None,
            after: Some(serde_json::json!({"slots": input.slots, "operation": op})),
        },
    )
    .await?;
    let after = turnover_pool::Entity::find_by_id(pool.id).one(&txn).await?.unwrap_or(pool);
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after)
}

#[derive(SimpleObject)]
pub struct WithdrawalResult {
    pub withdrawn: i32,
    /// Slots waiting in the queue for the next repayment.
    pub queued: i32,
}

pub(super) async fn withdraw(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: PoolMovementInput,
) -> ApiResult<WithdrawalResult> {
    let dry_run = input.dry_run;
    count(input.slots)?;
    let reason = if input.reason.trim().is_empty() { "deposited slots withdrawn" } else { input.reason.trim() };
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), reason)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, parse_id(&input.institution_id)?).await?;
    let pool = pool_for_write(&txn, institution.jurisdiction_id).await?;
    let deposited: i32 = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(institution.id))
        .filter(establishment_balance::Column::Funding.eq(FUNDING))
        .one(&txn)
        .await?
        .map_or(0, |b| b.deposited);
    let queued_already: i32 = withdrawal_request::Entity::find()
        .filter(withdrawal_request::Column::InstitutionId.eq(institution.id))
        .filter(withdrawal_request::Column::Status.eq(WithdrawalStatus::Queued))
        .all(&txn)
        .await?
        .iter()
        .map(|r| r.remaining)
        .sum();
    if input.slots > deposited - queued_already {
        return Err(ApiError::conflict(format!(
            "the institution has {} deposited slots not already being withdrawn",
            deposited - queued_already
        )));
    }
    let now_slots = Ord::min(input.slots, available(&pool));
    if now_slots > 0 {
        take_back(&txn, actor, &institution, pool.id, now_slots, &document).await?;
    }
    let queued = input.slots - now_slots;
    if queued > 0 {
        withdrawal_request::ActiveModel {
            jurisdiction_id: Set(institution.jurisdiction_id),
            institution_id: Set(institution.id),
            slots: Set(queued),
            remaining: Set(queued),
            requested_on: Set(document.effective_on),
            status: Set(WithdrawalStatus::Queued),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Change {
            action: "pool.withdraw",
            entity: "institution",
            entity_id: Some(institution.id),
            jurisdiction_id: Some(institution.jurisdiction_id),
            before: None,
            after: Some(serde_json::json!({"withdrawn": now_slots, "queued": queued})),
        },
    )
    .await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(WithdrawalResult { withdrawn: now_slots, queued })
}

pub(super) async fn take_back<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution: &institution::Model,
    pool_id: i32,
    slots: i32,
    document: &Document,
) -> ApiResult<()> {
    move_pool(db, pool_id, 0, -slots, 0).await?;
    move_institution(db, institution.id, -slots, 0).await?;
    ledger(
        db,
        actor,
        institution.jurisdiction_id,
        Some(institution.id),
        EventKind::Withdraw,
        (0, -slots, 0),
        document,
        &operation(),
    )
    .await
}

/// Serves queued withdrawals, oldest first, from what a repayment freed.
pub(super) async fn serve_queue<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    jurisdiction_id: i32,
    on: NaiveDate,
) -> ApiResult<()> {
    let queue = withdrawal_request::Entity::find()
        .filter(withdrawal_request::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(withdrawal_request::Column::Status.eq(WithdrawalStatus::Queued))
        .order_by_asc(withdrawal_request::Column::Id)
        .all(db)
        .await?;
    for request in queue {
        let pool = pool_for_write(db, jurisdiction_id).await?;
        let n = Ord::min(request.remaining, available(&pool));
        if n == 0 {
            break;
        }
        let Some(institution) = institution::Entity::find_by_id(request.institution_id).one(db).await? else {
            continue;
        };
        let document = Document {
            number: format!("withdrawal request {}", request.id),
            effective_on: on,
            reason: "queued withdrawal served by a repayment".into(),
        };
        take_back(db, actor, &institution, pool.id, n, &document).await?;
        let mut row: withdrawal_request::ActiveModel = request.clone().into();
        row.remaining = Set(request.remaining - n);
        if request.remaining == n {
            row.status = Set(WithdrawalStatus::Served);
        }
        row.update(db).await?;
    }
    Ok(())
}
