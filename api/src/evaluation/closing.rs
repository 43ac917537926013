//! Closing a round (only when every institution is completely scored, or excluded with its
//! reason), publishing it, and institutions that leave open rounds when they are reformed.

use std::collections::HashMap;

use async_graphql::{ID, InputObject};
use entity::enums::RoundStatus;
use entity::{evaluation_round, institution, round_institution};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::results::compute;
use super::setup::{advance, load_inputs, own_round, round_entries, round_moved, store_results};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

/// Closing a round: institutions the office leaves out of its results, each with its reason.
#[derive(InputObject)]
pub struct ExclusionInput {
    pub institution_id: ID,
    pub reason: String,
}

/// SCORING -> CLOSED, in one transaction: only when every institution is completely scored
/// (each applicable indicator, and each weighted group of it) or explicitly excluded with a
/// reason; the earned results are stored.
pub async fn close(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
    exclusions: Vec<ExclusionInput>,
) -> ApiResult<evaluation_round::Model> {
    let mut excluded: HashMap<i32, String> = HashMap::new();
    for e in &exclusions {
        let reason = e.reason.trim();
        if reason.is_empty() {
            return Err(ApiError::bad_input("an exclusion needs its reason"));
        }
        if excluded.insert(parse_id(&e.institution_id)?, reason.to_string()).is_some() {
            return Err(ApiError::bad_input("an institution is excluded twice"));
        }
    }
    let txn = begin_write(db).await?;
    let round = own_round(&txn, scope, id).await?;
    advance(&txn, &round, RoundStatus::Scoring, RoundStatus::Closed).await?;
    let entries = round_entries(&txn, round.id).await?;
    for (institution_id, reason) in &excluded {
        if !entries.iter().any(|e| e.0 == *institution_id) {
            return Err(ApiError::bad_input(format!("institution {institution_id} is not in this round")));
        }
        round_institution::Entity::update_many()
            .col_expr(round_institution::Column::ExcludedReason, Expr::value(reason.clone()))
            .filter(round_institution::Column::RoundId.eq(round.id))
            .filter(round_institution::Column::InstitutionId.eq(*institution_id))
            .filter(round_institution::Column::ExcludedReason.is_null())
            .exec(&txn)
            .await?;
    }
    let inputs = load_inputs(&txn, &round).await?;
    let results = compute(&inputs.view());
    let unearned: Vec<i32> =
        results.iter().filter(|r| !r.complete && r.excluded.is_none()).map(|r| r.institution_id).collect();
    if !unearned.is_empty() {
        let names: Vec<String> = institution::Entity::find()
            .select_only()
            .column(institution::Column::Name)
            .filter(institution::Column::Id.is_in(unearned.clone()))
            .into_tuple::<String>()
            .all(&txn)
            .await?;
        return Err(ApiError::conflict(format!(
            "{} institution(s) are not completely scored: {}; score them or exclude each with a reason",
            unearned.len(),
            names.join("、")
        )));
    }
    store_results(&txn, &round).await?;
    let mut change = round_moved("evaluation.round.close", &round);
    change.after = Some(serde_json::json!({
        "graded": results.iter().filter(|r| r.grade.is_some()).count(),
        "excluded": results.iter().filter_map(|r| Some((r.institution_id, r.excluded.clone()?))).collect::<Vec<_>>(),
    }));
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(evaluation_round::Entity::find_by_id(id).one(db).await?.unwrap_or(round))
}

/// CLOSED -> PUBLISHED: the earned grades become public.
pub async fn publish(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
) -> ApiResult<evaluation_round::Model> {
    let txn = begin_write(db).await?;
    let round = own_round(&txn, scope, id).await?;
    advance(&txn, &round, RoundStatus::Closed, RoundStatus::Published).await?;
    audit::record(&txn, actor, round_moved("evaluation.round.publish", &round)).await?;
    crate::write::commit(txn).await?;
    Ok(evaluation_round::Entity::find_by_id(id).one(db).await?.unwrap_or(round))
}

/// An institution merged, dissolved or converted leaves the rounds still open (draft or
/// scoring): it is excluded from their results with the reason, in the reform's transaction.
pub async fn leave_open_rounds<C: ConnectionTrait>(db: &C, institution_id: i32, reason: &str) -> ApiResult<()> {
    let open = evaluation_round::Entity::find()
        .select_only()
        .column(evaluation_round::Column::Id)
        .filter(evaluation_round::Column::Status.is_in([RoundStatus::Draft, RoundStatus::Scoring]))
        .into_query();
    round_institution::Entity::update_many()
        .col_expr(round_institution::Column::ExcludedReason, Expr::value(reason.to_string()))
        .filter(round_institution::Column::InstitutionId.eq(institution_id))
        .filter(round_institution::Column::RoundId.in_subquery(open))
        .filter(round_institution::Column::ExcludedReason.is_null())
        .exec(db)
        .await?;
    Ok(())
}
