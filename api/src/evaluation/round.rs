//! The objects of an evaluation round as callers read them: indicator sets and their
//! indicators, the round with its committee, recusals, institutions, scores and results.

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::enums::{Classification, FundingForm, Grade, IndicatorCategory, Level, MemberGroup, RoundStatus, Sector};
use entity::{committee_member, evaluation_round, group_weight, indicator, indicator_set, institution, score};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::Establishment;
use crate::graphql::context::db;
use crate::graphql::context::parse_id;
use crate::graphql::loaders::{Loaders, to_api, to_graphql};
use crate::scope::{Reach, Scope};

use super::{results, round2, scoring, setup};

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
pub(super) enum Access {
    Office,
    Member(i32),
}

pub struct EvaluationRound {
    pub(super) row: evaluation_round::Model,
    pub(super) access: Access,
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
    pub credit_code: Option<String>,
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
    /// Relay's global id (the `Node` interface's id field): unique across types, read back by
    /// `node(id:)`. `id` stays the row id every other argument takes.
    pub async fn node_id(&self) -> ID {
        crate::graphql::context::global_id("EvaluationRound", self.row.id)
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
pub(super) async fn visible_round(db: &DatabaseConnection, scope: &Scope, id: i32) -> ApiResult<EvaluationRound> {
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
