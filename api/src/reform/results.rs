//! Reform results since a date, as the overview reports them: from recorded reforms and the
//! ledger.

use async_graphql::SimpleObject;
use chrono::NaiveDate;
use entity::enums::{EventKind, ReformKind};
use entity::reform;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::ApiResult;
use crate::graphql::date::Day;

/// Reform results since a date: institutions removed, slots reclaimed into the reserve and
/// slots allocated from it, all from recorded reforms and the ledger.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct ReformResults {
    pub since: Option<Day>,
    pub institutions_removed: i64,
    pub dissolved: i64,
    pub merged: i64,
    pub converted: i64,
    pub slots_reclaimed: i64,
    pub slots_allocated: i64,
}

pub async fn results_since<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: &[i32],
    since: NaiveDate,
) -> ApiResult<ReformResults> {
    use entity::establishment_event as event;
    let kinds: Vec<(ReformKind, i64)> = reform::Entity::find()
        .select_only()
        .column(reform::Column::Kind)
        .column_as(reform::Column::Id.count(), "n")
        .filter(reform::Column::JurisdictionId.is_in(jurisdiction_ids.to_vec()))
        .filter(reform::Column::EffectiveOn.gte(since))
        .group_by(reform::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    // Reserve-side reclaim rows (+) and institution-side allocation rows (+).
    let moved: Vec<(EventKind, Option<i64>)> = event::Entity::find()
        .select_only()
        .column(event::Column::Kind)
        .column_as(event::Column::ApprovedDelta.sum(), "slots")
        .filter(event::Column::JurisdictionId.is_in(jurisdiction_ids.to_vec()))
        .filter(event::Column::EffectiveOn.gte(since))
        .filter(event::Column::Kind.is_in([EventKind::Reclaim, EventKind::Allocate]))
        .filter(event::Column::ApprovedDelta.gt(0))
        .group_by(event::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut results = ReformResults { since: Some(Day(since)), ..Default::default() };
    for (kind, n) in kinds {
        match kind {
            ReformKind::Dissolve => results.dissolved = n,
            ReformKind::Merge => results.merged = n,
            ReformKind::Convert => results.converted = n,
        }
        results.institutions_removed += n;
    }
    for (kind, slots) in moved {
        match kind {
            EventKind::Reclaim => results.slots_reclaimed = slots.unwrap_or(0),
            _ => results.slots_allocated = slots.unwrap_or(0),
        }
    }
    Ok(results)
}
