//! A jurisdiction's turnover pool (编制周转池): its rules and balances.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "turnover_pool")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub cap_share: f64,
    pub default_term_months: i32,
    #[sea_orm(column_type = "Text")]
    pub borrowing_sectors: String,
    pub min_vacant_months: i32,
    pub base_fund: i32,
    pub deposited: i32,
    pub lent: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
