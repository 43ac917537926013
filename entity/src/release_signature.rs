//! A published release as signed: the exact bytes of its canonical JSON (`/releases/{id}.json`)
//! and their Ed25519 signature, by the key named by its fingerprint.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release_signature")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub release_id: i32,
    /// The signing key's fingerprint (SHA-256 of its public key's DER, in hex).
    pub key_fingerprint: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub signature: Vec<u8>,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
