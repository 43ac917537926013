//! One indicator of a set: category, sectors (JSON array of sector words), weight, range.

use crate::enums::IndicatorCategory;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub set_id: i32,
    pub code: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub category: IndicatorCategory,
    #[sea_orm(column_type = "Text")]
    pub sectors: String,
    pub weight: f64,
    pub min_score: f64,
    pub max_score: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
