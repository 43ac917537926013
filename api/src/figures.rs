//! The counted figures the overview, the maintained totals, the records and the dry runs share:
//! staff counts (and their query), establishment totals and the size bands. Plain data, below
//! every room that shows them.

use std::collections::HashMap;

use async_graphql::{Enum, SimpleObject};
use entity::enums::{StaffBasis, StaffCategory, StaffStatus};
use entity::staff;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

/// Staff of one institution (or area), counted the way the overview counts them.
#[derive(SimpleObject, Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StaffCounts {
    /// Basis FISCAL or SELF_FINANCED, status ACTIVE or SECONDED_OUT: they occupy a slot.
    pub in_establishment: i32,
    pub fiscal: i32,
    pub self_financed: i32,
    pub management: i32,
    pub professional_technical: i32,
    pub logistics_service: i32,
    /// Basis TEMPORARY (编外), status ACTIVE.
    pub temporary: i32,
    /// In establishment but seconded out (借调).
    pub seconded_out: i32,
    /// Hired in a filed hospital beyond its establishment (备案制), active.
    pub filed: i32,
}

impl StaffCounts {
    /// Adds another institution's counts.
    pub fn merge(&mut self, other: &StaffCounts) {
        self.in_establishment += other.in_establishment;
        self.fiscal += other.fiscal;
        self.self_financed += other.self_financed;
        self.management += other.management;
        self.professional_technical += other.professional_technical;
        self.logistics_service += other.logistics_service;
        self.temporary += other.temporary;
        self.seconded_out += other.seconded_out;
        self.filed += other.filed;
    }

    pub fn add(&mut self, basis: StaffBasis, status: StaffStatus, category: StaffCategory, n: i32) {
        if basis == StaffBasis::Temporary {
            if status == StaffStatus::Active {
                self.temporary += n;
            }
            return;
        }
        if basis == StaffBasis::Filed {
            if status.holds_slot() {
                self.filed += n;
            }
            return;
        }
        if !status.holds_slot() {
            return;
        }
        self.in_establishment += n;
        match basis {
            StaffBasis::Fiscal => self.fiscal += n,
            _ => self.self_financed += n,
        }
        match category {
            StaffCategory::Management => self.management += n,
            StaffCategory::ProfessionalTechnical => self.professional_technical += n,
            StaffCategory::LogisticsService => self.logistics_service += n,
        }
        if status == StaffStatus::SecondedOut {
            self.seconded_out += n;
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    institution_id: i32,
    basis: StaffBasis,
    status: StaffStatus,
    category: StaffCategory,
    n: i64,
}

/// Staff counts of many institutions, one GROUP BY query per chunk of ids.
pub async fn counts_by_institution<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> Result<HashMap<i32, StaffCounts>, sea_orm::DbErr> {
    let mut found: HashMap<i32, StaffCounts> = ids.iter().map(|k| (*k, StaffCounts::default())).collect();
    for chunk in ids.chunks(5_000) {
        let rows = staff::Entity::find()
            .select_only()
            .column(staff::Column::InstitutionId)
            .column(staff::Column::Basis)
            .column(staff::Column::Status)
            .column(staff::Column::Category)
            // `COUNT(*)`, not of a column: the (institution, status, basis, category) index
            // then answers alone, without reading each person's row.
            .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
            .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
            .group_by(staff::Column::InstitutionId)
            .group_by(staff::Column::Basis)
            .group_by(staff::Column::Status)
            .group_by(staff::Column::Category)
            .into_model::<CountRow>()
            .all(db)
            .await?;
        for row in rows {
            found.entry(row.institution_id).or_default().add(row.basis, row.status, row.category, row.n as i32);
        }
    }
    Ok(found)
}

/// Active staff in establishment per institution, banded as the report bands them.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SizeBand {
    #[graphql(name = "OVER_100")]
    Over100,
    #[graphql(name = "FROM_50_TO_100")]
    From50To100,
    #[graphql(name = "FROM_20_TO_50")]
    From20To50,
    #[graphql(name = "FROM_10_TO_20")]
    From10To20,
    #[graphql(name = "FROM_5_TO_10")]
    From5To10,
    #[graphql(name = "UNDER_5")]
    Under5,
}

impl SizeBand {
    pub const ALL: [SizeBand; 6] =
        [Self::Over100, Self::From50To100, Self::From20To50, Self::From10To20, Self::From5To10, Self::Under5];

    pub fn of(staff: i64) -> Self {
        match staff {
            n if n > 100 => Self::Over100,
            n if n >= 50 => Self::From50To100,
            n if n >= 20 => Self::From20To50,
            n if n >= 10 => Self::From10To20,
            n if n >= 5 => Self::From5To10,
            _ => Self::Under5,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Self::Over100 => "OVER_100",
            Self::From50To100 => "FROM_50_TO_100",
            Self::From20To50 => "FROM_20_TO_50",
            Self::From10To20 => "FROM_10_TO_20",
            Self::From5To10 => "FROM_5_TO_10",
            Self::Under5 => "UNDER_5",
        }
    }
}

#[derive(SimpleObject, Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EstablishmentTotals {
    pub approved: i64,
    pub fiscal: i64,
    pub self_financed: i64,
    pub frozen: i64,
    pub occupied: i64,
    pub vacant: i64,
    /// People over establishment (超编), summed over institutions and funding kinds.
    pub over_establishment: i64,
    /// Slots held in the jurisdictions' reserve (reclaimed, not yet allocated).
    pub reserve: i64,
}

impl EstablishmentTotals {
    pub fn add(&mut self, other: &EstablishmentTotals) {
        self.approved += other.approved;
        self.fiscal += other.fiscal;
        self.self_financed += other.self_financed;
        self.frozen += other.frozen;
        self.occupied += other.occupied;
        self.vacant += other.vacant;
        self.over_establishment += other.over_establishment;
        self.reserve += other.reserve;
    }
}
