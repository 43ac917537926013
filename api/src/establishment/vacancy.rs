//! Each vacant slot's own age (DOMAIN: "since the day its last holder left, or since it was
//! approved if never filled"), replayed from the ledger and the staff movements.
//!
//! For each institution and funding kind the replay walks the recorded history day by day.
//! Usable slots are approved plus borrowed, less frozen and deposited; people in establishment
//! arrive (hire, transfer in) and depart (transfer out, retire, leave). Whenever usable slots
//! outnumber the people holding them, the new vacancies date from that day; whenever a slot is
//! taken (a hire, a reduction, a reclaim, a freeze, a deposit, a repaid loan) the *oldest*
//! vacancy goes first: a hire fills the longest-vacant slot, and a deposit or a reclaim takes
//! long-vacant slots without resetting the others. On one day, what frees a slot is applied
//! before what takes one.
//!
//! History recorded before this system (inherited data) may not explain every slot: the
//! replay is then reconciled with the balances, so the vacancies it reports are always the
//! balance's. Vacancies it cannot date are dated from the institution's first recorded event;
//! unexplained fills take the oldest vacancies, so no slot is called older than the records show.
//! A person whose arrival was never recorded (seeded or inherited before movements were kept)
//! arrived on their hire date, so their departure always dates the slot it frees; and the old
//! system's vacant-since date (`institution.vacant_since`) re-dates the vacancies that stood when
//! the unit was imported, never one a recorded departure freed.

use std::collections::{HashMap, HashSet, VecDeque};

use async_graphql::SimpleObject;
use chrono::NaiveDate;
use entity::enums::{Funding, MovementKind, StaffBasis};
use entity::{establishment_event, institution, staff, staff_movement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::Establishment;
use crate::error::ApiResult;
use crate::graphql::date::Day;

/// SQLite accepts at most 32,766 bound values; stay well below.
const CHUNK: usize = 5_000;

/// One vacant slot.
#[derive(SimpleObject, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vacancy {
    pub funding: Funding,
    /// The day it became vacant: its last holder left, or it was approved (or unfrozen,
    /// withdrawn from the pool, borrowed) and never filled since.
    pub since: Day,
    /// Its last holder's departure dates it (else an approval, or the import's record).
    #[graphql(skip)]
    pub freed_by_departure: bool,
}

impl Vacancy {
    /// Whole months it has stood vacant on `on`.
    pub fn months_on(&self, on: NaiveDate) -> u32 {
        use chrono::Datelike;
        let months = (on.year() - self.since.year()) * 12 + on.month() as i32 - self.since.month() as i32;
        let months = if on.day() < self.since.day() { months - 1 } else { months };
        months.max(0) as u32
    }
}

/// A ledger row as the replay reads it: id, institution, funding, the four deltas, the day.
type LedgerRow = (i32, Option<i32>, Funding, i32, i32, i32, i32, NaiveDate);

/// One change to an institution's usable slots or to the people holding them.
struct Step {
    on: NaiveDate,
    capacity: i32,
    occupied: i32,
    order: i64,
}

/// The vacant slots of each institution among `ids`, oldest first, agreeing with the balances.
pub async fn vacancies_of<C: ConnectionTrait>(db: &C, ids: &[i32]) -> ApiResult<HashMap<i32, Vec<Vacancy>>> {
    let mut steps: HashMap<(i32, Funding), Vec<Step>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let events: Vec<LedgerRow> = establishment_event::Entity::find()
            .select_only()
            .column(establishment_event::Column::Id)
            .column(establishment_event::Column::InstitutionId)
            .column(establishment_event::Column::Funding)
            .column(establishment_event::Column::ApprovedDelta)
            .column(establishment_event::Column::FrozenDelta)
            .column(establishment_event::Column::DepositedDelta)
            .column(establishment_event::Column::BorrowedDelta)
            .column(establishment_event::Column::EffectiveOn)
            .filter(establishment_event::Column::InstitutionId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, institution, funding, approved, frozen, deposited, borrowed, on) in events {
            let Some(institution) = institution else { continue };
            let capacity = super::balance::usable_delta(approved, frozen, deposited, borrowed);
            steps.entry((institution, funding)).or_default().push(Step {
                on,
                capacity,
                occupied: 0,
                order: i64::from(id),
            });
        }
        let movements: Vec<(i32, i32, i32, MovementKind, NaiveDate)> = staff_movement::Entity::find()
            .select_only()
            .column(staff_movement::Column::Id)
            .column(staff_movement::Column::InstitutionId)
            .column(staff_movement::Column::StaffId)
            .column(staff_movement::Column::Kind)
            .column(staff_movement::Column::OccurredOn)
            .filter(staff_movement::Column::InstitutionId.is_in(chunk.iter().copied()))
            .filter(staff_movement::Column::Kind.is_in([
                MovementKind::Hire,
                MovementKind::TransferIn,
                MovementKind::TransferOut,
                MovementKind::Retire,
                MovementKind::Leave,
            ]))
            .into_tuple()
            .all(db)
            .await?;
        let people: HashSet<i32> = movements.iter().map(|m| m.2).collect();
        let people: Vec<i32> = people.into_iter().collect();
        let mut known: HashMap<i32, (StaffBasis, NaiveDate)> = HashMap::new();
        for part in people.chunks(CHUNK) {
            let rows: Vec<(i32, StaffBasis, NaiveDate)> = staff::Entity::find()
                .select_only()
                .column(staff::Column::Id)
                .column(staff::Column::Basis)
                .column(staff::Column::HireDate)
                .filter(staff::Column::Id.is_in(part.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            known.extend(rows.into_iter().map(|(id, basis, hired)| (id, (basis, hired))));
        }
        // A person counts at an institution between an arrival and a departure there. One who
        // departs without a recorded arrival arrived on their hire date; an imported retiree's
        // "leave" on the hire date itself (the record of someone already gone) frees nothing.
        let mut ordered = movements;
        ordered.sort_by_key(|m| (m.4, m.0));
        let mut present: HashSet<(i32, i32)> = HashSet::new();
        for (id, institution, person, kind, on) in ordered {
            let Some(&(basis, hired)) = known.get(&person) else { continue };
            let Some(funding) = basis.funding() else { continue };
            let order = 1_i64 << 40 | i64::from(id);
            let occupied = match kind {
                MovementKind::Hire | MovementKind::TransferIn if present.insert((institution, person)) => 1,
                MovementKind::TransferOut | MovementKind::Retire | MovementKind::Leave
                    if present.remove(&(institution, person)) =>
                {
                    -1
                }
                MovementKind::TransferOut | MovementKind::Retire | MovementKind::Leave if hired < on => {
                    let arrived = Step { on: hired, capacity: 0, occupied: 1, order };
                    steps.entry((institution, funding)).or_default().push(arrived);
                    -1
                }
                _ => continue,
            };
            steps.entry((institution, funding)).or_default().push(Step { on, capacity: 0, occupied, order });
        }
    }
    let balances = crate::graphql::loaders::balances_of_conn(db, ids).await?;
    let mut found: HashMap<i32, Vec<Vacancy>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for &id in ids {
        let rows = balances.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        for row in rows {
            let actual = Establishment::from_balances(std::slice::from_ref(row)).vacant.max(0) as usize;
            let history = steps.remove(&(id, row.funding)).unwrap_or_default();
            let dates = replay(history, actual);
            let vacancies = dates.into_iter().map(|(since, freed_by_departure)| Vacancy {
                funding: row.funding,
                since: Day(since),
                freed_by_departure,
            });
            found.entry(id).or_default().extend(vacancies);
        }
    }
    inherited_dates(db, ids, &mut found).await?;
    for list in found.values_mut() {
        list.sort_by_key(|v| v.since);
    }
    Ok(found)
}

/// Vacancies an import brought: where the old system recorded since when a unit's vacancies
/// had stood (`vacant_since`), those standing on the day the unit was imported take that date
/// (not one a recorded departure freed: its day is its own).
async fn inherited_dates<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    found: &mut HashMap<i32, Vec<Vacancy>>,
) -> ApiResult<()> {
    for chunk in ids.chunks(CHUNK) {
        let dated: Vec<(i32, Option<NaiveDate>, chrono::DateTime<chrono::Utc>)> = institution::Entity::find()
            .select_only()
            .column(institution::Column::Id)
            .column(institution::Column::VacantSince)
            .column(institution::Column::CreatedAt)
            .filter(institution::Column::Id.is_in(chunk.iter().copied()))
            .filter(institution::Column::VacantSince.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        for (id, since, imported) in dated {
            let (Some(since), Some(list)) = (since, found.get_mut(&id)) else { continue };
            let imported = imported.date_naive();
            for vacancy in list.iter_mut().filter(|v| v.since <= imported && !v.freed_by_departure) {
                vacancy.since = Day(since);
            }
        }
    }
    Ok(())
}

/// The dates of the vacancies left after `history`, reconciled to `actual` vacancies, each
/// with whether a departure freed it.
fn replay(mut history: Vec<Step>, actual: usize) -> Vec<(NaiveDate, bool)> {
    // On one day, what frees a slot goes before what takes one.
    history.sort_by_key(|s| (s.on, s.capacity - s.occupied < 0, s.order));
    // Undated vacancies date from the first recorded event, not from a hire before it.
    let first = history.iter().filter(|s| s.capacity != 0).map(|s| s.on).min().or(history.first().map(|s| s.on));
    let (mut capacity, mut occupied) = (0_i32, 0_i32);
    let mut vacant: VecDeque<(NaiveDate, bool)> = VecDeque::new();
    for step in history {
        capacity += step.capacity;
        occupied += step.occupied;
        let target = (capacity - occupied).max(0) as usize;
        while vacant.len() < target {
            vacant.push_back((step.on, step.occupied < 0));
        }
        while vacant.len() > target {
            vacant.pop_front();
        }
    }
    while vacant.len() > actual {
        vacant.pop_front();
    }
    let undated = first.unwrap_or_else(|| chrono::Utc::now().date_naive());
    while vacant.len() < actual {
        vacant.push_front((undated, false));
    }
    vacant.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, d).unwrap()
    }

    fn step(on: NaiveDate, capacity: i32, occupied: i32) -> Step {
        Step { on, capacity, occupied, order: 0 }
    }

    fn dates(history: Vec<Step>, actual: usize) -> Vec<NaiveDate> {
        replay(history, actual).into_iter().map(|(on, _)| on).collect()
    }

    #[test]
    fn a_departure_dates_its_own_vacancy_and_a_hire_fills_the_oldest() {
        let history = vec![
            step(day(1, 1), 3, 0), // three approved
            step(day(2, 1), 0, 1), // one hired: the oldest of the three is filled
            step(day(5, 1), 0, 1),
            step(day(9, 1), 0, -1), // one leaves: a vacancy of its own, dated September
        ];
        assert_eq!(replay(history, 2), vec![(day(1, 1), false), (day(9, 1), true)]);
    }

    #[test]
    fn a_deposit_takes_the_oldest_and_leaves_the_others_their_age() {
        let history = vec![step(day(1, 1), 2, 0), step(day(3, 1), 1, 0), step(day(6, 1), -1, 0)];
        assert_eq!(dates(history, 2), vec![day(1, 1), day(3, 1)]);
    }

    #[test]
    fn inherited_history_is_reconciled_to_the_balance() {
        assert_eq!(dates(vec![step(day(1, 1), 1, 0)], 3), vec![day(1, 1), day(1, 1), day(1, 1)]);
        assert_eq!(dates(vec![step(day(1, 1), 2, 0), step(day(4, 1), 1, 0)], 1), vec![day(4, 1)]);
    }
}
