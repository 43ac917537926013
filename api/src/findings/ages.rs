//! People in post past the statutory retirement age: an inherited fact an import records (弹性延迟,
//! or paperwork the old system never finished), listed so the office settles each case; those on
//! a recorded flexible postponement still running are told apart.

use std::collections::HashMap;

use entity::enums::{StaffBasis, StaffCategory, StaffStatus};
use entity::staff;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{Finding, Findings, finding};
use crate::codes::NationalId;
use crate::error::{ApiError, Result};
use crate::pii::PiiCipher;
use crate::staff::retirement::{retirement_date, sex_of};

/// Nobody reaches the statutory age before 50: only people born that long ago are unsealed.
const YOUNGEST_RETIREMENT_AGE: i32 = 50;

impl Findings {
    /// Institutions with people in establishment, in post (active or seconded out), past the
    /// statutory retirement age today: each institution with how many, and the earliest date
    /// one of them reached it.
    pub async fn past_retirement_age(&self, pii: &PiiCipher) -> Result<Vec<Finding>> {
        use chrono::Datelike;
        let today = chrono::Utc::now().date_naive();
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let mut past: HashMap<i32, Past> = HashMap::new();
        for chunk in ids.chunks(5_000) {
            let people: Vec<(i32, String, StaffCategory, Option<chrono::NaiveDate>)> = staff::Entity::find()
                .select_only()
                .column(staff::Column::InstitutionId)
                .column(staff::Column::NationalIdCipher)
                .column(staff::Column::Category)
                .column(staff::Column::RetirementExtendedTo)
                .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
                .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced]))
                .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
                .filter(staff::Column::BirthYear.lte(today.year() - YOUNGEST_RETIREMENT_AGE))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (institution, cipher, category, extended_to) in people {
                let number = pii.decrypt(&cipher).map_err(ApiError::internal)?;
                let Ok(id) = NationalId::parse(&number) else { continue };
                let reached = retirement_date(id.birth_date(), sex_of(&id), category);
                if reached <= today {
                    let entry = past.entry(institution).or_insert(Past { since: reached, ..Past::default() });
                    entry.people += 1;
                    entry.since = entry.since.min(reached);
                    entry.extended += i32::from(extended_to.is_some_and(|until| until >= today));
                }
            }
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|r| {
                let past = past.get(&r.id)?;
                let (n, since, extended) = (past.people, past.since, past.extended);
                let mut zh = format!("{n}人超过法定退休年龄仍在岗（最早自{since}起）");
                let mut en = format!("{n} in post past the statutory retirement age (the first since {since})");
                if extended > 0 {
                    zh += &format!("，其中{extended}人已办理弹性延迟退休");
                    en += &format!(", {extended} on a recorded flexible postponement (弹性延迟)");
                }
                Some(finding(r, f64::from(n), zh, en))
            })
            .collect())
    }
}

/// An institution's people past the statutory age: how many, since when, how many of them on a
/// postponement still running.
#[derive(Default)]
struct Past {
    people: i32,
    since: chrono::NaiveDate,
    extended: i32,
}
