//! A person in establishment who is off post (在编不在岗) for an approved term: they keep their
//! slot and stay `ACTIVE`, and the office tracks where, since when, until when and under which
//! document. `ended_on` is set when the person is back.

use crate::enums::AbsenceKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "staff_absence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub institution_id: i32,
    pub staff_id: i32,
    pub kind: AbsenceKind,
    pub started_on: Date,
    /// The last day of the approved term.
    pub until: Option<Date>,
    pub ended_on: Option<Date>,
    pub document_no: String,
    /// Where: the village, the body the person is attached to, the school.
    pub place: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
