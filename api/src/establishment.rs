//! Establishment (编制): balances per institution and funding kind, derived from the ledger
//! of recorded events and from the real-name list, and the slot rules that guard them.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{EventKind, Funding};
use entity::{establishment_balance, establishment_event, institution};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{actor, db, scope};
use crate::scope::Scope;

/// One funding kind's balance.
#[derive(SimpleObject, Debug, Clone, Copy)]
#[graphql(complex)]
pub struct FundingBalance {
    pub funding: Funding,
    pub approved: i32,
    pub frozen: i32,
    pub occupied: i32,
}

#[async_graphql::ComplexObject]
impl FundingBalance {
    /// Approved minus frozen minus occupied, never below zero.
    async fn vacant(&self) -> i32 {
        Ord::max(self.approved - self.frozen - self.occupied, 0)
    }

    /// People over establishment (超编): occupied beyond approved.
    async fn over_establishment(&self) -> i32 {
        Ord::max(self.occupied - self.approved, 0)
    }
}

/// An institution's (or a jurisdiction's) establishment across funding kinds.
#[derive(SimpleObject, Debug, Clone)]
pub struct Establishment {
    /// Total approved slots.
    pub approved: i32,
    /// Approved fiscally funded slots (财政拨款).
    pub fiscal: i32,
    /// Approved self-financed slots (自收自支).
    pub self_financed: i32,
    pub frozen: i32,
    pub occupied: i32,
    pub vacant: i32,
    pub over_establishment: i32,
    pub by_funding: Vec<FundingBalance>,
}

impl Establishment {
    pub fn from_balances(rows: &[establishment_balance::Model]) -> Self {
        let by_funding: Vec<FundingBalance> = Funding::all()
            .iter()
            .map(|funding| {
                let mut balance = FundingBalance { funding: *funding, approved: 0, frozen: 0, occupied: 0 };
                for row in rows.iter().filter(|row| row.funding == *funding) {
                    balance.approved += row.approved;
                    balance.frozen += row.frozen;
                    balance.occupied += row.occupied;
                }
                balance
            })
            .collect();
        let sum = |f: fn(&FundingBalance) -> i32| by_funding.iter().map(f).sum::<i32>();
        Self {
            approved: sum(|b| b.approved),
            fiscal: by_funding[0].approved,
            self_financed: by_funding[1].approved,
            frozen: sum(|b| b.frozen),
            occupied: sum(|b| b.occupied),
            vacant: sum(|b| Ord::max(b.approved - b.frozen - b.occupied, 0)),
            over_establishment: sum(|b| Ord::max(b.occupied - b.approved, 0)),
            by_funding,
        }
    }
}

/// Creates the zero balances of a new institution, so slot rules are conditional updates of
/// rows that always exist.
pub async fn open_balances<C: ConnectionTrait>(db: &C, institution: &institution::Model) -> Result<(), sea_orm::DbErr> {
    for funding in Funding::all() {
        establishment_balance::ActiveModel {
            jurisdiction_id: Set(institution.jurisdiction_id),
            institution_id: Set(institution.id),
            funding: Set(*funding),
            approved: Set(0),
            frozen: Set(0),
            occupied: Set(0),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Takes one vacant, unfrozen slot of `funding`, or fails with `CONFLICT`. A single
/// conditional update, so concurrent hires cannot overfill (the row lock serialises them on
/// PostgreSQL; SQLite writers are serialised by `BEGIN IMMEDIATE`). Inherited over
/// establishment is never worsened: an over-full balance has no vacancy.
pub async fn occupy_slot<C: ConnectionTrait>(db: &C, institution_id: i32, funding: Funding) -> ApiResult<()> {
    use establishment_balance::Column;
    let result = establishment_balance::Entity::update_many()
        .col_expr(Column::Occupied, Expr::col(Column::Occupied).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::InstitutionId.eq(institution_id))
        .filter(Column::Funding.eq(funding))
        .filter(Expr::col(Column::Occupied).add(Expr::col(Column::Frozen)).lt(Expr::col(Column::Approved)))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::conflict(format!(
            "no vacant {} slot: the institution's approved establishment is full (occupied + frozen >= approved)",
            funding.word()
        )))
    }
}

/// Records inherited over establishment (超编) explicitly accepted on import: the slot is
/// counted even when none is vacant. Returns whether the person is over establishment.
pub async fn occupy_slot_accepting_excess<C: ConnectionTrait>(
    db: &C,
    institution_id: i32,
    funding: Funding,
) -> ApiResult<bool> {
    if occupy_slot(db, institution_id, funding).await.is_ok() {
        return Ok(false);
    }
    use establishment_balance::Column;
    establishment_balance::Entity::update_many()
        .col_expr(Column::Occupied, Expr::col(Column::Occupied).add(1))
        .filter(Column::InstitutionId.eq(institution_id))
        .filter(Column::Funding.eq(funding))
        .exec(db)
        .await?;
    Ok(true)
}

/// Gives a slot back when its holder retires or leaves.
pub async fn release_slot<C: ConnectionTrait>(db: &C, institution_id: i32, funding: Funding) -> ApiResult<()> {
    use establishment_balance::Column;
    let result = establishment_balance::Entity::update_many()
        .col_expr(Column::Occupied, Expr::col(Column::Occupied).sub(1))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::InstitutionId.eq(institution_id))
        .filter(Column::Funding.eq(funding))
        .filter(Column::Occupied.gt(0))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::internal(anyhow::anyhow!(
            "balance of institution {institution_id} has no occupied slot to release"
        )))
    }
}

/// A ledger entry to record; the balance moves with it in the same transaction.
pub struct Entry<'a> {
    pub institution: &'a institution::Model,
    pub kind: EventKind,
    pub funding: Funding,
    pub approved_delta: i32,
    pub frozen_delta: i32,
    pub document_no: &'a str,
    pub effective_on: NaiveDate,
    pub reason: &'a str,
}

pub async fn record_entry<C: ConnectionTrait>(db: &C, actor: &Actor, entry: Entry<'_>) -> Result<(), sea_orm::DbErr> {
    establishment_event::ActiveModel {
        jurisdiction_id: Set(entry.institution.jurisdiction_id),
        institution_id: Set(Some(entry.institution.id)),
        kind: Set(entry.kind),
        funding: Set(entry.funding),
        approved_delta: Set(entry.approved_delta),
        frozen_delta: Set(entry.frozen_delta),
        document_no: Set(entry.document_no.to_string()),
        effective_on: Set(entry.effective_on),
        reason: Set(entry.reason.to_string()),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    use establishment_balance::Column;
    establishment_balance::Entity::update_many()
        .col_expr(Column::Approved, Expr::col(Column::Approved).add(entry.approved_delta))
        .col_expr(Column::Frozen, Expr::col(Column::Frozen).add(entry.frozen_delta))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::InstitutionId.eq(entry.institution.id))
        .filter(Column::Funding.eq(entry.funding))
        .exec(db)
        .await?;
    Ok(())
}

#[derive(InputObject)]
pub struct InitialEstablishmentInput {
    pub institution_id: async_graphql::ID,
    /// Fiscally funded slots (财政拨款).
    pub fiscal: i32,
    /// Self-financed slots (自收自支).
    pub self_financed: i32,
    /// 文号 of the approving document.
    pub document_no: String,
    pub effective_on: NaiveDate,
    #[graphql(default)]
    pub reason: String,
}

/// Sets an institution's initial establishment as approval events. Later changes are
/// establishment events of their own, so a second initial setting is refused.
#[tracing::instrument(skip_all)]
pub async fn set_initial(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: InitialEstablishmentInput,
) -> ApiResult<Establishment> {
    let institution_id = crate::institution::parse_id(&input.institution_id)?;
    if input.fiscal < 0 || input.self_financed < 0 {
        return Err(ApiError::bad_input("establishment figures must not be negative"));
    }
    if input.fiscal + input.self_financed == 0 {
        return Err(ApiError::bad_input("an initial establishment needs at least one slot"));
    }
    let document_no = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let institution = crate::institution::find_for_write(&txn, scope, institution_id).await?;
    let approvals = establishment_event::Entity::find()
        .filter(establishment_event::Column::InstitutionId.eq(institution.id))
        .count(&txn)
        .await?;
    if approvals > 0 {
        return Err(ApiError::conflict(
            "the institution's establishment is already set; change it through establishment events",
        ));
    }
    let reason = if input.reason.trim().is_empty() { "initial establishment" } else { input.reason.trim() };
    for (funding, slots) in [(Funding::Fiscal, input.fiscal), (Funding::SelfFinanced, input.self_financed)] {
        if slots > 0 {
            let entry = Entry {
                institution: &institution,
                kind: EventKind::Approve,
                funding,
                approved_delta: slots,
                frozen_delta: 0,
                document_no: &document_no,
                effective_on: input.effective_on,
                reason,
            };
            record_entry(&txn, actor, entry).await?;
        }
    }
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(institution.id))
        .all(&txn)
        .await?;
    let establishment = Establishment::from_balances(&balances);
    audit::record(
        &txn,
        actor,
        Change {
            action: "establishment.set_initial",
            entity: "institution",
            entity_id: Some(institution.id),
            jurisdiction_id: Some(institution.jurisdiction_id),
            before: None,
            after: Some(serde_json::json!({
                "fiscal": input.fiscal, "selfFinanced": input.self_financed,
                "documentNo": document_no, "effectiveOn": input.effective_on,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(establishment)
}

#[derive(Default)]
pub struct EstablishmentMutation;

#[Object]
impl EstablishmentMutation {
    /// Sets a new institution's approved establishment (recorded as approval events).
    async fn set_initial_establishment(
        &self,
        ctx: &Context<'_>,
        input: InitialEstablishmentInput,
    ) -> async_graphql::Result<Establishment> {
        Ok(set_initial(db(ctx), scope(ctx), &actor(ctx), input).await?)
    }
}
