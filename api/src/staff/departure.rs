//! What a departure does, in order, in the departure's transaction. A person in
//! establishment who retires, leaves or transfers out frees a slot, and that slot:
//!
//! 1. repays a turnover-pool loan of the institution, if it has one outstanding (the pool);
//! 2. otherwise, in a hospital under total-staff filing, is reclaimed into the reserve
//!    ("exit one, reclaim one", 出一收一; filing);
//! 3. otherwise, under a reduction plan, is reduced ("reduce one, verify one", 减一核一;
//!    establishment/plan).
//!
//! Only the first that applies acts. Each step lives in its own room; the order lives here.

use chrono::NaiveDate;
use entity::enums::{DepartureReason, MovementKind, StaffStatus};
use entity::{institution, staff};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::lifecycle::{Occasion, record_movement};
use crate::audit::Actor;
use crate::error::{ApiError, ApiResult};
use crate::establishment::{on_departure, release_slot};

/// Ends a person's tenure (retired or left), freeing their slot. The occasion's reason (a
/// [`DepartureReason`] word) is kept with the person and the movement.
pub async fn depart<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    person: staff::Model,
    institution: &institution::Model,
    status: StaffStatus,
    occasion: Occasion<'_>,
) -> ApiResult<staff::Model> {
    if !matches!(person.status, StaffStatus::Active | StaffStatus::SecondedOut) {
        return Err(ApiError::conflict("the person has already retired or left"));
    }
    if let (Some(funding), true) = (person.basis.funding(), person.status.holds_slot()) {
        release_slot(db, institution.id, funding).await?;
        after_departure(db, actor, institution, funding, occasion.on).await?;
    }
    crate::institution::leadership::end_on_departure(db, person.id, institution.id, occasion.on).await?;
    super::absence::end_on_departure(db, person.id, occasion.on).await?;
    let kind = if status == StaffStatus::Retired { MovementKind::Retire } else { MovementKind::Leave };
    let reason = match (status, occasion.reason.and_then(DepartureReason::from_word)) {
        (StaffStatus::Retired, _) => DepartureReason::Retirement,
        (_, Some(reason)) => reason,
        (_, None) => DepartureReason::Other,
    };
    let occasion = Occasion { reason: Some(reason.word()), ..occasion };
    record_movement(db, actor, &person, institution.id, kind, occasion).await?;
    let mut row: staff::ActiveModel = person.into();
    row.status = Set(status);
    row.departure_reason = Set(Some(reason));
    row.slot_key = Set(None);
    row.over_establishment = Set(false);
    row.seconded_to = Set(None);
    row.seconded_since = Set(None);
    row.seconded_until = Set(None);
    row.updated_at = Set(chrono::Utc::now());
    Ok(row.update(db).await?)
}

/// What a freed slot does, in the departure's transaction: it repays a pool loan of the
/// institution first; in a filed hospital it is reclaimed ("exit one, reclaim one",
/// 出一收一); under a reduction plan it is reduced ("reduce one, verify one").
pub(super) async fn after_departure<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution: &institution::Model,
    funding: entity::enums::Funding,
    on: NaiveDate,
) -> ApiResult<()> {
    if crate::pool::repay_on_departure(db, actor, institution, funding, on).await? {
        return Ok(());
    }
    if crate::filing::reclaim_on_departure(db, actor, institution, funding, on).await? {
        return Ok(());
    }
    on_departure(db, actor, institution, funding, on).await?;
    Ok(())
}
