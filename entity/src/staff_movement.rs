//! A person's movements on the real-name list: hired, transferred, seconded, retired, left.

use crate::enums::MovementKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "staff_movement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub staff_id: i32,
    pub institution_id: i32,
    pub kind: MovementKind,
    pub occurred_on: Date,
    pub document_no: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub actor: String,
    /// Why: an arrival's recruitment (`OPEN_EXAM`, `TRANSFER_IN`...), a departure's reason
    /// (`RESIGNATION`, `DEATH`...), as the statistics count changes.
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
