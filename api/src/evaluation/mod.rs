//! Performance evaluation (绩效评价): indicator systems owned by a jurisdiction and usable
//! below it, rounds scored by committees, results graded and linked to staffing, and
//! published grades for the public.

mod closing;
mod results;
mod scoring;
mod setup;
mod weights;

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::enums::{
    Classification, FundingForm, Grade, IndicatorCategory, InstitutionStatus, Level, MemberGroup, RoundStatus, Sector,
};
use entity::{
    committee_member, evaluation_round, group_weight, indicator, indicator_set, institution, jurisdiction,
    round_result, score,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

pub use closing::{ExclusionInput, leave_open_rounds};
pub use results::applies;
pub use scoring::SubmitScoresInput;
pub use setup::MAX_INDICATORS;
pub use setup::{CorrectionInput, IndicatorInput, IndicatorSetInput, MemberInput, RoundInput, store_results};
pub use weights::GroupWeightsInput;

use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::Establishment;
use crate::graphql::context::{actor, db, scope};
use crate::graphql::loaders::{Loaders, to_api, to_graphql};
use crate::institution::{Institution, parse_id};
use crate::scope::{Reach, Scope};

pub struct IndicatorSet(pub indicator_set::Model);

#[Object]
impl IndicatorSet {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn excellent_threshold(&self) -> f64 {
        self.0.excellent_threshold
    }
    async fn good_threshold(&self) -> f64 {
        self.0.good_threshold
    }
    async fn pass_threshold(&self) -> f64 {
        self.0.pass_threshold
    }
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<Indicator>> {
        let rows = indicator::Entity::find()
            .filter(indicator::Column::SetId.eq(self.0.id))
            .order_by_asc(indicator::Column::Id)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(Indicator).collect())
    }
    /// How the committee's groups are weighted: per category, or per indicator (which
    /// overrides its category). Indicators with neither count every member's score alike.
    async fn group_weights(&self, ctx: &Context<'_>) -> Result<Vec<GroupWeight>> {
        let db = db(ctx);
        let weights = group_weight::Entity::find()
            .filter(group_weight::Column::SetId.eq(self.0.id))
            .order_by_asc(group_weight::Column::Id)
            .all(db)
            .await?;
        let codes: HashMap<i32, String> = indicator::Entity::find()
            .filter(indicator::Column::SetId.eq(self.0.id))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        Ok(weights
            .into_iter()
            .map(|w| GroupWeight {
                category: w.category,
                indicator_code: w.indicator_id.and_then(|i| codes.get(&i).cloned()),
                group: w.member_group,
                weight: w.weight,
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct GroupWeight {
    pub category: Option<IndicatorCategory>,
    pub indicator_code: Option<String>,
    pub group: MemberGroup,
    pub weight: f64,
}

pub struct Indicator(pub indicator::Model);

#[Object]
impl Indicator {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn category(&self) -> IndicatorCategory {
        self.0.category
    }
    async fn sectors(&self) -> Vec<Sector> {
        results::sectors_of(&self.0)
    }
    async fn weight(&self) -> f64 {
        self.0.weight
    }
    async fn min_score(&self) -> f64 {
        self.0.min_score
    }
    async fn max_score(&self) -> f64 {
        self.0.max_score
    }
}

/// Who is looking at a round: its staffing office (everything) or one committee member
/// (their assignments and their own scores).
#[derive(Clone, Copy, Debug)]
enum Access {
    Office,
    Member(i32),
}

pub struct EvaluationRound {
    row: evaluation_round::Model,
    access: Access,
}

#[derive(SimpleObject)]
pub struct CommitteeMember {
    pub id: ID,
    pub subject: String,
    pub name: String,
    pub group: MemberGroup,
    pub department_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct Recusal {
    pub member_id: ID,
    pub institution_id: ID,
    pub reason: String,
}

/// What a committee member sees of an institution: public facts and establishment figures,
/// never personal data.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RoundInstitution {
    pub id: ID,
    pub name: String,
    pub credit_code: String,
    pub sector: Sector,
    pub level: Level,
    pub funding_form: FundingForm,
    pub classification: Classification,
    /// The calling member is recused from scoring it.
    pub recused: bool,
}

#[async_graphql::ComplexObject]
impl RoundInstitution {
    async fn establishment(&self, ctx: &Context<'_>) -> Result<Establishment> {
        let id = parse_id(&self.id)?;
        let loaded = ctx.data_unchecked::<Loaders>().balances.load_one(id).await.map_err(to_graphql)?;
        Ok(Establishment::from_balances(&loaded.unwrap_or_default()))
    }
}

#[derive(SimpleObject)]
pub struct GroupScore {
    pub group: MemberGroup,
    pub weight: f64,
    /// The group's own mean (highest and lowest dropped when five or more of it scored).
    pub mean: Option<f64>,
    pub scored_by: i32,
}

#[derive(SimpleObject)]
pub struct IndicatorScore {
    pub code: String,
    /// Mean of the members' scores (highest and lowest dropped when five or more scored); when
    /// the set weighs the groups, the groups' means combined by their weights.
    pub mean: Option<f64>,
    pub scored_by: i32,
    pub groups: Vec<GroupScore>,
    /// Weighted groups nobody of which has scored: the indicator is not complete.
    pub missing_groups: Vec<MemberGroup>,
}

#[derive(SimpleObject)]
pub struct EvaluationResult {
    pub institution_id: ID,
    pub institution_name: String,
    pub sector: Sector,
    /// Weighted total out of 100; none until every applicable indicator is scored, and none for
    /// an excluded institution (a grade is earned, never given for missing scores).
    pub total: Option<f64>,
    pub grade: Option<Grade>,
    pub sector_rank: Option<i32>,
    pub complete: bool,
    /// Why the institution is left out of the round's results.
    pub excluded_reason: Option<String>,
    /// The members' scores the figures stand on.
    pub score_count: i32,
    pub indicators: Vec<IndicatorScore>,
}

#[derive(SimpleObject)]
pub struct MissingScores {
    pub member_id: ID,
    pub member_name: String,
    pub institution_id: ID,
    pub indicator_codes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct MyScore {
    pub institution_id: ID,
    pub indicator_code: String,
    pub value: f64,
}

impl EvaluationRound {
    fn office(&self) -> Result<()> {
        match self.access {
            Access::Office => Ok(()),
            Access::Member(_) => Err(ApiError::forbidden("for the round's staffing office")),
        }
    }
}

#[Object]
impl EvaluationRound {
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    async fn year(&self) -> i32 {
        self.row.year
    }
    async fn name(&self) -> &str {
        &self.row.name
    }
    async fn status(&self) -> RoundStatus {
        self.row.status
    }
    async fn indicator_set(&self, ctx: &Context<'_>) -> Result<IndicatorSet> {
        let set = indicator_set::Entity::find_by_id(self.row.set_id).one(db(ctx)).await?;
        Ok(IndicatorSet(set.ok_or_else(|| ApiError::internal(anyhow::anyhow!("round without set")))?))
    }
    /// The institutions evaluated; a member sees those assigned to them, marked when recused.
    async fn institutions(&self, ctx: &Context<'_>) -> Result<Vec<RoundInstitution>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let rows = loaders.round_institutions.load_one(self.row.id).await.map_err(to_api)?.unwrap_or_default();
        let recused: HashSet<i32> = match self.access {
            Access::Member(member) => {
                let all = loaders.round_recusals.load_one(self.row.id).await.map_err(to_api)?.unwrap_or_default();
                all.into_iter().filter(|r| r.member_id == member).map(|r| r.institution_id).collect()
            }
            Access::Office => HashSet::new(),
        };
        Ok(rows
            .into_iter()
            .map(|i| RoundInstitution {
                id: ID(i.id.to_string()),
                recused: recused.contains(&i.id),
                name: i.name,
                credit_code: i.credit_code,
                sector: i.sector,
                level: i.level,
                funding_form: i.funding_form,
                classification: i.classification,
            })
            .collect())
    }
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<CommitteeMember>> {
        self.office()?;
        let loaded = ctx.data_unchecked::<Loaders>().round_members.load_one(self.row.id).await.map_err(to_api)?;
        Ok(loaded
            .unwrap_or_default()
            .into_iter()
            .map(|m| CommitteeMember {
                id: ID(m.id.to_string()),
                subject: m.subject,
                name: m.name,
                group: m.member_group,
                department_id: m.department_id.map(|d| ID(d.to_string())),
            })
            .collect())
    }
    /// Conflicts of interest recorded for the round (a member working for an institution's
    /// supervising department does not score it).
    async fn recusals(&self, ctx: &Context<'_>) -> Result<Vec<Recusal>> {
        let loaded = ctx.data_unchecked::<Loaders>().round_recusals.load_one(self.row.id).await.map_err(to_api)?;
        Ok(loaded
            .unwrap_or_default()
            .into_iter()
            .filter(|r| match self.access {
                Access::Office => true,
                Access::Member(member) => r.member_id == member,
            })
            .map(|r| Recusal {
                member_id: ID(r.member_id.to_string()),
                institution_id: ID(r.institution_id.to_string()),
                reason: r.reason,
            })
            .collect())
    }
    /// Results, computed in one pass over the round's scores.
    async fn results(&self, ctx: &Context<'_>) -> Result<Vec<EvaluationResult>> {
        self.office()?;
        let db = db(ctx);
        let inputs = setup::load_inputs(db, &self.row).await?;
        let computed = results::compute(&inputs.view());
        let names: HashMap<i32, String> = institution::Entity::find()
            .select_only()
            .column(institution::Column::Id)
            .column(institution::Column::Name)
            .filter(institution::Column::Id.is_in(computed.iter().map(|r| r.institution_id)))
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let codes: HashMap<i32, &str> = inputs.indicators.iter().map(|i| (i.id, i.code.as_str())).collect();
        let mut out: Vec<EvaluationResult> = computed
            .into_iter()
            .map(|r| EvaluationResult {
                institution_id: ID(r.institution_id.to_string()),
                institution_name: names.get(&r.institution_id).cloned().unwrap_or_default(),
                sector: r.sector,
                total: r.total,
                grade: r.grade,
                sector_rank: r.sector_rank,
                complete: r.complete,
                excluded_reason: r.excluded,
                score_count: r.score_count as i32,
                indicators: r
                    .indicators
                    .iter()
                    .map(|m| IndicatorScore {
                        code: codes.get(&m.indicator_id).copied().unwrap_or_default().to_string(),
                        mean: m.mean.map(round2),
                        scored_by: m.scored_by as i32,
                        groups: m
                            .groups
                            .iter()
                            .map(|g| GroupScore {
                                group: g.group,
                                weight: g.weight,
                                mean: g.mean.map(round2),
                                scored_by: g.scored_by as i32,
                            })
                            .collect(),
                        missing_groups: m.missing_groups.clone(),
                    })
                    .collect(),
            })
            .collect();
        // Graded first, best first; then the ungraded by name.
        out.sort_by(|a, b| {
            let (x, y) = (a.total.unwrap_or(f64::NEG_INFINITY), b.total.unwrap_or(f64::NEG_INFINITY));
            y.total_cmp(&x).then_with(|| a.institution_name.cmp(&b.institution_name))
        });
        Ok(out)
    }
    /// Which members have not scored what (recused pairs excluded).
    async fn completeness(&self, ctx: &Context<'_>) -> Result<Vec<MissingScores>> {
        self.office()?;
        let db = db(ctx);
        let inputs = setup::load_inputs(db, &self.row).await?;
        let members =
            committee_member::Entity::find().filter(committee_member::Column::RoundId.eq(self.row.id)).all(db).await?;
        let scored: HashSet<(i32, i32, i32)> = inputs.scores.iter().map(|(m, i, ind, _)| (*m, *i, *ind)).collect();
        let mut missing = Vec::new();
        for member in &members {
            for (institution, sector, excluded) in &inputs.institutions {
                if excluded.is_some() || inputs.recusals.contains(&(member.id, *institution)) {
                    continue;
                }
                let codes: Vec<String> = inputs
                    .indicators
                    .iter()
                    .filter(|i| results::applies(i, *sector) && !scored.contains(&(member.id, *institution, i.id)))
                    .map(|i| i.code.clone())
                    .collect();
                if !codes.is_empty() {
                    missing.push(MissingScores {
                        member_id: ID(member.id.to_string()),
                        member_name: member.name.clone(),
                        institution_id: ID(institution.to_string()),
                        indicator_codes: codes,
                    });
                }
            }
        }
        Ok(missing)
    }
    /// The calling member's own scores.
    async fn my_scores(&self, ctx: &Context<'_>) -> Result<Vec<MyScore>> {
        let Access::Member(member) = self.access else {
            return Err(ApiError::forbidden("for committee members"));
        };
        let db = db(ctx);
        let codes: HashMap<i32, String> = indicator::Entity::find()
            .filter(indicator::Column::SetId.eq(self.row.set_id))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        let rows = score::Entity::find()
            .filter(score::Column::RoundId.eq(self.row.id))
            .filter(score::Column::MemberId.eq(member))
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| MyScore {
                institution_id: ID(s.institution_id.to_string()),
                indicator_code: codes.get(&s.indicator_id).cloned().unwrap_or_default(),
                value: s.value,
            })
            .collect())
    }
}

/// Loads a round for the caller: its staffing office (or one above it) or a member of it.
async fn visible_round(db: &DatabaseConnection, scope: &Scope, id: i32) -> ApiResult<EvaluationRound> {
    match &scope.reach {
        Reach::Office { .. } => {
            let row = scope
                .rounds()?
                .filter(evaluation_round::Column::Id.eq(id))
                .one(db)
                .await?
                .ok_or_else(|| ApiError::not_found(format!("evaluation round {id} not found")))?;
            Ok(EvaluationRound { row, access: Access::Office })
        }
        _ => {
            let (row, member) = scoring::membership(db, scope, id).await?;
            Ok(EvaluationRound { row, access: Access::Member(member.id) })
        }
    }
}

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
    pub credit_code: String,
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
        let names: HashMap<i32, (String, String)> = institution::Entity::find()
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
