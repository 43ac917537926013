//! The control ceiling ("two only-reduce", 两个只减不增): set once from a base year, only lowered.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "establishment_ceiling")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub jurisdiction_id: i32,
    pub base_year: i32,
    pub base_total: i32,
    pub base_fiscal: i32,
    pub total_ceiling: i32,
    pub fiscal_ceiling: i32,
    pub document_no: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
