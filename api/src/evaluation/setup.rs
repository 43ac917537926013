//! What a staffing office does: indicator sets and indicators, rounds and their committees,
//! the round's transitions, and audited corrections of a closed round's scores.

use std::collections::{HashMap, HashSet};

use async_graphql::{ID, InputObject};
use entity::enums::{IndicatorCategory, InstitutionStatus, MemberGroup, RoundStatus, Sector};
use entity::{
    committee_member, department, evaluation_round, group_weight, indicator, indicator_set, institution, jurisdiction,
    recusal, round_institution, round_result, score, score_correction,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, QueryTrait, Set,
};

use super::results::{RoundInputs, compute, weight_errors};
use crate::audit::{self, Actor, Change, snapshot};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

/// The most indicators a set holds (a scoring sheet a committee member can fill in).
pub const MAX_INDICATORS: u64 = 20;

#[derive(InputObject)]
pub struct IndicatorSetInput {
    pub name: String,
    #[graphql(default = 90.0)]
    pub excellent_threshold: f64,
    #[graphql(default = 80.0)]
    pub good_threshold: f64,
    #[graphql(default = 60.0)]
    pub pass_threshold: f64,
}

#[derive(InputObject)]
pub struct IndicatorInput {
    pub set_id: ID,
    pub code: String,
    pub name: String,
    #[graphql(default)]
    pub description: String,
    pub category: IndicatorCategory,
    /// For SECTOR indicators: the sectors they apply to.
    #[graphql(default)]
    pub sectors: Vec<Sector>,
    pub weight: f64,
    #[graphql(default = 0.0)]
    pub min_score: f64,
    #[graphql(default = 100.0)]
    pub max_score: f64,
}

#[derive(InputObject)]
pub struct RoundInput {
    pub year: i32,
    pub name: String,
    pub set_id: ID,
    pub institution_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct MemberInput {
    pub round_id: ID,
    /// The `sub` of the member's EVALUATOR token.
    pub subject: String,
    pub name: String,
    pub group: MemberGroup,
    /// The supervising department the member works for, if any: they are recused from its
    /// institutions.
    pub department_id: Option<ID>,
}

#[derive(InputObject)]
pub struct CorrectionInput {
    pub round_id: ID,
    pub member_id: ID,
    pub institution_id: ID,
    pub indicator_code: String,
    pub value: f64,
    pub reason: String,
}

/// A round's move from one state to the next: the action says which.
pub(super) fn round_moved(action: &'static str, round: &evaluation_round::Model) -> Change {
    let (entity_id, jurisdiction_id) = (Some(round.id), Some(round.jurisdiction_id));
    Change { action, entity: "evaluation_round", entity_id, jurisdiction_id, before: None, after: None }
}

pub async fn create_set(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: IndicatorSetInput,
) -> ApiResult<indicator_set::Model> {
    let own = scope.office()?.id;
    let name = codes::name("name", &input.name).map_err(ApiError::BadInput)?;
    let (e, g, p) = (input.excellent_threshold, input.good_threshold, input.pass_threshold);
    if !(0.0 < p && p < g && g < e && e <= 100.0) {
        return Err(ApiError::bad_input("thresholds must rise: 0 < pass < good < excellent <= 100"));
    }
    let txn = begin_write(db).await?;
    let row = indicator_set::ActiveModel {
        jurisdiction_id: Set(own),
        name: Set(name),
        excellent_threshold: Set(e),
        good_threshold: Set(g),
        pass_threshold: Set(p),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, Change::created("evaluation.set.create", "indicator_set", row.id, own, &row)).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// A set the caller's jurisdiction may use: its own, or one of a jurisdiction above it (the
/// unified standard).
pub async fn usable_set<C: ConnectionTrait>(db: &C, scope: &Scope, set_id: i32) -> ApiResult<indicator_set::Model> {
    let own = scope.office()?;
    let set = indicator_set::Entity::find_by_id(set_id).one(db).await?;
    let set = set.ok_or_else(|| ApiError::not_found(format!("indicator set {set_id} not found")))?;
    let owner = jurisdiction::Entity::find_by_id(set.jurisdiction_id).one(db).await?;
    match owner {
        Some(owner) if own.path.starts_with(&owner.path) => Ok(set),
        _ => Err(ApiError::not_found(format!("indicator set {set_id} not found"))),
    }
}

pub async fn add_indicator(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: IndicatorInput,
) -> ApiResult<indicator::Model> {
    let set_id = parse_id(&input.set_id)?;
    let code = codes::name("code", &input.code).map_err(ApiError::BadInput)?;
    let name = codes::name("name", &input.name).map_err(ApiError::BadInput)?;
    if !(input.weight > 0.0 && input.weight <= 100.0) {
        return Err(ApiError::bad_input("`weight` must be above 0 and at most 100"));
    }
    if input.min_score >= input.max_score || !input.min_score.is_finite() || !input.max_score.is_finite() {
        return Err(ApiError::bad_input("`minScore` must be below `maxScore`"));
    }
    match (input.category, input.sectors.is_empty()) {
        (IndicatorCategory::Sector, true) => return Err(ApiError::bad_input("a SECTOR indicator names its sectors")),
        (IndicatorCategory::Common | IndicatorCategory::Public, false) => {
            return Err(ApiError::bad_input("only SECTOR indicators name sectors"));
        }
        _ => {}
    }
    let txn = begin_write(db).await?;
    let set = usable_set(&txn, scope, set_id).await?;
    scope.require_writer(set.jurisdiction_id)?;
    fixed_unless_draft(&txn, set.id).await?;
    let existing = indicator::Entity::find().filter(indicator::Column::SetId.eq(set.id)).all(&txn).await?;
    if existing.len() as u64 >= MAX_INDICATORS {
        return Err(ApiError::bad_input(format!("a set holds at most {MAX_INDICATORS} indicators")));
    }
    if existing.iter().any(|i| i.code == code) {
        return Err(ApiError::conflict(format!("the set already has an indicator `{code}`")));
    }
    let sectors: Vec<&str> = input.sectors.iter().map(|s| s.word()).collect();
    let row = indicator::ActiveModel {
        set_id: Set(set.id),
        code: Set(code),
        name: Set(name),
        description: Set(input.description.trim().to_string()),
        category: Set(input.category),
        sectors: Set(serde_json::to_string(&sectors).unwrap_or_else(|_| "[]".into())),
        weight: Set(input.weight),
        min_score: Set(input.min_score),
        max_score: Set(input.max_score),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Change::created("evaluation.indicator.add", "indicator", row.id, set.jurisdiction_id, &row),
    )
    .await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

pub async fn create_round(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: RoundInput,
) -> ApiResult<evaluation_round::Model> {
    let own = scope.office()?.id;
    let name = codes::name("name", &input.name).map_err(ApiError::BadInput)?;
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    if !(2000..=this_year + 1).contains(&input.year) {
        return Err(ApiError::bad_input("`year` is out of range"));
    }
    let mut ids: Vec<i32> = input.institution_ids.iter().map(parse_id).collect::<ApiResult<_>>()?;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(ApiError::bad_input("a round evaluates at least one institution"));
    }
    let txn = begin_write(db).await?;
    let set = usable_set(&txn, scope, parse_id(&input.set_id)?).await?;
    let found = institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids.clone()))
        .filter(institution::Column::JurisdictionId.eq(own))
        .filter(institution::Column::Status.eq(InstitutionStatus::Active))
        .all(&txn)
        .await?;
    if found.len() != ids.len() {
        let known: HashSet<i32> = found.iter().map(|i| i.id).collect();
        let missing: Vec<String> = ids.iter().filter(|i| !known.contains(i)).map(i32::to_string).collect();
        return Err(ApiError::bad_input(format!(
            "not active institutions of your jurisdiction: {}",
            missing.join(", ")
        )));
    }
    let row = evaluation_round::ActiveModel {
        jurisdiction_id: Set(own),
        set_id: Set(set.id),
        year: Set(input.year),
        name: Set(name),
        status: Set(RoundStatus::Draft),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let rows: Vec<round_institution::ActiveModel> = ids
        .iter()
        .map(|id| round_institution::ActiveModel {
            round_id: Set(row.id),
            institution_id: Set(*id),
            ..Default::default()
        })
        .collect();
    round_institution::Entity::insert_many(rows).exec(&txn).await?;
    audit::record(&txn, actor, Change::created("evaluation.round.create", "evaluation_round", row.id, own, &row))
        .await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// The caller's own round, locked.
pub async fn own_round<C: ConnectionTrait>(db: &C, scope: &Scope, id: i32) -> ApiResult<evaluation_round::Model> {
    let own = scope.office()?.id;
    evaluation_round::Entity::find_by_id(id)
        .filter(evaluation_round::Column::JurisdictionId.eq(own))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("evaluation round {id} not found")))
}

pub async fn assign_member(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: MemberInput,
) -> ApiResult<committee_member::Model> {
    let round_id = parse_id(&input.round_id)?;
    let subject = codes::name("subject", &input.subject).map_err(ApiError::BadInput)?;
    let name = codes::name("name", &input.name).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let round = own_round(&txn, scope, round_id).await?;
    if !matches!(round.status, RoundStatus::Draft | RoundStatus::Scoring) {
        return Err(ApiError::conflict(format!("the round is {}; its committee is fixed", round.status.word())));
    }
    let department = match &input.department_id {
        Some(id) => {
            let id = parse_id(id)?;
            let found = department::Entity::find_by_id(id).one(&txn).await?;
            match found {
                Some(d) if d.jurisdiction_id == round.jurisdiction_id => Some(d),
                _ => return Err(ApiError::bad_input(format!("department {id} is not in the round's jurisdiction"))),
            }
        }
        None => None,
    };
    let taken = committee_member::Entity::find()
        .filter(committee_member::Column::RoundId.eq(round.id))
        .filter(committee_member::Column::Subject.eq(subject.as_str()))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::conflict(format!("`{subject}` is already on the committee")));
    }
    let member = committee_member::ActiveModel {
        round_id: Set(round.id),
        subject: Set(subject),
        name: Set(name),
        member_group: Set(input.group),
        department_id: Set(department.as_ref().map(|d| d.id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(department) = &department {
        // Conflict of interest: a member working for an institution's supervising department.
        let supervised = institution::Entity::find()
            .filter(institution::Column::DepartmentId.eq(department.id))
            .filter(
                institution::Column::Id.in_subquery(
                    round_institution::Entity::find()
                        .select_only()
                        .column(round_institution::Column::InstitutionId)
                        .filter(round_institution::Column::RoundId.eq(round.id))
                        .into_query(),
                ),
            )
            .all(&txn)
            .await?;
        for inst in supervised {
            recusal::ActiveModel {
                round_id: Set(round.id),
                member_id: Set(member.id),
                institution_id: Set(inst.id),
                reason: Set(format!("works for {}, the supervising department of {}", department.name, inst.name)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        actor,
        Change::created("evaluation.member.assign", "committee_member", member.id, round.jurisdiction_id, &member),
    )
    .await?;
    crate::write::commit(txn).await?;
    Ok(member)
}

/// Moves a round from one status to the next, or fails naming the status it is in.
pub(super) async fn advance<C: ConnectionTrait>(
    db: &C,
    round: &evaluation_round::Model,
    from: RoundStatus,
    to: RoundStatus,
) -> ApiResult<()> {
    let now = chrono::Utc::now();
    let stamp = match to {
        RoundStatus::Scoring => evaluation_round::Column::OpenedAt,
        RoundStatus::Closed => evaluation_round::Column::ClosedAt,
        _ => evaluation_round::Column::PublishedAt,
    };
    let result = evaluation_round::Entity::update_many()
        .col_expr(evaluation_round::Column::Status, Expr::value(to.word()))
        .col_expr(stamp, Expr::value(now))
        .filter(evaluation_round::Column::Id.eq(round.id))
        .filter(evaluation_round::Column::Status.eq(from))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::conflict(format!("the round is {}, not {}", round.status.word(), from.word())))
    }
}

/// The institutions of a round: (id, sector, the reason it is excluded from the results).
pub async fn round_entries<C: ConnectionTrait>(db: &C, round_id: i32) -> ApiResult<Vec<(i32, Sector, Option<String>)>> {
    let links =
        round_institution::Entity::find().filter(round_institution::Column::RoundId.eq(round_id)).all(db).await?;
    let sectors: HashMap<i32, Sector> = institution::Entity::find()
        .select_only()
        .column(institution::Column::Id)
        .column(institution::Column::Sector)
        .filter(institution::Column::Id.is_in(links.iter().map(|l| l.institution_id)))
        .into_tuple::<(i32, Sector)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| Some((l.institution_id, *sectors.get(&l.institution_id)?, l.excluded_reason)))
        .collect())
}

pub async fn open(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
) -> ApiResult<evaluation_round::Model> {
    let txn = begin_write(db).await?;
    let round = own_round(&txn, scope, id).await?;
    let indicators = indicator::Entity::find().filter(indicator::Column::SetId.eq(round.set_id)).all(&txn).await?;
    let mut sectors: Vec<Sector> =
        round_entries(&txn, round.id).await?.into_iter().filter(|e| e.2.is_none()).map(|e| e.1).collect();
    sectors.sort_by_key(|s| s.word());
    sectors.dedup();
    let errors = weight_errors(&indicators, &sectors);
    if !errors.is_empty() {
        let detail: Vec<String> = errors.iter().map(|(s, sum)| format!("{} sums to {sum}", s.word())).collect();
        return Err(ApiError::bad_input(format!(
            "the applicable weights must sum to 100 for every institution; {}",
            detail.join("; ")
        )));
    }
    let members =
        committee_member::Entity::find().filter(committee_member::Column::RoundId.eq(round.id)).count(&txn).await?;
    if members == 0 {
        return Err(ApiError::bad_input("assign committee members before opening the round"));
    }
    advance(&txn, &round, RoundStatus::Draft, RoundStatus::Scoring).await?;
    audit::record(&txn, actor, round_moved("evaluation.round.open", &round)).await?;
    crate::write::commit(txn).await?;
    Ok(evaluation_round::Entity::find_by_id(id).one(db).await?.unwrap_or(round))
}

/// Computes the round's results in one pass and stores them (replacing earlier ones).
pub async fn store_results<C: ConnectionTrait>(db: &C, round: &evaluation_round::Model) -> ApiResult<()> {
    let inputs = load_inputs(db, round).await?;
    let results = compute(&inputs.view());
    round_result::Entity::delete_many().filter(round_result::Column::RoundId.eq(round.id)).exec(db).await?;
    // Only what was earned is stored: incomplete or excluded institutions have no result.
    let rows: Vec<round_result::ActiveModel> = results
        .iter()
        .filter_map(|r| {
            Some(round_result::ActiveModel {
                round_id: Set(round.id),
                institution_id: Set(r.institution_id),
                total: Set(r.total?),
                grade: Set(r.grade?),
                sector_rank: Set(r.sector_rank?),
                score_count: Set(r.score_count as i32),
                ..Default::default()
            })
        })
        .collect();
    if !rows.is_empty() {
        round_result::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Everything a round's results are computed from, loaded in eight statements.
pub struct LoadedInputs {
    pub set: indicator_set::Model,
    pub indicators: Vec<indicator::Model>,
    pub weights: Vec<group_weight::Model>,
    pub institutions: Vec<(i32, Sector, Option<String>)>,
    pub members: HashMap<i32, MemberGroup>,
    pub recusals: HashSet<(i32, i32)>,
    pub scores: Vec<(i32, i32, i32, f64)>,
}

impl LoadedInputs {
    pub fn view(&self) -> RoundInputs<'_> {
        RoundInputs {
            set: &self.set,
            indicators: &self.indicators,
            weights: &self.weights,
            institutions: &self.institutions,
            members: &self.members,
            recusals: &self.recusals,
            scores: &self.scores,
        }
    }
}

pub async fn load_inputs<C: ConnectionTrait>(db: &C, round: &evaluation_round::Model) -> ApiResult<LoadedInputs> {
    let set = indicator_set::Entity::find_by_id(round.set_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("round without its set")))?;
    let indicators = indicator::Entity::find().filter(indicator::Column::SetId.eq(round.set_id)).all(db).await?;
    let weights = group_weight::Entity::find().filter(group_weight::Column::SetId.eq(round.set_id)).all(db).await?;
    let institutions = round_entries(db, round.id).await?;
    let members: HashMap<i32, MemberGroup> = committee_member::Entity::find()
        .select_only()
        .column(committee_member::Column::Id)
        .column(committee_member::Column::MemberGroup)
        .filter(committee_member::Column::RoundId.eq(round.id))
        .into_tuple::<(i32, MemberGroup)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let recusals: HashSet<(i32, i32)> = recusal::Entity::find()
        .filter(recusal::Column::RoundId.eq(round.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.member_id, r.institution_id))
        .collect();
    let scores: Vec<(i32, i32, i32, f64)> = score::Entity::find()
        .select_only()
        .column(score::Column::MemberId)
        .column(score::Column::InstitutionId)
        .column(score::Column::IndicatorId)
        .column(score::Column::Value)
        .filter(score::Column::RoundId.eq(round.id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(LoadedInputs { set, indicators, weights, institutions, members, recusals, scores })
}

/// A set's indicators and weights are fixed once a round using it has opened.
pub(super) async fn fixed_unless_draft<C: ConnectionTrait>(db: &C, set_id: i32) -> ApiResult<()> {
    let in_use = evaluation_round::Entity::find()
        .filter(evaluation_round::Column::SetId.eq(set_id))
        .filter(evaluation_round::Column::Status.ne(RoundStatus::Draft))
        .count(db)
        .await?;
    if in_use > 0 {
        return Err(ApiError::conflict("the set is used by a round that has opened; its indicators are fixed"));
    }
    Ok(())
}

/// After a round closes its scores are immutable: a correction is a new entry, by a staffing
/// office, with its reason, audited; the stored results are recomputed with it.
pub async fn correct(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: CorrectionInput,
) -> ApiResult<score::Model> {
    let (round_id, member_id, institution_id) =
        (parse_id(&input.round_id)?, parse_id(&input.member_id)?, parse_id(&input.institution_id)?);
    let reason = input.reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::bad_input("a correction needs its reason"));
    }
    let txn = begin_write(db).await?;
    let round = own_round(&txn, scope, round_id).await?;
    if round.status != RoundStatus::Closed {
        return Err(ApiError::conflict(format!(
            "scores are corrected only in a CLOSED round; this one is {}",
            round.status.word()
        )));
    }
    let indicator = indicator::Entity::find()
        .filter(indicator::Column::SetId.eq(round.set_id))
        .filter(indicator::Column::Code.eq(input.indicator_code.trim()))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input(format!("no indicator `{}` in the round's set", input.indicator_code)))?;
    if !(indicator.min_score..=indicator.max_score).contains(&input.value) {
        return Err(ApiError::bad_input(format!(
            "the score must be from {} to {}",
            indicator.min_score, indicator.max_score
        )));
    }
    let before = score::Entity::find()
        .filter(score::Column::RoundId.eq(round.id))
        .filter(score::Column::MemberId.eq(member_id))
        .filter(score::Column::InstitutionId.eq(institution_id))
        .filter(score::Column::IndicatorId.eq(indicator.id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("no such score to correct"))?;
    score_correction::ActiveModel {
        score_id: Set(before.id),
        previous: Set(before.value),
        value: Set(input.value),
        reason: Set(reason.clone()),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut row: score::ActiveModel = before.clone().into();
    row.value = Set(input.value);
    let after = row.update(&txn).await?;
    store_results(&txn, &round).await?;
    let change = Change {
        action: "evaluation.score.correct",
        entity: "score",
        entity_id: Some(after.id),
        jurisdiction_id: Some(round.jurisdiction_id),
        before: snapshot(&before),
        after: Some(serde_json::json!({ "value": after.value, "reason": reason })),
    };
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}
