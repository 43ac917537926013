//! The slot rules, each one conditional UPDATE: concurrent requests cannot break them (the
//! row lock serialises writers on PostgreSQL; SQLite write transactions start IMMEDIATE).

use entity::enums::Funding;
use entity::{establishment_balance, institution, reserve_balance};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::error::{ApiError, ApiResult};

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
        .filter(super::balance::vacant_expr().gt(0))
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

/// Moves an institution's approved and frozen slots. A change that takes vacancy away (a
/// reduction, reclaim, transfer out, freeze) needs that many vacant, unfrozen slots; an
/// unfreeze needs that many frozen ones. Increases always apply.
pub async fn move_balance<C: ConnectionTrait>(
    db: &C,
    institution_id: i32,
    funding: Funding,
    approved_delta: i32,
    frozen_delta: i32,
) -> ApiResult<()> {
    use establishment_balance::Column;
    let mut update = establishment_balance::Entity::update_many()
        .col_expr(Column::Approved, Expr::col(Column::Approved).add(approved_delta))
        .col_expr(Column::Frozen, Expr::col(Column::Frozen).add(frozen_delta))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::InstitutionId.eq(institution_id))
        .filter(Column::Funding.eq(funding));
    let vacancy_taken = frozen_delta - approved_delta;
    if vacancy_taken > 0 {
        // Vacant and unfrozen, not deposited in the pool; borrowed slots are not the
        // institution's to give away.
        update = update
            .filter(super::balance::vacant_expr().gte(vacancy_taken))
            .filter(super::balance::own_free_expr().gte(vacancy_taken));
    }
    if frozen_delta < 0 {
        update = update.filter(Column::Frozen.gte(-frozen_delta));
    }
    if update.exec(db).await?.rows_affected == 1 {
        return Ok(());
    }
    if frozen_delta < 0 {
        Err(ApiError::conflict(format!(
            "only frozen slots can be unfrozen: fewer than {} {} slots are frozen",
            -frozen_delta,
            funding.word()
        )))
    } else {
        Err(ApiError::conflict(format!(
            "only vacant, unfrozen slots can be taken: fewer than {vacancy_taken} {} slots are vacant and unfrozen",
            funding.word()
        )))
    }
}

/// Moves the jurisdiction's reserve; it never goes below zero.
pub async fn move_reserve<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
    funding: Funding,
    delta: i32,
) -> ApiResult<()> {
    use reserve_balance::Column;
    let row = reserve_balance::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        funding: Set(funding),
        slots: Set(0),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    reserve_balance::Entity::insert(row)
        .on_conflict_do_nothing_on([Column::JurisdictionId, Column::Funding])
        .exec(db)
        .await?;
    let result = reserve_balance::Entity::update_many()
        .col_expr(Column::Slots, Expr::col(Column::Slots).add(delta))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::JurisdictionId.eq(jurisdiction_id))
        .filter(Column::Funding.eq(funding))
        .filter(Expr::col(Column::Slots).add(delta).gte(0))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::conflict(format!("the reserve holds fewer than {} {} slots", -delta, funding.word())))
    }
}
