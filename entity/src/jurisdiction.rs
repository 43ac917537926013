//! A jurisdiction (tenant): province, city, county or district, by GB/T 2260 code.

use crate::enums::JurisdictionKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "jurisdiction")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: JurisdictionKind,
    pub parent_id: Option<i32>,
    /// Materialised path of codes, `/620000/620700/`, so a subtree is one prefix match.
    pub path: String,
    pub created_at: DateTimeUtc,
    /// How many last characters of a national ID an institution's own account sees of its own
    /// people (0 to 4), as the jurisdiction's office decides.
    pub institution_id_digits: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
