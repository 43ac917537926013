//! An institution's annual report (事业单位法人年度报告) for a finished year: what it did, its
//! people in establishment at the year's end, its net assets, awards and penalties, lawsuits and
//! donations. The headcount it reports must be the real-name roster's at 31 December (三个一致):
//! a report that disagrees is refused. The office records it, from its own desk or by approving
//! the institution's submission; one report per institution and year.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{Datelike, NaiveDate, Utc};
use entity::annual_report;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set, SqlErr};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, parse_id, scope};
use crate::scope::Scope;

/// Longest text of a report's part.
const MAX_TEXT: usize = 2_000;

/// An annual report as the institution fills it in.
#[derive(InputObject, Clone)]
pub struct AnnualReportInput {
    pub institution_id: ID,
    /// The year reported: a finished one.
    pub year: i32,
    /// 开展业务活动情况.
    pub activities: String,
    /// 年末在编人数: the people in establishment at 31 December, as the roster has them.
    pub in_establishment: i32,
    /// 年初净资产 and 年末净资产, in yuan (up to two decimals).
    pub net_assets_start: Option<String>,
    pub net_assets_end: Option<String>,
    /// 受奖惩情况.
    pub awards: Option<String>,
    /// 涉及诉讼情况.
    pub litigation: Option<String>,
    /// 接受捐赠资助及使用情况.
    pub donations: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// What a report says, as it is kept.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReportContent {
    pub activities: String,
    pub in_establishment: i32,
    pub net_assets_start: Option<String>,
    pub net_assets_end: Option<String>,
    pub awards: Option<String>,
    pub litigation: Option<String>,
    pub donations: Option<String>,
}

/// A recorded annual report.
#[derive(SimpleObject)]
pub struct AnnualReport {
    pub id: ID,
    pub institution_id: ID,
    pub year: i32,
    pub content: ReportContent,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<Utc>,
    /// The institution's submission it was approved from.
    pub submission_id: Option<ID>,
}

impl From<annual_report::Model> for AnnualReport {
    fn from(row: annual_report::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            institution_id: ID(row.institution_id.to_string()),
            year: row.year,
            content: serde_json::from_str(&row.content).unwrap_or_default(),
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
            submission_id: row.submission_id.map(|id| ID(id.to_string())),
        }
    }
}

fn text(field: &str, raw: Option<&str>, required: bool) -> ApiResult<Option<String>> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None if required => Err(ApiError::bad_input(format!("`{field}` is required"))),
        Some(v) if v.chars().count() > MAX_TEXT => {
            Err(ApiError::bad_input(format!("`{field}` may be at most {MAX_TEXT} characters")))
        }
        v => Ok(v.map(str::to_string)),
    }
}

/// An amount of yuan: digits, an optional sign, at most two decimals.
fn amount(field: &str, raw: Option<&str>) -> ApiResult<Option<String>> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, ""));
    let fine = !whole.is_empty()
        && whole.len() <= 15
        && cents.len() <= 2
        && whole.bytes().all(|b| b.is_ascii_digit())
        && cents.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && cents.is_empty());
    if !fine {
        return Err(ApiError::bad_input(format!("`{field}`: an amount in yuan, such as 1250000.00")));
    }
    Ok(Some(value.to_string()))
}

impl AnnualReportInput {
    fn content(&self) -> ApiResult<ReportContent> {
        if self.in_establishment < 0 {
            return Err(ApiError::bad_input("`inEstablishment` may not be negative"));
        }
        Ok(ReportContent {
            activities: text("activities", Some(&self.activities), true)?.unwrap_or_default(),
            in_establishment: self.in_establishment,
            net_assets_start: amount("netAssetsStart", self.net_assets_start.as_deref())?,
            net_assets_end: amount("netAssetsEnd", self.net_assets_end.as_deref())?,
            awards: text("awards", self.awards.as_deref(), false)?,
            litigation: text("litigation", self.litigation.as_deref(), false)?,
            donations: text("donations", self.donations.as_deref(), false)?,
        })
    }
}

/// Records an institution's annual report; `submission`: the submission approved into it.
#[tracing::instrument(skip_all)]
pub async fn record<C: crate::db::Writes>(
    db: &C,
    scope: &Scope,
    actor: &Actor,
    input: AnnualReportInput,
    submission: Option<i32>,
) -> ApiResult<annual_report::Model> {
    let id = parse_id(&input.institution_id)?;
    let content = input.content()?;
    let this_year = Utc::now().year();
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, id).await?;
    if input.year >= this_year || input.year < institution.established_on.year() {
        return Err(ApiError::bad_input(format!(
            "`year`: a finished year since the institution was established ({} to {})",
            institution.established_on.year(),
            this_year - 1
        )));
    }
    let year_end = NaiveDate::from_ymd_opt(input.year, 12, 31).unwrap_or_default();
    let (stood, _) =
        crate::overview::asof::rebuild(&txn, &[institution.jurisdiction_id], Some(institution.id), year_end).await?;
    let roster = stood.first().map_or(0, |s| s.staff.in_establishment);
    if roster != content.in_establishment {
        return Err(ApiError::conflict(format!(
            "the report's people in establishment ({}) differ from the roster's at 31 December {} ({roster})",
            content.in_establishment, input.year
        )));
    }
    let row = annual_report::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        year: Set(input.year),
        content: Set(serde_json::to_string(&content).map_err(|e| ApiError::internal(anyhow::Error::from(e)))?),
        submission_id: Set(submission),
        recorded_by: Set(actor.subject.clone()),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::conflict(format!("the annual report of {} is already recorded", input.year))
        }
        _ => e.into(),
    })?;
    let change = Change::created("institution.annual_report", "annual_report", row.id, row.jurisdiction_id, &row);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(row)
}

#[derive(Default)]
pub struct AnnualReportQuery;

#[Object]
impl AnnualReportQuery {
    /// An institution's recorded annual reports, newest year first (not public).
    async fn annual_reports(&self, ctx: &Context<'_>, institution_id: ID) -> Result<Vec<AnnualReport>> {
        let id = parse_id(&institution_id)?;
        let rows = scope(ctx)
            .annual_reports()?
            .filter(annual_report::Column::InstitutionId.eq(id))
            .order_by_desc(annual_report::Column::Year)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(AnnualReport::from).collect())
    }
}

#[derive(Default)]
pub struct AnnualReportMutation;

#[Object]
impl AnnualReportMutation {
    /// Records an institution's annual report for a finished year.
    async fn record_annual_report(&self, ctx: &Context<'_>, input: AnnualReportInput) -> Result<AnnualReport> {
        Ok(record(db(ctx), scope(ctx), &actor(ctx), input, None).await?.into())
    }
}
