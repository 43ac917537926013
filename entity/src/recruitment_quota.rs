//! An annual recruitment plan (年度进人计划): the staffing office gives each supervising
//! department its quota of slots for the year; each vacancy-use request of the year stays within
//! it. One row per department and year, replaced by a later decision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "recruitment_quota")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub department_id: i32,
    pub year: i32,
    pub slots: i32,
    pub document_no: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
