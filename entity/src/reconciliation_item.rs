//! One finding of a reconciliation: which list, the file's line (none for someone the file
//! lacks), the person as the office may show them (national ID masked), the institution holding
//! the slot and the one paying; and whether the office has resolved it, with its note.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reconciliation_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub reconciliation_id: i32,
    /// `IN_ESTABLISHMENT_NOT_PAID`, `PAID_NOT_IN_ESTABLISHMENT`, `PAID_ELSEWHERE`,
    /// `PAID_PAST_RETIREMENT` or `UNREADABLE`.
    pub list: String,
    pub line: Option<i32>,
    pub name: String,
    /// Masked to the last four characters.
    pub national_id: String,
    /// The roster's person, where the roster has them.
    pub staff_id: Option<i32>,
    /// The institution holding the person's slot (or named by the row, when none does).
    pub institution: Option<String>,
    /// The institution the row says pays them, when it is another.
    pub paid_by: Option<String>,
    /// Why a row could not be read.
    pub reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub resolved_note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
