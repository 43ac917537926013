//! A person on the real-name list (实名制). The national ID number is stored encrypted, with a
//! keyed hash for look-ups; `slot_key` repeats that hash while the person holds a slot, and
//! its unique index makes "one person, at most one slot" hold across every tenant.

use crate::enums::{StaffBasis, StaffCategory, StaffStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    #[serde(skip)]
    pub national_id_cipher: String,
    #[serde(skip)]
    pub national_id_hash: String,
    #[sea_orm(unique)]
    #[serde(skip)]
    pub slot_key: Option<String>,
    /// Kept apart from the encrypted number for age statistics.
    pub birth_year: i32,
    pub category: StaffCategory,
    pub basis: StaffBasis,
    pub status: StaffStatus,
    pub hire_date: Date,
    pub title_level: Option<String>,
    /// Recorded over establishment (超编): inherited, accepted explicitly on import.
    pub over_establishment: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The government body a seconded person (借调) works at.
    pub seconded_to: Option<String>,
    /// The day the secondment began.
    pub seconded_since: Option<Date>,
    /// A temporary (编外) person paid from the budget: a fiscally supported person.
    pub paid_by_budget: bool,
    /// An early retirement's basis (病退, 特殊工种, 因工致残), when it retired before the
    /// earliest lawful age.
    pub retirement_basis: Option<crate::enums::RetirementBasis>,
    /// Flexible postponement (弹性延迟退休): agreed to stay in post past the statutory age, until
    /// this day (at most three years past it).
    pub retirement_extended_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
