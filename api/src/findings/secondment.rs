//! Secondments (借调) as findings: long ones, and those without papers (inherited from the old
//! system, or recorded without a document number).

use std::collections::{HashMap, HashSet};

use entity::enums::{MovementKind, StaffStatus};
use entity::{staff, staff_absence, staff_movement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{Finding, Findings, finding};
use crate::error::Result;

/// Ids per `IN (...)` list.
const CHUNK: usize = 5_000;

impl Findings {
    /// Long-term secondment (长期借调): people in establishment seconded out to government
    /// bodies for `months` or more, per institution, with where they are and since when.
    pub async fn long_secondment(&self, months: i32) -> Result<Vec<Finding>> {
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let today = chrono::Utc::now().date_naive();
        let cutoff = today.checked_sub_months(chrono::Months::new(months.max(0) as u32)).unwrap_or(today);
        let people: Vec<(i32, Option<String>, Option<chrono::NaiveDate>)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::InstitutionId)
            .column(staff::Column::SecondedTo)
            .column(staff::Column::SecondedSince)
            .filter(staff::Column::InstitutionId.is_in(ids))
            .filter(staff::Column::Status.eq(StaffStatus::SecondedOut))
            .filter(staff::Column::SecondedSince.lte(cutoff))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut by_institution: HashMap<i32, Vec<(String, chrono::NaiveDate)>> = HashMap::new();
        for (institution, to, since) in people {
            let since = since.unwrap_or(cutoff);
            by_institution.entry(institution).or_default().push((to.unwrap_or_else(|| "?".into()), since));
        }
        let mut out: Vec<Finding> = self
            .rows
            .iter()
            .filter_map(|r| {
                let mut list = by_institution.remove(&r.id)?;
                list.sort_by_key(|(_, since)| *since);
                let n = list.len();
                let (_, oldest) = &list[0];
                let years = (today - *oldest).num_days() as f64 / 365.25;
                let mut places: Vec<String> = Vec::new();
                for (to, _) in &list {
                    if !places.contains(to) {
                        places.push(to.clone());
                    }
                }
                let of = self.counts(r.id).in_establishment;
                let zh = format!(
                    "{n}人借调{months}个月以上，最长者自{oldest}起（{years:.1}年），借调至{}；在编{of}人",
                    places.join("、")
                );
                let en = format!(
                    "{n} seconded for {months}+ months, the longest since {oldest} ({years:.1} years), to {}; {n} of \
                     {of} in establishment",
                    places.join("、")
                );
                Some(finding(r, n as f64, zh, en))
            })
            .collect();
        out.sort_by(|a, b| b.figure.total_cmp(&a.figure));
        Ok(out)
    }

    /// Secondments without papers: people seconded out whose secondment carries no document
    /// number (an inherited secondment the old system never documented, or one recorded
    /// without its 文号), per institution, with where they are.
    pub async fn seconded_without_papers(&self) -> Result<Vec<Finding>> {
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let mut seconded: Vec<(i32, i32, Option<String>)> = Vec::new();
        let mut papered: HashSet<i32> = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let people: Vec<(i32, i32, Option<String>)> = staff::Entity::find()
                .select_only()
                .column(staff::Column::Id)
                .column(staff::Column::InstitutionId)
                .column(staff::Column::SecondedTo)
                .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
                .filter(staff::Column::Status.eq(StaffStatus::SecondedOut))
                .into_tuple()
                .all(&self.db)
                .await?;
            // The latest secondment of each person decides: papers on an earlier one do not
            // cover this one.
            let person_ids: Vec<i32> = people.iter().map(|p| p.0).collect();
            for part in person_ids.chunks(CHUNK) {
                let movements: Vec<(i32, i32, Option<String>)> = staff_movement::Entity::find()
                    .select_only()
                    .column(staff_movement::Column::StaffId)
                    .column(staff_movement::Column::Id)
                    .column(staff_movement::Column::DocumentNo)
                    .filter(staff_movement::Column::StaffId.is_in(part.iter().copied()))
                    .filter(staff_movement::Column::Kind.eq(MovementKind::SecondOut))
                    .into_tuple()
                    .all(&self.db)
                    .await?;
                let mut latest: HashMap<i32, (i32, bool)> = HashMap::new();
                for (person, id, document) in movements {
                    let has = document.is_some_and(|d| !d.trim().is_empty());
                    let entry = latest.entry(person).or_insert((id, has));
                    if id > entry.0 {
                        *entry = (id, has);
                    }
                }
                papered.extend(latest.into_iter().filter(|(_, (_, has))| *has).map(|(person, _)| person));
            }
            seconded.extend(people);
        }
        let mut by_institution: HashMap<i32, Vec<String>> = HashMap::new();
        for (person, institution, to) in seconded {
            if !papered.contains(&person) {
                by_institution.entry(institution).or_default().push(to.unwrap_or_else(|| "?".into()));
            }
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|r| {
                let places = by_institution.get(&r.id)?;
                let mut named: Vec<&str> = places.iter().map(String::as_str).collect();
                named.sort_unstable();
                named.dedup();
                let n = places.len();
                let zh = format!("{n}人借调无文号，借调至{}", named.join("、"));
                Some(finding(
                    r,
                    n as f64,
                    zh,
                    format!("{n} seconded out without a document number, to {}", named.join("、")),
                ))
            })
            .collect())
    }

    /// Terms overrun (超期): people still off post (在编不在岗) or seconded out after their
    /// approved term's last day, per institution, with the kinds and the longest overrun.
    pub async fn off_post_overrun(&self) -> Result<Vec<Finding>> {
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let today = chrono::Utc::now().date_naive();
        let mut overrun: HashMap<i32, Vec<(&'static str, chrono::NaiveDate)>> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let away: Vec<(i32, entity::enums::AbsenceKind, Option<chrono::NaiveDate>)> = staff_absence::Entity::find()
                .select_only()
                .column(staff_absence::Column::InstitutionId)
                .column(staff_absence::Column::Kind)
                .column(staff_absence::Column::Until)
                .filter(staff_absence::Column::InstitutionId.is_in(chunk.iter().copied()))
                .filter(staff_absence::Column::EndedOn.is_null())
                .filter(staff_absence::Column::Until.lt(today))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (institution, kind, until) in away {
                let label = crate::labels::zh(kind.word()).unwrap_or(kind.word());
                overrun.entry(institution).or_default().push((label, until.unwrap_or(today)));
            }
            let seconded: Vec<(i32, Option<chrono::NaiveDate>)> = staff::Entity::find()
                .select_only()
                .column(staff::Column::InstitutionId)
                .column(staff::Column::SecondedUntil)
                .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
                .filter(staff::Column::Status.eq(StaffStatus::SecondedOut))
                .filter(staff::Column::SecondedUntil.lt(today))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (institution, until) in seconded {
                overrun.entry(institution).or_default().push(("借调", until.unwrap_or(today)));
            }
        }
        let mut out: Vec<Finding> = self
            .rows
            .iter()
            .filter_map(|r| {
                let list = overrun.get(&r.id)?;
                let longest = list.iter().map(|(_, until)| (today - *until).num_days()).max().unwrap_or(0);
                let mut kinds: Vec<&str> = list.iter().map(|(kind, _)| *kind).collect();
                kinds.sort_unstable();
                kinds.dedup();
                let n = list.len();
                let zh = format!("{n}人超过批准期限仍未返岗（{}），最长超期{longest}天", kinds.join("、"));
                let en = format!("{n} past their approved term ({}), the longest by {longest} days", kinds.join("、"));
                Some(finding(r, n as f64, zh, en))
            })
            .collect();
        out.sort_by(|a, b| b.figure.total_cmp(&a.figure));
        Ok(out)
    }
}
