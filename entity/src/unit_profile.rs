//! What a school, kindergarten or township health centre serves, which its staffing norm is
//! applied to: pupils by stage, classes and boarders; children; population served.

use crate::enums::NormKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "unit_profile")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub institution_id: i32,
    pub kind: NormKind,
    pub pupils_primary: i32,
    pub pupils_junior: i32,
    pub pupils_senior: i32,
    /// Classes (a village school's or a kindergarten's).
    pub classes: i32,
    /// Pupils or children who board.
    pub boarders: i32,
    /// A village school or teaching point (村小、教学点).
    pub village: bool,
    pub children: i32,
    /// A half-day kindergarten (半日制).
    pub half_day: bool,
    pub population_served: i32,
    /// Sparsely populated with poor transport (地广人稀、交通不便).
    pub sparse: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
