//! A hospital's total-staff filing (人员总量备案): proposed from the norm, approved by the office.

use crate::enums::FilingStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "hospital_filing")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub proposed_total: i32,
    pub approved_total: Option<i32>,
    pub status: FilingStatus,
    pub document_no: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub basis: String,
    pub created_at: DateTimeUtc,
    pub approved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
