//! An institution evaluated in a round.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "round_institution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub institution_id: i32,
    /// Why the office left the institution out of the round's results (set at closing, or when
    /// the institution was merged, dissolved or converted while the round was open).
    #[sea_orm(column_type = "Text", nullable)]
    pub excluded_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
