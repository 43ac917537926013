//! A vacancy-use plan (用编计划): a department's request to fill vacant slots of an institution
//! it supervises, and the staffing office's decision; hires draw on an approved plan's quota.

use crate::enums::{Funding, Recruitment, VacancyUseStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "vacancy_use_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub department_id: i32,
    pub funding: Funding,
    pub requested: i32,
    /// Slots approved (the quota); `None` until decided, 0 when refused.
    pub approved: Option<i32>,
    /// Hires drawn on the plan.
    pub used: i32,
    #[sea_orm(column_type = "Text")]
    pub posts: String,
    pub recruitment: Recruitment,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub status: VacancyUseStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_reason: Option<String>,
    pub document_no: Option<String>,
    pub expires_on: Option<Date>,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    /// The day the decision approved the plan (its document's date): hires draw on it from
    /// then. Absent on plans older than the column (their decision's day stands for it).
    pub approved_on: Option<Date>,
    /// A revocation (收回): why, under which document, by whom, when.
    #[sea_orm(column_type = "Text", nullable)]
    pub closed_reason: Option<String>,
    pub closed_document_no: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    /// The posts, structured (JSON: category, grade, count, qualifications, used); absent on
    /// plans asked for in words only.
    #[sea_orm(column_type = "Text", nullable)]
    pub post_list: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
