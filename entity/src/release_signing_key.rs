//! Every key that has signed releases, public half only, with when it was in use: a key
//! replaced stays published, so releases it signed can still be checked.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release_signing_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub fingerprint: String,
    /// SubjectPublicKeyInfo PEM.
    #[sea_orm(column_type = "Text")]
    pub public_key_pem: String,
    pub valid_from: DateTimeUtc,
    /// When another key took over; none for the key in use.
    pub valid_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
