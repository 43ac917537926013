//! A public hospital's beds, outpatient volume and grade.

use crate::enums::{HospitalGrade, HospitalKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "hospital_profile")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub institution_id: i32,
    pub beds: i32,
    pub annual_outpatient_visits: i32,
    pub grade: HospitalGrade,
    pub kind: HospitalKind,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
