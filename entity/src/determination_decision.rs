//! A recorded decision changing an institution's "three determinations" (三定) or the facts
//! decided with them: level, funding form, management mode, responsibilities, internal bodies,
//! leadership posts. The row keeps what changed, before and after, with its document.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "determination_decision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    /// 文号
    pub document_no: String,
    pub decided_on: Date,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// The changed fields as they were and as they are (JSON objects).
    #[sea_orm(column_type = "Text")]
    pub before: String,
    #[sea_orm(column_type = "Text")]
    pub after: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
