//! The weights of the committee's groups (expert, service recipient, public representative,
//! media) in an indicator set: per category of indicators, or per indicator.

use std::collections::HashSet;

use async_graphql::{ID, InputObject};
use entity::enums::{IndicatorCategory, MemberGroup};
use entity::{group_weight, indicator, indicator_set};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::setup::{fixed_unless_draft, usable_set};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

#[derive(InputObject)]
pub struct GroupWeightInput {
    pub group: MemberGroup,
    pub weight: f64,
}

/// The committee groups' weights for every indicator of a category, or for one indicator
/// (overriding its category's). The weights sum to 100; an empty list clears them (every
/// member's score then counts alike).
#[derive(InputObject)]
pub struct GroupWeightsInput {
    pub set_id: ID,
    pub category: Option<IndicatorCategory>,
    pub indicator_code: Option<String>,
    pub weights: Vec<GroupWeightInput>,
}

pub async fn set_group_weights(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: GroupWeightsInput,
) -> ApiResult<indicator_set::Model> {
    let set_id = parse_id(&input.set_id)?;
    let mut seen = HashSet::new();
    for w in &input.weights {
        if !w.weight.is_finite() || !(0.0..=100.0).contains(&w.weight) {
            return Err(ApiError::bad_input("a group's weight is from 0 to 100"));
        }
        if !seen.insert(w.group) {
            return Err(ApiError::bad_input(format!("the group {} is weighted twice", w.group.word())));
        }
    }
    let sum: f64 = input.weights.iter().map(|w| w.weight).sum();
    if !input.weights.is_empty() && (sum - 100.0).abs() > 1e-6 {
        return Err(ApiError::bad_input(format!("the groups' weights must sum to 100; they sum to {sum}")));
    }
    let txn = begin_write(db).await?;
    let set = usable_set(&txn, scope, set_id).await?;
    scope.require_writer(set.jurisdiction_id)?;
    fixed_unless_draft(&txn, set.id).await?;
    let target = match (input.category, input.indicator_code.as_deref().map(str::trim)) {
        (Some(category), None) => (Some(category), None),
        (None, Some(code)) => {
            let found = indicator::Entity::find()
                .filter(indicator::Column::SetId.eq(set.id))
                .filter(indicator::Column::Code.eq(code))
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::bad_input(format!("no indicator `{code}` in the set")))?;
            (None, Some(found.id))
        }
        _ => return Err(ApiError::bad_input("give either `category` or `indicatorCode`")),
    };
    let mut old = group_weight::Entity::delete_many().filter(group_weight::Column::SetId.eq(set.id));
    old = match target {
        (Some(category), _) => {
            old.filter(group_weight::Column::Category.eq(category)).filter(group_weight::Column::IndicatorId.is_null())
        }
        (_, indicator) => old.filter(group_weight::Column::IndicatorId.eq(indicator)),
    };
    old.exec(&txn).await?;
    let rows: Vec<group_weight::ActiveModel> = input
        .weights
        .iter()
        .map(|w| group_weight::ActiveModel {
            set_id: Set(set.id),
            category: Set(target.0),
            indicator_id: Set(target.1),
            member_group: Set(w.group),
            weight: Set(w.weight),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        group_weight::Entity::insert_many(rows).exec(&txn).await?;
    }
    let change = Change {
        action: "evaluation.group_weights.set",
        entity: "indicator_set",
        entity_id: Some(set.id),
        jurisdiction_id: Some(set.jurisdiction_id),
        before: None,
        after: Some(serde_json::json!({
            "category": target.0.map(|c| c.word()), "indicator": target.1,
            "weights": input.weights.iter().map(|w| (w.group.word(), w.weight)).collect::<Vec<_>>(),
        })),
    };
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(set)
}
