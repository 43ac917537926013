//! Who changed what, when, with the record before and after; a hash chain makes a row changed,
//! removed or inserted behind the API's back visible.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurred_at: DateTimeUtc,
    pub actor: String,
    pub actor_role: String,
    pub jurisdiction_id: Option<i32>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
    pub request_id: Option<String>,
    /// The row's place in the audit chain (1, 2, 3 ...).
    pub seq: Option<i64>,
    /// The hash of the row before it (the genesis hash for the first).
    pub prev_hash: Option<String>,
    /// SHA-256 of `prev_hash` and this row's canonical content.
    pub hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
