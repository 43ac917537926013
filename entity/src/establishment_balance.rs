//! Current establishment of one institution for one funding kind. Derived from the ledger
//! (`approved`, `frozen`) and from staff (`occupied`); kept in the same transaction as the
//! event or hire that changes it, and guarded by conditional updates.

use crate::enums::Funding;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "establishment_balance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub funding: Funding,
    pub approved: i32,
    pub frozen: i32,
    pub occupied: i32,
    pub updated_at: DateTimeUtc,
    /// Own vacant slots deposited in the turnover pool: still owned, not to be filled.
    pub deposited: i32,
    /// Slots borrowed from the turnover pool: to be filled, owed back.
    pub borrowed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
