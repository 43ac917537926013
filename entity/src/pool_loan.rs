//! Slots lent from the pool to an institution for a term.

use crate::enums::LoanStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pool_loan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub slots: i32,
    pub outstanding: i32,
    pub lent_on: Date,
    pub due_on: Date,
    #[sea_orm(column_type = "Text")]
    pub purpose: String,
    pub document_no: String,
    pub status: LoanStatus,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
