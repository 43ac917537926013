//! A person who signs in: a password hashed with argon2id, and what a token of theirs carries.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub username: String,
    pub password_hash: String,
    /// STAFFING_OFFICE, DEPARTMENT, INSTITUTION or EVALUATOR.
    pub role: String,
    pub jurisdiction: Option<String>,
    pub department_id: Option<i32>,
    /// The institution an INSTITUTION account is.
    pub institution_id: Option<i32>,
    /// The token's `sub` (an evaluator's committee seats are found by it).
    pub subject: String,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
