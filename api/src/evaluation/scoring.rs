//! What an evaluation committee member does, with an EVALUATOR token: see the rounds and
//! institutions assigned to them, and submit or amend scores while a round is SCORING.

use async_graphql::{ID, InputObject};
use entity::enums::{RoundStatus, Sector};
use entity::{committee_member, evaluation_round, indicator, institution, recusal, round_institution, score};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::results::applies;
use crate::audit::{self, Actor, Change};
use crate::auth::Role;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

#[derive(InputObject)]
pub struct ScoreInput {
    pub indicator_code: String,
    pub value: f64,
}

#[derive(InputObject)]
pub struct SubmitScoresInput {
    pub round_id: ID,
    pub institution_id: ID,
    pub scores: Vec<ScoreInput>,
}

/// The committee seat of the calling evaluator in a round of their token's jurisdiction.
pub async fn membership<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    round_id: i32,
) -> ApiResult<(evaluation_round::Model, committee_member::Model)> {
    let principal = &scope.principal;
    if principal.role != Role::Evaluator {
        return Err(ApiError::forbidden("scoring is for evaluation committee members (EVALUATOR tokens)"));
    }
    let not_yours = || ApiError::not_found(format!("evaluation round {round_id} not found"));
    let round =
        scope.rounds()?.filter(evaluation_round::Column::Id.eq(round_id)).one(db).await?.ok_or_else(not_yours)?;
    let member = scope.seat(db, round.id).await?.ok_or_else(not_yours)?;
    Ok((round, member))
}

/// The rounds the calling evaluator sits on.
pub async fn my_rounds(db: &DatabaseConnection, scope: &Scope) -> ApiResult<Vec<evaluation_round::Model>> {
    let principal = &scope.principal;
    if principal.role != Role::Evaluator {
        return Err(ApiError::forbidden("for evaluation committee members (EVALUATOR tokens)"));
    }
    Ok(scope.rounds()?.order_by_desc(evaluation_round::Column::Year).all(db).await?)
}

pub async fn submit(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: SubmitScoresInput,
) -> ApiResult<Vec<score::Model>> {
    let (round_id, institution_id) = (parse_id(&input.round_id)?, parse_id(&input.institution_id)?);
    if input.scores.is_empty() {
        return Err(ApiError::bad_input("submit at least one score"));
    }
    let txn = begin_write(db).await?;
    // The round row is locked, so a close cannot slip between the check and the write.
    evaluation_round::Entity::find_by_id(round_id).lock_exclusive().one(&txn).await?;
    let (round, member) = membership(&txn, scope, round_id).await?;
    if round.status != RoundStatus::Scoring {
        return Err(ApiError::conflict(format!(
            "scores are submitted while the round is SCORING; it is {}",
            round.status.word()
        )));
    }
    let assigned = round_institution::Entity::find()
        .filter(round_institution::Column::RoundId.eq(round.id))
        .filter(round_institution::Column::InstitutionId.eq(institution_id))
        .count(&txn)
        .await?;
    if assigned == 0 {
        return Err(ApiError::not_found(format!("institution {institution_id} is not in this round")));
    }
    let recused = recusal::Entity::find()
        .filter(recusal::Column::MemberId.eq(member.id))
        .filter(recusal::Column::InstitutionId.eq(institution_id))
        .one(&txn)
        .await?;
    if let Some(recused) = recused {
        return Err(ApiError::forbidden(format!("recused (conflict of interest): {}", recused.reason)));
    }
    let sector: Sector = institution::Entity::find_by_id(institution_id)
        .select_only()
        .column(institution::Column::Sector)
        .into_tuple()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("institution not found"))?;
    let indicators = indicator::Entity::find().filter(indicator::Column::SetId.eq(round.set_id)).all(&txn).await?;
    let mut saved = Vec::new();
    for entry in &input.scores {
        let code = entry.indicator_code.trim();
        let indicator = indicators
            .iter()
            .find(|i| i.code == code)
            .filter(|i| applies(i, sector))
            .ok_or_else(|| ApiError::bad_input(format!("indicator `{code}` does not apply to this institution")))?;
        if !entry.value.is_finite() || !(indicator.min_score..=indicator.max_score).contains(&entry.value) {
            return Err(ApiError::bad_input(format!(
                "`{code}` is scored from {} to {}",
                indicator.min_score, indicator.max_score
            )));
        }
        let existing = score::Entity::find()
            .filter(score::Column::RoundId.eq(round.id))
            .filter(score::Column::MemberId.eq(member.id))
            .filter(score::Column::InstitutionId.eq(institution_id))
            .filter(score::Column::IndicatorId.eq(indicator.id))
            .one(&txn)
            .await?;
        let now = chrono::Utc::now();
        let row = match existing {
            Some(existing) => {
                let mut row: score::ActiveModel = existing.into();
                row.value = Set(entry.value);
                row.submitted_at = Set(now);
                row.update(&txn).await?
            }
            None => {
                score::ActiveModel {
                    round_id: Set(round.id),
                    member_id: Set(member.id),
                    institution_id: Set(institution_id),
                    indicator_id: Set(indicator.id),
                    value: Set(entry.value),
                    submitted_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        saved.push(row);
    }
    let change = Change {
        action: "evaluation.score.submit",
        entity: "evaluation_round",
        entity_id: Some(round.id),
        jurisdiction_id: Some(round.jurisdiction_id),
        before: None,
        after: Some(serde_json::json!({
            "member": member.id, "institution": institution_id,
            "scores": input.scores.iter().map(|s| (s.indicator_code.clone(), s.value)).collect::<Vec<_>>(),
        })),
    };
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(saved)
}
