//! A write's first answer, kept under its caller's `Idempotency-Key` for a day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    /// SHA-256 (hex) of the caller and the key they sent.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// SHA-256 (hex) of the request's body: a key reused for another request is refused.
    pub request_hash: String,
    /// The first answer's HTTP status; `None` while the write runs.
    pub status: Option<i32>,
    pub answer: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
