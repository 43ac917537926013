//! A disclosure release: a consistent snapshot of a jurisdiction's public records.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "disclosure_release")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub released_at: DateTimeUtc,
    pub released_by: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub suppression_threshold: i32,
    pub institution_count: i32,
    #[sea_orm(column_type = "Text")]
    pub overview: String,
    /// The audit chain's head when the release was published: a later rewrite of history is
    /// visible against what was made public.
    pub audit_seq: Option<i64>,
    pub audit_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
