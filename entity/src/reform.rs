//! A reform (撤并转) of an institution: dissolved, merged into a target, converted.

use crate::enums::ReformKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reform")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub kind: ReformKind,
    pub institution_id: i32,
    pub target_institution_id: Option<i32>,
    pub document_no: String,
    pub effective_on: Date,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
