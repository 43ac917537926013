//! A vacancy-use plan as a record shows it (用编计划): the request, the decision and what hires
//! have drawn on it. The plans are asked for, decided and drawn on in `crate::vacancy_use`; the
//! object lives with the institution it belongs to, whose record lists them.

use async_graphql::{Context, ID, Object};
use chrono::{NaiveDate, Utc};
use entity::enums::{Funding, Recruitment, VacancyUseStatus};
use entity::vacancy_use_plan;

use super::Institution;
use crate::error::Result;
use crate::graphql::date::Day;
use crate::graphql::loaders::{Loaders, to_graphql};

/// A vacancy-use plan: the request, the decision and what hires have drawn on it.
pub struct VacancyUsePlan {
    pub row: vacancy_use_plan::Model,
}

#[Object]
impl VacancyUsePlan {
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    async fn institution_id(&self) -> ID {
        ID(self.row.institution_id.to_string())
    }
    /// The institution, batched with the rest of the list (a plan in the caller's reach is on
    /// an institution in that reach).
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let loaded = ctx.data_unchecked::<Loaders>().institution.load_one(self.row.institution_id).await;
        Ok(loaded.map_err(to_graphql)?.map(Institution))
    }
    async fn department_id(&self) -> ID {
        ID(self.row.department_id.to_string())
    }
    async fn funding(&self) -> Funding {
        self.row.funding
    }
    async fn requested(&self) -> i32 {
        self.row.requested
    }
    /// The quota approved (less than requested when cut; 0 when refused; null until decided).
    async fn approved(&self) -> Option<i32> {
        self.row.approved
    }
    /// Hires drawn on the plan.
    async fn used(&self) -> i32 {
        self.row.used
    }
    /// Hires the plan still allows: its quota less what was drawn, 0 once expired.
    async fn remaining(&self) -> i32 {
        remaining(&self.row, today())
    }
    /// Whether an approved plan has passed its expiry day.
    async fn expired(&self) -> bool {
        self.row.expires_on.is_some_and(|d| d < today())
    }
    /// The posts to fill, in words.
    async fn posts(&self) -> &str {
        &self.row.posts
    }
    /// The posts, structured, with the hires that filled each (empty for a plan asked for in
    /// words only).
    async fn post_list(&self) -> Vec<crate::vacancy_use::posts::PlanPost> {
        crate::vacancy_use::posts::decode(self.row.post_list.as_deref())
    }
    async fn recruitment(&self) -> Recruitment {
        self.row.recruitment
    }
    async fn reason(&self) -> &str {
        &self.row.reason
    }
    async fn status(&self) -> VacancyUseStatus {
        self.row.status
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.row.decision_reason.as_deref()
    }
    /// The decision's document number (文号).
    async fn document_no(&self) -> Option<&str> {
        self.row.document_no.as_deref()
    }
    async fn expires_on(&self) -> Option<Day> {
        self.row.expires_on.map(Day)
    }
    /// Where its 编制使用核准通知单 downloads, once approved.
    async fn notice(&self) -> Option<String> {
        let approved = matches!(self.row.status, VacancyUseStatus::Approved | VacancyUseStatus::Revoked)
            && self.row.approved.unwrap_or(0) > 0;
        approved.then(|| crate::documents::Kind::VacancyUse.path(self.row.id))
    }
    async fn requested_by(&self) -> &str {
        &self.row.requested_by
    }
    async fn requested_at(&self) -> chrono::DateTime<Utc> {
        self.row.requested_at
    }
    async fn decided_by(&self) -> Option<&str> {
        self.row.decided_by.as_deref()
    }
    async fn decided_at(&self) -> Option<chrono::DateTime<Utc>> {
        self.row.decided_at
    }
    /// The day the plan was approved: hires draw on it from then.
    async fn approved_on(&self) -> Option<Day> {
        (crate::vacancy_use::approved_from(&self.row)).map(Day)
    }
    /// A revocation (收回): its reason, document, who and when.
    async fn revoked_reason(&self) -> Option<&str> {
        self.row.closed_reason.as_deref()
    }
    async fn revoked_document_no(&self) -> Option<&str> {
        self.row.closed_document_no.as_deref()
    }
    async fn revoked_by(&self) -> Option<&str> {
        self.row.closed_by.as_deref()
    }
    async fn revoked_at(&self) -> Option<chrono::DateTime<Utc>> {
        self.row.closed_at
    }
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Hires a plan still allows on a day: its quota less what was drawn, 0 once expired.
pub fn remaining(plan: &vacancy_use_plan::Model, on: NaiveDate) -> i32 {
    let live = plan.status == VacancyUseStatus::Approved && plan.expires_on.is_some_and(|d| d >= on);
    if live { Ord::max(plan.approved.unwrap_or(0) - plan.used, 0) } else { 0 }
}
