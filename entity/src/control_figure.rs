//! Control figures handed down (下达编制控制数): the level above grants a jurisdiction its
//! figures for itself and everything below it, and redistributes them up or down by numbered
//! decisions (统筹调剂). Rows are history; the newest per jurisdiction is in force.

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
    /// The account that recorded the decision (absent on rows older than the history).
    pub recorded_by: Option<String>,
    /// Why, as the decision says it (e.g. 统筹调剂 to a development zone).
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
