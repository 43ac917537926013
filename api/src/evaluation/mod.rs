//! Performance evaluation (绩效评价): indicator systems owned by a jurisdiction and usable
//! below it, rounds scored by committees, results graded and linked to staffing, and
//! published grades for the public.

mod closing;
mod results;
mod round;
mod scoring;
mod setup;
mod weights;

use std::collections::HashMap;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::enums::{Grade, InstitutionStatus, RoundStatus};
use entity::{committee_member, evaluation_round, indicator, indicator_set, institution, jurisdiction, round_result};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

pub use closing::{ExclusionInput, leave_open_rounds};
pub use results::applies;
pub use scoring::SubmitScoresInput;
pub use setup::MAX_INDICATORS;
pub use setup::{CorrectionInput, IndicatorInput, IndicatorSetInput, MemberInput, RoundInput, store_results};
pub use weights::GroupWeightsInput;

use round::{Access, visible_round};
pub use round::{
    CommitteeMember, EvaluationResult, EvaluationRound, GroupScore, GroupWeight, Indicator, IndicatorScore,
    IndicatorSet, MissingScores, MyScore, Recusal, RoundInstitution,
};

use crate::error::{ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::institution::Institution;
use crate::scope::Reach;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// FAIL in the latest round: review the institution's establishment.
    EstablishmentReview,
    /// FAIL in two consecutive rounds: recommended for reduction or merger.
    ReductionOrMerger,
    /// EXCELLENT in the latest round: first in line for turnover-pool loans.
    PoolLoanPriority,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct FlagResult {
    pub round_id: ID,
    pub year: i32,
    pub total: f64,
    pub grade: Grade,
    pub sector_rank: i32,
    /// The members' scores the grade stands on.
    pub score_count: i32,
}

#[derive(SimpleObject)]
pub struct EvaluationFlag {
    pub institution: Institution,
    pub kind: FlagKind,
    /// The results behind the flag, latest first.
    pub results: Vec<FlagResult>,
}

#[derive(SimpleObject)]
pub struct PublishedGrade {
    pub institution_id: ID,
    pub institution_name: String,
    pub credit_code: Option<String>,
    pub round_name: String,
    pub year: i32,
    pub total: f64,
    pub grade: Grade,
    pub sector_rank: i32,
    /// The members' scores the grade stands on.
    pub score_count: i32,
}

/// Results of closed and published rounds, per institution, latest round first.
async fn closed_results(db: &DatabaseConnection, jurisdiction_ids: &[i32]) -> ApiResult<HashMap<i32, Vec<FlagResult>>> {
    let rounds = evaluation_round::Entity::find()
        .filter(evaluation_round::Column::JurisdictionId.is_in(jurisdiction_ids.to_vec()))
        .filter(evaluation_round::Column::Status.is_in([RoundStatus::Closed, RoundStatus::Published]))
        .all(db)
        .await?;
    let years: HashMap<i32, i32> = rounds.iter().map(|r| (r.id, r.year)).collect();
    let rows = round_result::Entity::find()
        .filter(round_result::Column::RoundId.is_in(rounds.iter().map(|r| r.id)))
        .all(db)
        .await?;
    let mut by_institution: HashMap<i32, Vec<FlagResult>> = HashMap::new();
    for r in rows {
        by_institution.entry(r.institution_id).or_default().push(FlagResult {
            round_id: ID(r.round_id.to_string()),
            year: years.get(&r.round_id).copied().unwrap_or_default(),
            total: r.total,
            grade: r.grade,
            sector_rank: r.sector_rank,
            score_count: r.score_count,
        });
    }
    for list in by_institution.values_mut() {
        list.sort_by(|a, b| b.year.cmp(&a.year).then(b.round_id.as_str().cmp(a.round_id.as_str())));
    }
    Ok(by_institution)
}

#[derive(Default)]
pub struct EvaluationQuery;

#[Object]
impl EvaluationQuery {
    /// Indicator sets the caller's jurisdiction may use: its own and those above it.
    async fn indicator_sets(&self, ctx: &Context<'_>) -> Result<Vec<IndicatorSet>> {
        let own = scope(ctx).office()?;
        let codes: Vec<String> = own.path.split('/').filter(|c| !c.is_empty()).map(str::to_string).collect();
        let owners = jurisdiction::Entity::find()
            .select_only()
            .column(jurisdiction::Column::Id)
            .filter(jurisdiction::Column::Code.is_in(codes))
            .into_query();
        let rows = indicator_set::Entity::find()
            .filter(indicator_set::Column::JurisdictionId.in_subquery(owners))
            .order_by_asc(indicator_set::Column::Id)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(IndicatorSet).collect())
    }

    /// Rounds: a staffing office's (and those below it), or an evaluator's own seats.
    async fn evaluation_rounds(&self, ctx: &Context<'_>) -> Result<Vec<EvaluationRound>> {
        let scope = scope(ctx);
        let db = db(ctx);
        match &scope.reach {
            Reach::Office { .. } => {
                let rows = scope.rounds()?.order_by_desc(evaluation_round::Column::Year).all(db).await?;
                Ok(rows.into_iter().map(|row| EvaluationRound { row, access: Access::Office }).collect())
            }
            _ => {
                // One seat per round: the evaluator's seats in one statement.
                let rounds = scoring::my_rounds(db, scope).await?;
                let seats = committee_member::Entity::find()
                    .filter(committee_member::Column::RoundId.is_in(rounds.iter().map(|r| r.id)))
                    .filter(committee_member::Column::Subject.eq(scope.principal.subject.as_str()))
                    .all(db)
                    .await?;
                Ok(rounds
                    .into_iter()
                    .filter_map(|row| {
                        let seat = seats.iter().find(|s| s.round_id == row.id)?;
                        Some(EvaluationRound { row, access: Access::Member(seat.id) })
                    })
                    .collect())
            }
        }
    }

    async fn evaluation_round(&self, ctx: &Context<'_>, id: ID) -> Result<EvaluationRound> {
        visible_round(db(ctx), scope(ctx), parse_id(&id)?).await
    }

    /// What evaluation results mean for staffing: FAIL flags a review, two consecutive
    /// FAILs recommend reduction or merger, EXCELLENT ranks first for pool loans.
    async fn evaluation_flags(&self, ctx: &Context<'_>, jurisdiction: String) -> Result<Vec<EvaluationFlag>> {
        let scope = scope(ctx);
        scope.office()?;
        let db = db(ctx);
        let ids = scope.narrow(db, &jurisdiction, false).await?;
        let results = closed_results(db, &ids).await?;
        let flagged: Vec<(i32, FlagKind, Vec<FlagResult>)> = results
            .into_iter()
            .filter_map(|(institution, list)| {
                let latest = list.first()?.grade;
                let second = list.get(1).map(|r| r.grade);
                let kind = match (latest, second) {
                    (Grade::Fail, Some(Grade::Fail)) => FlagKind::ReductionOrMerger,
                    (Grade::Fail, _) => FlagKind::EstablishmentReview,
                    (Grade::Excellent, _) => FlagKind::PoolLoanPriority,
                    _ => return None,
                };
                let behind = if kind == FlagKind::ReductionOrMerger { list[..2].to_vec() } else { list[..1].to_vec() };
                Some((institution, kind, behind))
            })
            .collect();
        // A merged, dissolved or converted institution is no longer flagged.
        let rows = scope
            .institutions()
            .filter(institution::Column::Id.is_in(flagged.iter().map(|f| f.0)))
            .filter(institution::Column::Status.eq(InstitutionStatus::Active))
            .all(db)
            .await?;
        let mut by_id: HashMap<i32, institution::Model> = rows.into_iter().map(|r| (r.id, r)).collect();
        let mut flags: Vec<EvaluationFlag> = flagged
            .into_iter()
            .filter_map(|(id, kind, results)| {
                by_id.remove(&id).map(|row| EvaluationFlag { institution: Institution(row), kind, results })
            })
            .collect();
        flags.sort_by_key(|f| (f.kind as u8, f.institution.0.id));
        Ok(flags)
    }

    /// Grades of published rounds: public data.
    async fn published_grades(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        year: Option<i32>,
    ) -> Result<Vec<PublishedGrade>> {
        let db = db(ctx);
        let ids = scope(ctx).narrow(db, &jurisdiction, false).await?;
        let mut rounds = evaluation_round::Entity::find()
            .filter(evaluation_round::Column::JurisdictionId.is_in(ids))
            .filter(evaluation_round::Column::Status.eq(RoundStatus::Published));
        if let Some(year) = year {
            rounds = rounds.filter(evaluation_round::Column::Year.eq(year));
        }
        let rounds = rounds.all(db).await?;
        let by_round: HashMap<i32, &evaluation_round::Model> = rounds.iter().map(|r| (r.id, r)).collect();
        let results = round_result::Entity::find()
            .filter(round_result::Column::RoundId.is_in(rounds.iter().map(|r| r.id)))
            .all(db)
            .await?;
        let names: HashMap<i32, (String, Option<String>)> = institution::Entity::find()
            .filter(institution::Column::Id.is_in(results.iter().map(|r| r.institution_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, (i.name, i.credit_code)))
            .collect();
        let mut out: Vec<PublishedGrade> = results
            .into_iter()
            .filter_map(|r| {
                let round = by_round.get(&r.round_id)?;
                let (name, code) = names.get(&r.institution_id)?.clone();
                Some(PublishedGrade {
                    institution_id: ID(r.institution_id.to_string()),
                    institution_name: name,
                    credit_code: code,
                    round_name: round.name.clone(),
                    year: round.year,
                    total: r.total,
                    grade: r.grade,
                    sector_rank: r.sector_rank,
                    score_count: r.score_count,
                })
            })
            .collect();
        out.sort_by(|a, b| b.year.cmp(&a.year).then(b.total.total_cmp(&a.total)));
        Ok(out)
    }
}

#[derive(SimpleObject)]
pub struct SubmittedScores {
    pub saved: i32,
}

#[derive(Default)]
pub struct EvaluationMutation;

#[Object]
impl EvaluationMutation {
    async fn create_indicator_set(&self, ctx: &Context<'_>, input: IndicatorSetInput) -> Result<IndicatorSet> {
        Ok(IndicatorSet(setup::create_set(db(ctx), scope(ctx), &actor(ctx), input).await?))
    }

    async fn add_indicator(&self, ctx: &Context<'_>, input: IndicatorInput) -> Result<Indicator> {
        Ok(Indicator(setup::add_indicator(db(ctx), scope(ctx), &actor(ctx), input).await?))
    }

    /// Weighs the committee's groups (expert, service recipient, public representative, media)
    /// for a category of indicators or one indicator: each group's scores are combined within
    /// the group first, then across groups by these weights (summing to 100).
    async fn set_group_weights(&self, ctx: &Context<'_>, input: GroupWeightsInput) -> Result<IndicatorSet> {
        Ok(IndicatorSet(weights::set_group_weights(db(ctx), scope(ctx), &actor(ctx), input).await?))
    }

    async fn create_evaluation_round(&self, ctx: &Context<'_>, input: RoundInput) -> Result<EvaluationRound> {
        let row = setup::create_round(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(EvaluationRound { row, access: Access::Office })
    }

    /// Seats a member on a round's committee; recusals for their department are recorded.
    async fn assign_committee_member(&self, ctx: &Context<'_>, input: MemberInput) -> Result<CommitteeMember> {
        let m = setup::assign_member(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(CommitteeMember {
            id: ID(m.id.to_string()),
            subject: m.subject,
            name: m.name,
            group: m.member_group,
            department_id: m.department_id.map(|d| ID(d.to_string())),
        })
    }

    /// DRAFT -> SCORING, once every institution's applicable weights sum to 100.
    async fn open_evaluation_round(&self, ctx: &Context<'_>, id: ID) -> Result<EvaluationRound> {
        let row = setup::open(db(ctx), scope(ctx), &actor(ctx), parse_id(&id)?).await?;
        Ok(EvaluationRound { row, access: Access::Office })
    }

    /// SCORING -> CLOSED: scores become immutable and the earned results are stored. Refused
    /// while an institution is not completely scored, unless it is excluded with a reason.
    async fn close_evaluation_round(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] exclusions: Vec<ExclusionInput>,
    ) -> Result<EvaluationRound> {
        let row = closing::close(db(ctx), scope(ctx), &actor(ctx), parse_id(&id)?, exclusions).await?;
        Ok(EvaluationRound { row, access: Access::Office })
    }

    /// CLOSED -> PUBLISHED: the grades become public.
    async fn publish_evaluation_round(&self, ctx: &Context<'_>, id: ID) -> Result<EvaluationRound> {
        let row = closing::publish(db(ctx), scope(ctx), &actor(ctx), parse_id(&id)?).await?;
        Ok(EvaluationRound { row, access: Access::Office })
    }

    /// An audited correction of a closed round's score, by its staffing office.
    async fn correct_score(&self, ctx: &Context<'_>, input: CorrectionInput) -> Result<MyScore> {
        let s = setup::correct(db(ctx), scope(ctx), &actor(ctx), input).await?;
        let code = indicator::Entity::find_by_id(s.indicator_id).one(db(ctx)).await?;
        Ok(MyScore {
            institution_id: ID(s.institution_id.to_string()),
            indicator_code: code.map(|c| c.code).unwrap_or_default(),
            value: s.value,
        })
    }

    /// A committee member submits or amends scores while the round is SCORING.
    async fn submit_scores(&self, ctx: &Context<'_>, input: SubmitScoresInput) -> Result<SubmittedScores> {
        let saved = scoring::submit(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(SubmittedScores { saved: saved.len() as i32 })
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One round, when the caller may see it (its office, or a member of its committee); none when
/// it may not.
pub(crate) async fn visible(ctx: &Context<'_>, id: i32) -> Result<Option<EvaluationRound>> {
    match visible_round(db(ctx), scope(ctx), id).await {
        Ok(round) => Ok(Some(round)),
        Err(crate::error::ApiError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}
