//! A public institution (事业单位) with its "three determinations" (三定).

use crate::enums::{Classification, FundingForm, InstitutionStatus, Level, ManagementMode, Sector};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "institution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub department_id: i32,
    /// The unified social credit code (统一社会信用代码); none for a unit that is not a legal
    /// person and was never given one.
    #[sea_orm(unique)]
    pub credit_code: Option<String>,
    pub name: String,
    pub sector: Sector,
    pub level: Level,
    pub funding_form: FundingForm,
    pub management_mode: ManagementMode,
    pub classification: Classification,
    pub legal_person: bool,
    pub established_on: Date,
    pub status: InstitutionStatus,
    pub merged_into_id: Option<i32>,
    /// 三定: responsibilities and tasks.
    #[sea_orm(column_type = "Text")]
    pub responsibilities: String,
    /// 三定: internal bodies, a JSON array of names.
    #[sea_orm(column_type = "Text")]
    pub internal_bodies: String,
    /// 三定: leadership posts, a JSON array of `{title, count}`.
    #[sea_orm(column_type = "Text")]
    pub leadership_posts: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Inherited: the day the vacancies standing when the unit was imported had been vacant
    /// since, as the old system records it (空编起始日期).
    pub vacant_since: Option<Date>,
    /// 住所: the registered address.
    pub address: Option<String>,
    /// 法定代表人.
    pub legal_representative: Option<String>,
    /// 单位负责人: the head.
    pub head: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
