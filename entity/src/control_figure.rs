//! Control figures handed down (下达编制控制数): the level above grants a jurisdiction its
//! figures for itself and everything below it. Rows are history; the newest per jurisdiction
//! is in force, and figures only go down ("two only-reduce").

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "control_figure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The jurisdiction the figures are granted to.
    pub jurisdiction_id: i32,
    /// The jurisdiction whose office granted them (the parent).
    pub granted_by: i32,
    /// Total establishment of the jurisdiction and everything below it.
    pub total_establishment: i32,
    /// Fiscally supported people (财政供养人员) of the jurisdiction and everything below it.
    pub fiscal_people: i32,
    pub document_no: String,
    pub effective_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
