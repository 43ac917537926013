//! The overview (CONTRACT.md): the report's section 1 figures for a jurisdiction, computed by
//! GROUP BY in the database — three statements whatever the jurisdiction's size.

use std::collections::BTreeMap;

use async_graphql::{Context, Enum, Object, SimpleObject};
use entity::enums::{
    Classification, FundingForm, Level, ManagementMode, Sector, StaffBasis, StaffCategory, StaffStatus,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, Statement};

use crate::error::{ApiResult, Result};
use crate::graphql::context::{db, scope};
use crate::scope::Scope;
use crate::staff::StaffCounts;

/// Active staff in establishment per institution, banded as the report bands them.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SizeBand {
    #[graphql(name = "OVER_100")]
    Over100,
    #[graphql(name = "FROM_50_TO_100")]
    From50To100,
    #[graphql(name = "FROM_20_TO_50")]
    From20To50,
    #[graphql(name = "FROM_10_TO_20")]
    From10To20,
    #[graphql(name = "FROM_5_TO_10")]
    From5To10,
    #[graphql(name = "UNDER_5")]
    Under5,
}

impl SizeBand {
    pub const ALL: [SizeBand; 6] =
        [Self::Over100, Self::From50To100, Self::From20To50, Self::From10To20, Self::From5To10, Self::Under5];

    pub fn of(staff: i64) -> Self {
        match staff {
            n if n > 100 => Self::Over100,
            n if n >= 50 => Self::From50To100,
            n if n >= 20 => Self::From20To50,
            n if n >= 10 => Self::From10To20,
            n if n >= 5 => Self::From5To10,
            _ => Self::Under5,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Self::Over100 => "OVER_100",
            Self::From50To100 => "FROM_50_TO_100",
            Self::From20To50 => "FROM_20_TO_50",
            Self::From10To20 => "FROM_10_TO_20",
            Self::From5To10 => "FROM_5_TO_10",
            Self::Under5 => "UNDER_5",
        }
    }
}

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The enumeration word.
    pub key: String,
    pub count: i64,
}

#[derive(SimpleObject, Debug, Clone, Default)]
pub struct EstablishmentTotals {
    pub approved: i64,
    pub fiscal: i64,
    pub self_financed: i64,
    pub frozen: i64,
    pub occupied: i64,
    pub vacant: i64,
    /// People over establishment (超编), summed over institutions and funding kinds.
    pub over_establishment: i64,
    /// Slots held in the jurisdictions' reserve (reclaimed, not yet allocated).
    pub reserve: i64,
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
    pub reforms_since_base: Option<crate::reform::ReformResults>,
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
    ) -> crate::error::Result<crate::vacancy_use::VacancyUseFigures> {
        let scope = crate::graphql::context::scope(ctx);
        scope.vacancy_use_plans()?;
        let db = crate::graphql::context::db(ctx);
        let ids = scope.narrow(db, &self.jurisdiction, self.include_descendants).await?;
        crate::vacancy_use::figures(db, &ids).await
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

#[derive(FromQueryResult)]
struct ProfileRow {
    level: String,
    funding_form: String,
    management_mode: String,
    sector: String,
    classification: String,
    staff: i64,
    n: i64,
}

#[derive(FromQueryResult)]
struct BalanceRow {
    funding: String,
    sector: String,
    approved: i64,
    frozen: i64,
    occupied: i64,
    vacant: i64,
    over: i64,
}

#[derive(FromQueryResult)]
struct StaffRow {
    basis: String,
    status: String,
    category: String,
    n: i64,
}

/// Ids come from our own tables (never from input), so they are inlined as integers.
fn id_list(ids: &[i32]) -> String {
    if ids.is_empty() {
        return "NULL".to_string();
    }
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn counts<T: Copy>(
    all: &[T],
    word: fn(T) -> &'static str,
    tally: &BTreeMap<&'static str, i64>,
) -> Vec<Count> {
    all.iter().map(|v| Count { key: word(*v).to_string(), count: tally.get(word(*v)).copied().unwrap_or(0) }).collect()
}

#[tracing::instrument(skip_all, fields(code, include_descendants))]
pub async fn compute(
    db: &DatabaseConnection,
    scope: &Scope,
    code: &str,
    include_descendants: bool,
) -> ApiResult<Overview> {
    let jurisdiction_ids = scope.narrow(db, code, include_descendants).await?;
    let ids = id_list(&jurisdiction_ids);
    let backend = db.get_database_backend();
    // One row per institution profile and staff count: grouped again in Rust into the six
    // dimensions (a few hundred rows at most, however many institutions).
    // Staff in establishment per institution is the balance's `occupied` (verifyLedger keeps
    // the two equal), so the size bands need no pass over the staff table.
    let profile_sql = format!(
        "SELECT i.level, i.funding_form, i.management_mode, i.sector, i.classification, \
                COALESCE(b.n, 0) AS staff, COUNT(*) AS n \
         FROM institution i \
         LEFT JOIN (SELECT institution_id, SUM(occupied) AS n FROM establishment_balance \
                    WHERE jurisdiction_id IN ({ids}) GROUP BY institution_id) b ON b.institution_id = i.id \
         WHERE i.jurisdiction_id IN ({ids}) AND i.status = 'ACTIVE' \
         GROUP BY i.level, i.funding_form, i.management_mode, i.sector, i.classification, COALESCE(b.n, 0)"
    );
    let balance_sql = format!(
        "SELECT b.funding, i.sector, SUM(b.approved) AS approved, SUM(b.frozen) AS frozen, SUM(b.occupied) AS occupied, \
                SUM({vacant}) AS vacant, SUM({over}) AS over \
         FROM establishment_balance b JOIN institution i ON i.id = b.institution_id \
         WHERE b.jurisdiction_id IN ({ids}) AND i.status = 'ACTIVE' \
         GROUP BY b.funding, i.sector",
        vacant = crate::establishment::balance::vacant_sql("b"),
        over = crate::establishment::balance::excess_sql("b")
    );
    let staff_sql = format!(
        "SELECT basis, status, category, COUNT(*) AS n FROM staff \
         WHERE jurisdiction_id IN ({ids}) GROUP BY basis, status, category"
    );
    let profiles = ProfileRow::find_by_statement(Statement::from_string(backend, profile_sql)).all(db).await?;
    let balances = BalanceRow::find_by_statement(Statement::from_string(backend, balance_sql)).all(db).await?;
    let staff_rows = StaffRow::find_by_statement(Statement::from_string(backend, staff_sql)).all(db).await?;

    let mut tallies: [BTreeMap<&'static str, i64>; 6] = Default::default();
    let mut institution_count = 0;
    for row in &profiles {
        institution_count += row.n;
        let words = [
            Level::from_word(&row.level).map(Level::word),
            FundingForm::from_word(&row.funding_form).map(FundingForm::word),
            ManagementMode::from_word(&row.management_mode).map(ManagementMode::word),
            Sector::from_word(&row.sector).map(Sector::word),
            Some(SizeBand::of(row.staff).word()),
            Classification::from_word(&row.classification).map(Classification::word),
        ];
        for (tally, word) in tallies.iter_mut().zip(words) {
            if let Some(word) = word {
                *tally.entry(word).or_default() += row.n;
            }
        }
    }
    let mut establishment = EstablishmentTotals::default();
    let mut approved_by_sector: BTreeMap<&'static str, i64> = BTreeMap::new();
    for row in &balances {
        if let Some(sector) = Sector::from_word(&row.sector) {
            *approved_by_sector.entry(sector.word()).or_default() += row.approved;
        }
        establishment.approved += row.approved;
        if row.funding == "FISCAL" {
            establishment.fiscal += row.approved;
        } else {
            establishment.self_financed += row.approved;
        }
        establishment.frozen += row.frozen;
        establishment.occupied += row.occupied;
        establishment.vacant += row.vacant;
        establishment.over_establishment += row.over;
    }
    let reserves = entity::reserve_balance::Entity::find()
        .filter(entity::reserve_balance::Column::JurisdictionId.is_in(jurisdiction_ids.clone()))
        .all(db)
        .await?;
    establishment.reserve = reserves.iter().map(|r| i64::from(r.slots)).sum();
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
            Some(crate::reform::results_since(db, &jurisdiction_ids, since).await?)
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
    let mut staff = StaffCounts::default();
    for row in &staff_rows {
        if let (Some(basis), Some(status), Some(category)) = (
            StaffBasis::from_word(&row.basis),
            StaffStatus::from_word(&row.status),
            StaffCategory::from_word(&row.category),
        ) {
            staff.add(basis, status, category, row.n as i32);
        }
    }
    Ok(Overview {
        jurisdiction: code.to_string(),
        include_descendants,
        institution_count,
        by_level: counts(Level::all(), Level::word, &tallies[0]),
        by_funding_form: counts(FundingForm::all(), FundingForm::word, &tallies[1]),
        by_management_mode: counts(ManagementMode::all(), ManagementMode::word, &tallies[2]),
        by_sector: counts(Sector::all(), Sector::word, &tallies[3]),
        approved_by_sector: counts(Sector::all(), Sector::word, &approved_by_sector),
        by_size_band: counts(&SizeBand::ALL, SizeBand::word, &tallies[4]),
        by_classification: counts(Classification::all(), Classification::word, &tallies[5]),
        establishment,
        staff,
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
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Overview> {
        let scope = scope(ctx);
        // Jurisdiction-wide figures are for staffing offices; departments see their own units.
        scope.office()?;
        match as_of {
            Some(on) => {
                crate::asof::check_day(on)?;
                let ids = scope.narrow(db(ctx), &jurisdiction, include_descendants).await?;
                crate::asof::overview(db(ctx), &ids, &jurisdiction, include_descendants, on).await
            }
            None => compute(db(ctx), scope, &jurisdiction, include_descendants).await,
        }
    }
}
