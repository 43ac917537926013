//! A reduction plan ("reduce one, verify one", 减一核一) on an institution.

use crate::enums::PlanStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reduction_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub target: i32,
    pub reduced: i32,
    pub status: PlanStatus,
    pub document_no: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
