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
    /// 学历: a code of GB/T 4658-2006.
    pub education: Option<String>,
    /// 学位: a code of GB/T 6864-2003.
    pub degree: Option<String>,
    /// 民族: a code of GB 3304-1991.
    pub ethnicity: Option<String>,
    /// 政治面貌: a code of GB/T 4762-1984, where the office keeps it.
    pub political_status: Option<String>,
    /// 岗位等级: a grade of the post-setting rules (国人部发〔2006〕70号), of the person's category.
    pub post_grade: Option<String>,
    /// 职务: the duty held (院长, 校长, 科长...).
    pub duty: Option<String>,
    /// 参加工作时间.
    pub work_started_on: Option<Date>,
    /// 入编时间: the day the person entered the establishment.
    pub entered_establishment_on: Option<Date>,
    /// Why a person left (调出, 辞职, 辞退/解聘, 考录公务员, 退休, 死亡, 开除, 其他).
    pub departure_reason: Option<crate::enums::DepartureReason>,
    /// The last day of a secondment's approved term.
    pub seconded_until: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
