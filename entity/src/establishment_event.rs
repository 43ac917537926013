//! The establishment ledger: one row per event and funding kind it touches.

use crate::enums::{EventKind, Funding};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "establishment_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    /// `None` for the jurisdiction's reserve.
    pub institution_id: Option<i32>,
    pub kind: EventKind,
    pub funding: Funding,
    pub approved_delta: i32,
    pub frozen_delta: i32,
    /// 文号
    pub document_no: String,
    pub effective_on: Date,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
    /// Rows written by one operation share it (a transfer's two rows, a reform's rows).
    pub operation: Option<String>,
    pub reform_id: Option<i32>,
    pub deposited_delta: i32,
    pub borrowed_delta: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
