//! The overview (CONTRACT.md): the report's section 1 figures for a jurisdiction, summed from
//! the maintained per-jurisdiction totals (crate::totals) — one row per jurisdiction read,
//! whatever the jurisdictions' sizes.

pub mod asof;

use std::collections::BTreeMap;

use async_graphql::{Context, Object, SimpleObject};
use entity::enums::{Classification, FundingForm, Level, ManagementMode, Sector};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::{ApiResult, Result};
use crate::figures::StaffCounts;
pub use crate::figures::{EstablishmentTotals, SizeBand};
use crate::graphql::context::{db, scope};
use crate::graphql::date::Day;
use crate::scope::Scope;

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The enumeration word.
    pub key: String,
    pub count: i64,
}

/// The control ceiling's base year against today ("two only-reduce", 两个只减不增).
#[derive(SimpleObject, Debug, Clone)]
pub struct Baseline {
    pub base_year: i32,
    pub base_total: i32,
    pub base_fiscal: i32,
    pub total_ceiling: i32,
    pub fiscal_ceiling: i32,
    /// Approved establishment of active institutions now.
    pub approved_now: i64,
    /// `approvedNow - baseTotal`.
    pub change_since_base: i64,
}

#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Overview {
    pub jurisdiction: String,
    pub include_descendants: bool,
    pub institution_count: i64,
    pub by_level: Vec<Count>,
    pub by_funding_form: Vec<Count>,
    pub by_management_mode: Vec<Count>,
    pub by_sector: Vec<Count>,
    /// Approved establishment (fiscal and self-financed) by sector: each sector's share.
    pub approved_by_sector: Vec<Count>,
    pub by_size_band: Vec<Count>,
    pub by_classification: Vec<Count>,
    pub establishment: EstablishmentTotals,
    pub staff: StaffCounts,
    /// The jurisdiction's control ceiling and base year, when set.
    pub baseline: Option<Baseline>,
    /// Reform results (撤并转) since the base year, when a ceiling is set.
    pub reforms_since_base: Option<crate::reform::results::ReformResults>,
    /// The jurisdiction's turnover pool, when it has one: "second allocation, first use".
    pub pool: Option<PoolFigures>,
}

#[async_graphql::ComplexObject]
impl Overview {
    /// Vacancy use (用编审批) over the overview's jurisdictions: requests waiting, plans open
    /// and the hires they still allow, hires drawn. Not public.
    async fn vacancy_use(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::Result<crate::vacancy_use::figures::VacancyUseFigures> {
        let scope = crate::graphql::context::scope(ctx);
        scope.vacancy_use_plans()?;
        let db = crate::graphql::context::db(ctx);
        let ids = scope.narrow(db, &self.jurisdiction, self.include_descendants).await?;
        crate::vacancy_use::figures::figures(db, &ids).await
    }

    /// The jurisdiction's control figures (下达编制控制数): the figure granted to it, what it
    /// holds against it, the room left, and the figures it handed to each jurisdiction below.
    async fn control(&self, ctx: &async_graphql::Context<'_>) -> crate::error::Result<crate::establishment::Control> {
        let db = crate::graphql::context::db(ctx);
        let here = crate::graphql::context::scope(ctx)
            .jurisdictions()
            .filter(entity::jurisdiction::Column::Code.eq(self.jurisdiction.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| crate::error::ApiError::not_found("jurisdiction not found"))?;
        crate::establishment::control_of(db, &here).await
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct PoolFigures {
    pub base_fund: i32,
    pub deposited: i32,
    /// Slots lent out now: put to use through the pool.
    pub lent: i32,
    pub available: i32,
}

pub(crate) fn counts<T: Copy, K: Ord + std::borrow::Borrow<str>>(
    all: &[T],
    word: fn(T) -> &'static str,
    tally: &BTreeMap<K, i64>,
) -> Vec<Count> {
    all.iter().map(|v| Count { key: word(*v).to_string(), count: tally.get(word(*v)).copied().unwrap_or(0) }).collect()
}

#[tracing::instrument(skip_all, fields(code, include_descendants))]
pub async fn compute(
    db: &DatabaseConnection,
    scope: &Scope,
    code: &str,
    include_descendants: bool,
    settler: Option<&std::sync::Arc<crate::totals::Settler>>,
) -> ApiResult<Overview> {
    let jurisdiction_ids = scope.narrow(db, code, include_descendants).await?;
    // One maintained row per jurisdiction (crate::totals), summed.
    let totals = crate::totals::sum(db, &jurisdiction_ids, settler).await?;
    let establishment = totals.establishment.clone();
    let ceiling = crate::establishment::current_ceiling(db, jurisdiction_ids[0]).await?;
    let baseline = ceiling.as_ref().map(|c| Baseline {
        base_year: c.base_year,
        base_total: c.base_total,
        base_fiscal: c.base_fiscal,
        total_ceiling: c.total_ceiling,
        fiscal_ceiling: c.fiscal_ceiling,
        approved_now: establishment.approved,
        change_since_base: establishment.approved - i64::from(c.base_total),
    });
    let reforms_since_base = match &ceiling {
        Some(c) => {
            let since = chrono::NaiveDate::from_ymd_opt(c.base_year, 1, 1).unwrap_or_default();
            Some(crate::reform::results::results_since(db, &jurisdiction_ids, since).await?)
        }
        None => None,
    };
    let pool = entity::turnover_pool::Entity::find()
        .filter(entity::turnover_pool::Column::JurisdictionId.eq(jurisdiction_ids[0]))
        .one(db)
        .await?
        .map(|p| PoolFigures {
            base_fund: p.base_fund,
            deposited: p.deposited,
            lent: p.lent,
            available: (p.base_fund + p.deposited - p.lent).max(0),
        });
    Ok(Overview {
        jurisdiction: code.to_string(),
        include_descendants,
        institution_count: totals.institutions,
        by_level: counts(Level::all(), Level::word, &totals.by_level),
        by_funding_form: counts(FundingForm::all(), FundingForm::word, &totals.by_funding_form),
        by_management_mode: counts(ManagementMode::all(), ManagementMode::word, &totals.by_management_mode),
        by_sector: counts(Sector::all(), Sector::word, &totals.by_sector),
        approved_by_sector: counts(Sector::all(), Sector::word, &totals.approved_by_sector),
        by_size_band: counts(&SizeBand::ALL, SizeBand::word, &totals.by_size_band),
        by_classification: counts(Classification::all(), Classification::word, &totals.by_classification),
        establishment,
        staff: totals.staff,
        baseline,
        reforms_since_base,
        pool,
    })
}

#[derive(Default)]
pub struct OverviewQuery;

#[Object]
impl OverviewQuery {
    /// The report's section 1 figures for a jurisdiction (active institutions only); with
    /// `asOf`, as they stood at the end of that day, rebuilt from the ledger, the staff
    /// movements, the reforms and the decisions (the pool and reform results left out).
    async fn overview(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        #[graphql(default = false)] include_descendants: bool,
        as_of: Option<Day>,
    ) -> Result<Overview> {
        let scope = scope(ctx);
        // Jurisdiction-wide figures are for staffing offices; departments see their own units.
        scope.office()?;
        match as_of.map(chrono::NaiveDate::from) {
            Some(on) => {
                crate::overview::asof::check_day(on)?;
                let ids = scope.narrow(db(ctx), &jurisdiction, include_descendants).await?;
                crate::overview::asof::overview(db(ctx), &ids, &jurisdiction, include_descendants, on).await
            }
            None => {
                let settler = ctx.data_opt::<std::sync::Arc<crate::totals::Settler>>();
                compute(db(ctx), scope, &jurisdiction, include_descendants, settler).await
            }
        }
    }
}
