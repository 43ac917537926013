//! One institution's public record in a release. Withheld counts are stored as NULL, with `people_hidden` set.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "release_institution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub release_id: i32,
    pub institution_id: i32,
    pub name: String,
    pub credit_code: Option<String>,
    pub department: String,
    pub sector: String,
    pub level: String,
    pub classification: String,
    pub funding_form: String,
    pub management_mode: String,
    pub legal_person: bool,
    #[sea_orm(column_type = "Text")]
    pub responsibilities: String,
    #[sea_orm(column_type = "Text")]
    pub internal_bodies: String,
    #[sea_orm(column_type = "Text")]
    pub leadership_posts: String,
    pub approved_fiscal: i32,
    pub approved_self_financed: i32,
    pub vacant: i32,
    /// Slots the institution has deposited in the turnover pool, and borrowed from it.
    pub deposited: i32,
    pub borrowed: i32,
    pub size_band: String,
    pub staff_in_establishment: Option<i32>,
    pub management: Option<i32>,
    pub professional_technical: Option<i32>,
    pub logistics_service: Option<i32>,
    pub temporary: Option<i32>,
    pub grade: Option<String>,
    pub grade_year: Option<i32>,
    /// The record's people figures (staff, its categories, temporary staff, vacancies and the
    /// size band) are withheld; the stored vacancy and size band are then placeholders.
    pub people_hidden: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
