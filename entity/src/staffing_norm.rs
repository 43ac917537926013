//! A published hospital staffing norm, as data: bed band, ratio range, outpatient term.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "staffing_norm")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub beds_from: i32,
    pub beds_to: Option<i32>,
    pub ratio_low: f64,
    pub ratio_high: f64,
    pub outpatient_bed_ratio: f64,
    pub outpatient_step_visits: i32,
    pub outpatient_step_staff: f64,
    pub working_days: i32,
    /// The kind of hospital the row is for (`GENERAL`, `TCM`).
    pub kind: String,
    /// Staff added or removed per step of outpatient visits: the norm's range.
    pub outpatient_staff_low: f64,
    pub outpatient_staff_high: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
