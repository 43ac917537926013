//! A stored result of a closed round: total, grade and rank within the sector, for an
//! institution every applicable indicator was scored for.

use crate::enums::Grade;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "round_result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub institution_id: i32,
    pub total: f64,
    pub grade: Grade,
    pub sector_rank: i32,
    /// The members' scores the total stands on (recused members' excluded).
    pub score_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
