//! A staffing office's audited correction of a closed round's score.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "score_correction")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub score_id: i32,
    pub previous: f64,
    pub value: f64,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
