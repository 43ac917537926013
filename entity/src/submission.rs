//! A change an institution keys itself (单位填报), reviewed by its supervising department
//! (主管部门审核) and approved by the staffing office (编办核准), which then records the act
//! exactly as if it had keyed it. `payload` is the act's own input, as the office's mutation
//! takes it (JSON).

use crate::enums::{SubmissionKind, SubmissionStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "submission")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    /// The supervising department that reviews it.
    pub department_id: i32,
    pub kind: SubmissionKind,
    /// The person a departure or a change of facts is about.
    pub staff_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// The attachments' references (document numbers), a JSON array.
    #[sea_orm(column_type = "Text")]
    pub attachments: String,
    pub status: SubmissionStatus,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub passed_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    /// Why it was returned, the last time it was.
    #[sea_orm(column_type = "Text", nullable)]
    pub returned_reason: Option<String>,
    /// What the approved act made or changed (the person, the institution, the report).
    pub result_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
