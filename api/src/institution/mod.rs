//! Institutions (事业单位): what they are, what they are for, and who supervises them.

pub mod annual_report;
pub mod leadership;
mod listing;
pub mod particulars;
pub mod plans;
mod service;

use crate::graphql::context::parse_id;
pub use listing::{InstitutionConnection, InstitutionOrder};
pub use service::{CreateInstitutionInput, NewInstitution, check_credit_code, create_in, insert};

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{Classification, FundingForm, InstitutionStatus, Level, ManagementMode, Sector};
use entity::{classification_decision, institution};
use sea_orm::{ColumnTrait, QueryFilter};

use crate::error::Result;
use crate::establishment::Establishment;
use crate::figures::StaffCounts;
use crate::graphql::context::{InternalGuard, db, scope};
use crate::graphql::date::Day;
use crate::graphql::loaders::{Loaders, required, to_graphql};
use crate::jurisdiction::Jurisdiction;
use crate::jurisdiction::department::Department;

#[derive(Clone)]
pub struct Institution(pub institution::Model);

#[derive(SimpleObject, serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct LeadershipPost {
    pub title: String,
    pub count: i32,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ClassificationDecision {
    pub classification: Classification,
    pub previous: Option<Classification>,
    pub document_no: String,
    pub decided_on: Day,
    pub actor: String,
}

impl From<classification_decision::Model> for ClassificationDecision {
    fn from(row: classification_decision::Model) -> Self {
        Self {
            classification: row.classification,
            previous: row.previous,
            document_no: row.document_no,
            decided_on: Day(row.decided_on),
            actor: row.actor,
        }
    }
}

/// Public fields: identity, classification, where it sits. Everything else is for staffing
/// offices and supervising departments (the public reads disclosure releases).
#[Object]
impl Institution {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Relay's global id (the `Node` interface's id field): unique across types, read back by
    /// `node(id:)`. `id` stays the row id every other argument takes.
    pub async fn node_id(&self) -> ID {
        crate::graphql::context::global_id("Institution", self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unified social credit code (统一社会信用代码); null for a unit that is not a legal
    /// person and was never given one.
    async fn credit_code(&self) -> Option<&str> {
        self.0.credit_code.as_deref()
    }
    async fn classification(&self) -> Classification {
        self.0.classification
    }
    async fn status(&self) -> InstitutionStatus {
        self.0.status
    }
    async fn jurisdiction(&self, ctx: &Context<'_>) -> Result<Jurisdiction> {
        let loaded = ctx.data_unchecked::<Loaders>().jurisdiction(self.0.jurisdiction_id).await;
        Ok(Jurisdiction(required(loaded, "jurisdiction")?))
    }
    async fn department(&self, ctx: &Context<'_>) -> Result<Department> {
        let loaded = ctx.data_unchecked::<Loaders>().department(self.0.department_id).await;
        Ok(Department(required(loaded, "department")?))
    }
    async fn sector(&self) -> Sector {
        self.0.sector
    }
    /// 住所.
    #[graphql(guard = "InternalGuard")]
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// 法定代表人.
    #[graphql(guard = "InternalGuard")]
    async fn legal_representative(&self) -> Option<&str> {
        self.0.legal_representative.as_deref()
    }
    /// 单位负责人.
    #[graphql(guard = "InternalGuard")]
    async fn head(&self) -> Option<&str> {
        self.0.head.as_deref()
    }
    #[graphql(guard = "InternalGuard")]
    async fn level(&self) -> Level {
        self.0.level
    }
    #[graphql(guard = "InternalGuard")]
    async fn funding_form(&self) -> FundingForm {
        self.0.funding_form
    }
    #[graphql(guard = "InternalGuard")]
    async fn management_mode(&self) -> ManagementMode {
        self.0.management_mode
    }
    #[graphql(guard = "InternalGuard")]
    async fn legal_person(&self) -> bool {
        self.0.legal_person
    }
    #[graphql(guard = "InternalGuard")]
    async fn established_on(&self) -> Day {
        Day(self.0.established_on)
    }
    #[graphql(guard = "InternalGuard")]
    async fn merged_into_id(&self) -> Option<ID> {
        self.0.merged_into_id.map(|id| ID(id.to_string()))
    }
    /// 三定: responsibilities and tasks.
    #[graphql(guard = "InternalGuard")]
    async fn responsibilities(&self) -> &str {
        &self.0.responsibilities
    }
    /// 三定: internal bodies.
    #[graphql(guard = "InternalGuard")]
    async fn internal_bodies(&self) -> Vec<String> {
        serde_json::from_str(&self.0.internal_bodies).unwrap_or_default()
    }
    /// 三定: leadership posts.
    #[graphql(guard = "InternalGuard")]
    async fn leadership_posts(&self) -> Vec<LeadershipPost> {
        serde_json::from_str(&self.0.leadership_posts).unwrap_or_default()
    }
    /// Approved, frozen, occupied and vacant slots by funding kind.
    #[graphql(guard = "InternalGuard")]
    async fn establishment(&self, ctx: &Context<'_>) -> Result<Establishment> {
        let loaded = ctx.data_unchecked::<Loaders>().balances.load_one(self.0.id).await;
        Ok(Establishment::from_balances(&loaded.map_err(to_graphql)?.unwrap_or_default()))
    }
    /// Staff on the real-name list, counted.
    #[graphql(guard = "InternalGuard")]
    async fn staff_counts(&self, ctx: &Context<'_>) -> Result<StaffCounts> {
        let loaded = ctx.data_unchecked::<Loaders>().staff_counts.load_one(self.0.id).await;
        Ok(loaded.map_err(to_graphql)?.unwrap_or_default())
    }
    /// The approved leadership posts (领导职数) with the leaders in each, and any surplus
    /// (leaders beyond the approved places, after a merger) until absorbed.
    #[graphql(guard = "InternalGuard")]
    async fn leadership(&self, ctx: &Context<'_>) -> Result<Vec<leadership::PostFilling>> {
        let loaded = ctx.data_unchecked::<Loaders>().leaders.load_one(self.0.id).await;
        Ok(leadership::fillings(&self.0, &loaded.map_err(to_graphql)?.unwrap_or_default()))
    }
    /// Each vacant slot with the day it became vacant (its last holder left, or it was approved
    /// and never filled), oldest first.
    #[graphql(guard = "InternalGuard")]
    async fn vacancies(&self, ctx: &Context<'_>) -> Result<Vec<crate::establishment::Vacancy>> {
        let loaded = ctx.data_unchecked::<Loaders>().vacancies.load_one(self.0.id).await;
        Ok(loaded.map_err(to_graphql)?.unwrap_or_default())
    }
    /// Who reaches the statutory retirement age in each of the next `years` years (this one
    /// first), by category, and who is already past it: the basis of recruitment plans.
    #[graphql(guard = "InternalGuard")]
    async fn retirement_forecast(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] years: i32,
    ) -> Result<crate::staff::retirement::RetirementForecast> {
        if !(1..=20).contains(&years) {
            return Err(crate::error::ApiError::bad_input("`years` must be from 1 to 20"));
        }
        let loaded = ctx.data_unchecked::<Loaders>().working_lives.load_one(self.0.id).await;
        let people = loaded.map_err(to_graphql)?.unwrap_or_default();
        let today = chrono::Utc::now().date_naive();
        Ok(crate::staff::retirement::RetirementForecast::of(&people, today, years as u32))
    }
    /// Vacancy-use plans (用编计划) on this institution, newest first: requests, decisions,
    /// and the hires drawn on each.
    #[graphql(guard = "InternalGuard")]
    async fn vacancy_use_plans(&self, ctx: &Context<'_>) -> Result<Vec<plans::VacancyUsePlan>> {
        let loaded = ctx.data_unchecked::<Loaders>().vacancy_use_plans.load_one(self.0.id).await;
        let rows = loaded.map_err(to_graphql)?.unwrap_or_default();
        Ok(rows.into_iter().map(|row| plans::VacancyUsePlan { row }).collect())
    }
    /// Classification decisions, oldest first.
    #[graphql(guard = "InternalGuard")]
    async fn classification_history(&self, ctx: &Context<'_>) -> Result<Vec<ClassificationDecision>> {
        let loaded = ctx.data_unchecked::<Loaders>().classification_history.load_one(self.0.id).await;
        Ok(loaded.map_err(to_graphql)?.unwrap_or_default().into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct InstitutionQuery;

#[Object]
impl InstitutionQuery {
    /// Institutions in the caller's scope, filtered and sorted, as a Relay connection.
    #[allow(clippy::too_many_arguments)]
    async fn institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Division code; without it, everything in the caller's scope")] jurisdiction: Option<String>,
        #[graphql(default = false)] include_descendants: bool,
        department_id: Option<ID>,
        sector: Option<Sector>,
        level: Option<Level>,
        funding_form: Option<FundingForm>,
        management_mode: Option<ManagementMode>,
        classification: Option<Classification>,
        status: Option<InstitutionStatus>,
        #[graphql(desc = "Part of the name")] search: Option<String>,
        order_by: Option<InstitutionOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<InstitutionConnection> {
        // The public reads disclosure releases, never live tables.
        scope(ctx).require_internal()?;
        let filters = listing::Filters {
            jurisdiction,
            include_descendants,
            department_id,
            sector,
            level,
            funding_form,
            management_mode,
            classification,
            status,
            search,
        };
        let connection =
            listing::list(db(ctx), scope(ctx), filters, order_by.unwrap_or_default(), first, after).await?;
        let rows: Vec<&institution::Model> = connection.edges.iter().map(|e| &e.node.0).collect();
        let node = ctx.look_ahead().field("edges").field("node");
        ctx.data_unchecked::<Loaders>().prefetch_institutions(node, &rows).await.map_err(to_graphql)?;
        Ok(connection)
    }

    /// One institution, when it is in the caller's scope. With `asOf`, as it stood at the end
    /// of that day (null if it did not exist yet): status, level, funding form, management
    /// mode, classification and the three determinations as decided then, `establishment` and
    /// `staffCounts` rebuilt from the ledger and the staff movements.
    async fn institution(&self, ctx: &Context<'_>, id: ID, as_of: Option<Day>) -> Result<Option<Institution>> {
        let row = visible(ctx, parse_id(&id)?).await?.map(|found| found.0);
        let (Some(row), Some(on)) = (row.clone(), as_of) else { return Ok(row.map(Institution)) };
        crate::overview::asof::check_day(NaiveDate::from(on))?;
        let (mut stood, _) =
            crate::overview::asof::rebuild(db(ctx), &[row.jurisdiction_id], Some(row.id), NaiveDate::from(on)).await?;
        let Some(then) = stood.pop() else { return Ok(None) };
        // The record's figures come from the rebuilt state for the rest of this request.
        let loaders = ctx.data_unchecked::<Loaders>();
        loaders.balances.feed_one(row.id, then.balances).await;
        loaders.staff_counts.feed_one(row.id, then.staff).await;
        Ok(Some(Institution(then.row)))
    }
}

/// One institution, when in the caller's scope (never the public's: it reads releases).
pub(crate) async fn visible(ctx: &Context<'_>, id: i32) -> Result<Option<Institution>> {
    scope(ctx).require_internal()?;
    let row = scope(ctx).institutions().filter(institution::Column::Id.eq(id)).one(db(ctx)).await?;
    Ok(row.map(Institution))
}

pub use service::InstitutionMutation;
