//! A payroll reconciliation (三个一致) an office ran: its roster against the finance bureau's
//! payroll or the HR bureau's list, by ID number. Who ran it, when, over which file (its
//! SHA-256), and how many of each finding; the findings are its items.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reconciliation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The office that ran it (its own jurisdiction).
    pub jurisdiction_id: i32,
    /// The jurisdiction whose roster it checked, and whether those below it were included.
    pub checked_jurisdiction_id: i32,
    pub include_descendants: bool,
    pub run_by: String,
    pub run_at: DateTimeUtc,
    pub file_sha256: String,
    /// Data rows in the file, and the distinct people it pays.
    pub file_rows: i32,
    pub payroll_people: i32,
    /// People the roster says the budget pays: fiscal people in establishment (in post or
    /// seconded) and budget-paid temporary staff.
    pub fiscal_supported: i32,
    pub in_establishment_not_paid: i32,
    pub paid_not_in_establishment: i32,
    pub paid_elsewhere: i32,
    pub paid_past_retirement: i32,
    /// Rows that could not be read (a bad ID number, the same person twice).
    pub unreadable: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
