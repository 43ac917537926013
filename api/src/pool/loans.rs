//! Loans from the pool: lending, repayment, settling what falls due, and repayment when the
//! borrower's person leaves.

use async_graphql::SimpleObject;
use chrono::{Months, NaiveDate};
use entity::enums::{EventKind, Funding, InstitutionStatus, LoanStatus};
use entity::{establishment_balance, institution, pool_loan};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::deposits::serve_queue;
use super::{FUNDING, LoanInput, count, ledger, move_institution, move_pool, pool_for_write, sectors};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::establishment::{Document, operation};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

pub async fn lend(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: LoanInput,
) -> ApiResult<pool_loan::Model> {
    let dry_run = input.dry_run;
    count(input.slots)?;
    let purpose = input.purpose.trim().to_string();
    if purpose.is_empty() {
        return Err(ApiError::bad_input("a loan states its purpose"));
    }
    let document = Document::parse(&input.document_no, NaiveDate::from(input.lent_on), &purpose)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, parse_id(&input.institution_id)?).await?;
    if institution.status != InstitutionStatus::Active {
        return Err(ApiError::conflict("only an active institution borrows"));
    }
    let pool = pool_for_write(&txn, institution.jurisdiction_id).await?;
    if !sectors(&pool).contains(&institution.sector) {
        return Err(ApiError::conflict(format!(
            "the pool lends to {} only",
            sectors(&pool).iter().map(|s| s.word()).collect::<Vec<_>>().join(", ")
        )));
    }
    let term = input.term_months.unwrap_or(pool.default_term_months);
    if !(1..=120).contains(&term) {
        return Err(ApiError::bad_input("`termMonths` must be from 1 to 120"));
    }
    move_pool(&txn, pool.id, 0, 0, input.slots).await?;
    move_institution(&txn, institution.id, 0, input.slots).await?;
    let op = operation();
    ledger(
        &txn,
        actor,
        institution.jurisdiction_id,
        Some(institution.id),
        EventKind::Lend,
        (0, 0, input.slots),
        &document,
        &op,
    )
    .await?;
    let loan = pool_loan::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        slots: Set(input.slots),
        outstanding: Set(input.slots),
        lent_on: Set(NaiveDate::from(input.lent_on)),
        due_on: Set(input
            .lent_on
            .checked_add_months(Months::new(term as u32))
            .unwrap_or(NaiveDate::from(input.lent_on))),
        purpose: Set(purpose),
        document_no: Set(document.number.clone()),
        status: Set(LoanStatus::Open),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, Change::created("pool.lend", "pool_loan", loan.id, loan.jurisdiction_id, &loan)).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(loan)
}

/// Repays `slots` of a loan (its borrowed slots must be vacant), then serves queued withdrawals.
pub(super) async fn repay_in<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    loan: pool_loan::Model,
    slots: i32,
    on: NaiveDate,
    reason: &str,
) -> ApiResult<pool_loan::Model> {
    if slots > loan.outstanding {
        return Err(ApiError::bad_input(format!("the loan has {} slots outstanding", loan.outstanding)));
    }
    let pool = pool_for_write(db, loan.jurisdiction_id).await?;
    move_institution(db, loan.institution_id, 0, -slots).await?;
    move_pool(db, pool.id, 0, 0, -slots).await?;
    let document = Document { number: loan.document_no.clone(), effective_on: on, reason: reason.to_string() };
    ledger(
        db,
        actor,
        loan.jurisdiction_id,
        Some(loan.institution_id),
        EventKind::Repay,
        (0, 0, -slots),
        &document,
        &operation(),
    )
    .await?;
    let outstanding = loan.outstanding - slots;
    let mut row: pool_loan::ActiveModel = loan.into();
    row.outstanding = Set(outstanding);
    if outstanding == 0 {
        row.status = Set(LoanStatus::Repaid);
    }
    let loan = row.update(db).await?;
    serve_queue(db, actor, loan.jurisdiction_id, on).await?;
    Ok(loan)
}

pub(super) async fn repay(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    loan_id: i32,
    slots: i32,
    on: NaiveDate,
    dry_run: bool,
) -> ApiResult<pool_loan::Model> {
    count(slots)?;
    if on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("the date is in the future"));
    }
    let txn = begin_write(db).await?;
    // Another office's loan is answered exactly like one that does not exist.
    let loan = scope
        .pool_loans_for_write()?
        .filter(pool_loan::Column::Id.eq(loan_id))
        .filter(pool_loan::Column::Status.eq(LoanStatus::Open))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("open loan {loan_id} not found")))?;
    scope.institution_for_write(&txn, loan.institution_id).await?;
    let loan = repay_in(&txn, actor, loan, slots, on, "loan repaid").await?;
    audit::record(&txn, actor, Change::created("pool.repay", "pool_loan", loan.id, loan.jurisdiction_id, &loan))
        .await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(loan)
}

#[derive(SimpleObject)]
pub struct Settlement {
    /// Slots repaid on loans past their term.
    pub repaid: i32,
    /// Due loans still outstanding because their borrowed slots are filled (listed as overdue).
    pub still_overdue: i32,
}

/// A loan is repaid when its term ends: every due loan gives back as many borrowed slots as
/// the borrower has vacant; what stays filled remains overdue.
pub(super) async fn settle(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    on: NaiveDate,
    dry_run: bool,
) -> ApiResult<Settlement> {
    let own = scope.office()?.id;
    if on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("the date is in the future"));
    }
    let txn = begin_write(db).await?;
    let due = pool_loan::Entity::find()
        .filter(pool_loan::Column::JurisdictionId.eq(own))
        .filter(pool_loan::Column::Status.eq(LoanStatus::Open))
        .filter(pool_loan::Column::DueOn.lte(on))
        .order_by_asc(pool_loan::Column::DueOn)
        .lock_exclusive()
        .all(&txn)
        .await?;
    let (mut repaid, mut still_overdue) = (0, 0);
    for loan in due {
        let balance = establishment_balance::Entity::find()
            .filter(establishment_balance::Column::InstitutionId.eq(loan.institution_id))
            .filter(establishment_balance::Column::Funding.eq(FUNDING))
            .one(&txn)
            .await?;
        let vacant = balance.as_ref().map_or(0, crate::establishment::balance::vacant);
        let n = Ord::min(vacant, loan.outstanding);
        let outstanding = loan.outstanding;
        if n > 0 {
            repay_in(&txn, actor, loan, n, on, "loan term ended").await?;
            repaid += n;
        }
        if n < outstanding {
            still_overdue += 1;
        }
    }
    audit::record(
        &txn,
        actor,
        Change {
            action: "pool.settle",
            entity: "turnover_pool",
            entity_id: None,
            jurisdiction_id: Some(own),
            before: None,
            after: Some(serde_json::json!({"repaid": repaid, "stillOverdue": still_overdue})),
        },
    )
    .await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(Settlement { repaid, still_overdue })
}

/// Called in the transaction of every departure: a person leaving a borrower repays one
/// borrowed slot first. Returns whether it did.
pub async fn repay_on_departure<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution: &institution::Model,
    funding: Funding,
    on: NaiveDate,
) -> ApiResult<bool> {
    if funding != FUNDING {
        return Ok(false);
    }
    let loan = pool_loan::Entity::find()
        .filter(pool_loan::Column::InstitutionId.eq(institution.id))
        .filter(pool_loan::Column::Status.eq(LoanStatus::Open))
        .order_by_asc(pool_loan::Column::DueOn)
        .lock_exclusive()
        .one(db)
        .await?;
    let Some(loan) = loan else { return Ok(false) };
    match repay_in(db, actor, loan, 1, on, "repaid as the borrower's own slot freed").await {
        Ok(_) => Ok(true),
        Err(ApiError::Conflict(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

#[derive(SimpleObject)]
pub struct LoanCandidate {
    pub institution: crate::institution::Institution,
    /// The latest closed evaluation grade, when there is one.
    pub latest_grade: Option<entity::enums::Grade>,
}
