//! The figures as they stood at the end of a past day, rebuilt from what is dated: the ledger
//! (establishment events), the staff movements, the reforms, and the decisions on
//! classification and on the three determinations. Facts recorded with no date (a person's
//! category or basis, an institution's name and department) are taken as they are now.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{
    Classification, Funding, FundingForm, InstitutionStatus, Level, ManagementMode, MovementKind, ReformKind,
    StaffStatus,
};
use entity::{
    classification_decision, determination_decision, establishment_balance, institution, reform, staff, staff_movement,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::{ApiError, ApiResult};
use crate::figures::StaffCounts;

/// One institution as it stood: its record (status and determinations as decided then), its
/// balances rebuilt from the ledger and the real-name list, and its staff counted.
pub struct Stood {
    pub row: institution::Model,
    pub balances: Vec<establishment_balance::Model>,
    pub staff: StaffCounts,
}

/// Refuses a day in the future: an as-of view is of the past (or today).
pub fn check_day(on: NaiveDate) -> ApiResult<()> {
    if on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`asOf` is a past day (or today)"));
    }
    Ok(())
}

/// The institutions of `jurisdiction_ids` (or the one `only`) that existed at the end of `on`,
/// as they stood then, and the jurisdictions' reserve then.
pub async fn rebuild<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: &[i32],
    only: Option<i32>,
    on: NaiveDate,
) -> ApiResult<(Vec<Stood>, i64)> {
    let (stood, reserve, _) = rebuild_keeping_lists(db, jurisdiction_ids, only, on).await?;
    Ok((stood, reserve))
}

/// [`rebuild`], keeping the people and movements it placed (to place them at other days).
pub(crate) async fn rebuild_keeping_lists<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: &[i32],
    only: Option<i32>,
    on: NaiveDate,
) -> ApiResult<(Vec<Stood>, i64, Lists)> {
    let ids = jurisdiction_ids.to_vec();
    let mut query = institution::Entity::find().filter(institution::Column::JurisdictionId.is_in(ids.clone()));
    if let Some(id) = only {
        query = query.filter(institution::Column::Id.eq(id));
    }
    let rows: Vec<institution::Model> = query.all(db).await?.into_iter().filter(|r| r.established_on <= on).collect();
    let row_ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let ended: HashMap<i32, reform::Model> = reform::Entity::find()
        .filter(reform::Column::JurisdictionId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.institution_id, r))
        .collect();
    let mut decisions: HashMap<i32, Vec<determination_decision::Model>> = HashMap::new();
    for d in determination_decision::Entity::find()
        .filter(determination_decision::Column::JurisdictionId.is_in(ids.clone()))
        .filter(determination_decision::Column::DecidedOn.gt(on))
        .order_by_desc(determination_decision::Column::DecidedOn)
        .order_by_desc(determination_decision::Column::Id)
        .all(db)
        .await?
    {
        decisions.entry(d.institution_id).or_default().push(d);
    }
    let mut classifications: HashMap<i32, Vec<classification_decision::Model>> = HashMap::new();
    for d in classification_decision::Entity::find()
        .filter(classification_decision::Column::JurisdictionId.is_in(ids.clone()))
        .order_by_asc(classification_decision::Column::DecidedOn)
        .order_by_asc(classification_decision::Column::Id)
        .all(db)
        .await?
    {
        classifications.entry(d.institution_id).or_default().push(d);
    }
    let (ledger, reserve) = ledger_on(db, &ids, on).await?;
    let lists = Lists::load(db, &ids, &row_ids).await?;
    let people = people_on(&lists, &row_ids, on);
    let mut out = Vec::new();
    for mut row in rows {
        // Status: active unless a reform dated by then ended it.
        row.status = match ended.get(&row.id) {
            Some(r) if r.effective_on <= on => match r.kind {
                ReformKind::Dissolve => InstitutionStatus::Dissolved,
                ReformKind::Merge => InstitutionStatus::Merged,
                ReformKind::Convert => InstitutionStatus::Converted,
            },
            _ => InstitutionStatus::Active,
        };
        if row.status == InstitutionStatus::Active {
            row.merged_into_id = None;
        }
        // Decisions taken later are undone, the latest first.
        for d in decisions.remove(&row.id).unwrap_or_default() {
            undo(&mut row, &d.before);
        }
        if let Some(list) = classifications.get(&row.id) {
            row.classification = match list.iter().rev().find(|d| d.decided_on <= on) {
                Some(d) => d.classification,
                None => list[0].previous.unwrap_or(Classification::Unclassified),
            };
        }
        let mut balances: Vec<establishment_balance::Model> = ledger
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|(funding, sums)| balance_row(&row, *funding, *sums, 0))
            .collect();
        let (staff, occupied) = people.get(&row.id).cloned().unwrap_or_default();
        for balance in &mut balances {
            balance.occupied = occupied.get(&balance.funding).copied().unwrap_or(0);
        }
        for (funding, n) in &occupied {
            if !balances.iter().any(|b| b.funding == *funding) {
                balances.push(balance_row(&row, *funding, (0, 0, 0, 0), *n));
            }
        }
        out.push(Stood { row, balances, staff });
    }
    Ok((out, reserve, lists))
}

/// Applies a decision's `before` (the fields as they were) to the record.
fn undo(row: &mut institution::Model, before: &str) {
    let Ok(serde_json::Value::Object(was)) = serde_json::from_str::<serde_json::Value>(before) else { return };
    let word = |key: &str| was.get(key).and_then(|v| v.as_str());
    if let Some(v) = word("level").and_then(Level::from_word) {
        row.level = v;
    }
    if let Some(v) = word("fundingForm").and_then(FundingForm::from_word) {
        row.funding_form = v;
    }
    if let Some(v) = word("managementMode").and_then(ManagementMode::from_word) {
        row.management_mode = v;
    }
    if let Some(v) = word("responsibilities") {
        row.responsibilities = v.to_string();
    }
    if let Some(v) = was.get("internalBodies") {
        row.internal_bodies = v.to_string();
    }
    if let Some(v) = was.get("leadershipPosts") {
        row.leadership_posts = v.to_string();
    }
}

fn balance_row(
    row: &institution::Model,
    funding: Funding,
    (approved, frozen, deposited, borrowed): (i64, i64, i64, i64),
    occupied: i32,
) -> establishment_balance::Model {
    establishment_balance::Model {
        id: 0,
        jurisdiction_id: row.jurisdiction_id,
        institution_id: row.id,
        funding,
        approved: approved as i32,
        frozen: frozen as i32,
        occupied,
        updated_at: chrono::Utc::now(),
        deposited: deposited as i32,
        borrowed: borrowed as i32,
    }
}

/// Ledger sums of one funding kind: approved, frozen, deposited, borrowed.
type Sums = (i64, i64, i64, i64);

/// Per institution, by funding, the sums of the ledger rows effective by then (approved,
/// frozen, deposited, borrowed), and the jurisdictions' reserve then.
async fn ledger_on<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: &[i32],
    on: NaiveDate,
) -> ApiResult<(HashMap<i32, Vec<(Funding, Sums)>>, i64)> {
    let sums = crate::establishment::ledger_sums(db, jurisdiction_ids, Some(on)).await?;
    let mut balances: HashMap<i32, Vec<(Funding, Sums)>> = HashMap::new();
    let mut reserve = 0;
    for (_, institution_id, funding, approved, frozen, deposited, borrowed) in sums {
        match institution_id {
            Some(id) => {
                balances.entry(id).or_default().push((funding, (approved, frozen, deposited, borrowed)));
            }
            // A jurisdiction's reserve (slots reclaimed, not yet allocated).
            None => reserve += approved,
        }
    }
    Ok((balances, reserve))
}

/// The people of some jurisdictions (or of a few institutions) with their movements: enough to
/// place each of them on a list at the end of any day.
pub(crate) struct Lists {
    pub people: Vec<Person>,
    moved: HashMap<i32, Vec<staff_movement::Model>>,
}

impl Lists {
    /// Those on the lists now and those who have moved away since, with every movement of
    /// theirs (only the columns a person's place needs, never the sealed ID number).
    pub(crate) async fn load<C: ConnectionTrait>(
        db: &C,
        jurisdiction_ids: &[i32],
        institution_ids: &[i32],
    ) -> ApiResult<Self> {
        // One record (or a few): by institution; a jurisdiction: by jurisdiction.
        let few = institution_ids.len() <= 100;
        let movements = staff_movement::Entity::find()
            .filter(if few {
                staff_movement::Column::InstitutionId.is_in(institution_ids.to_vec())
            } else {
                staff_movement::Column::JurisdictionId.is_in(jurisdiction_ids.to_vec())
            })
            .order_by_asc(staff_movement::Column::StaffId)
            .order_by_asc(staff_movement::Column::OccurredOn)
            .order_by_asc(staff_movement::Column::Id)
            .all(db)
            .await?;
        let mut moved: HashMap<i32, Vec<staff_movement::Model>> = HashMap::new();
        for m in movements {
            moved.entry(m.staff_id).or_default().push(m);
        }
        let columns = || {
            staff::Entity::find()
                .select_only()
                .column(staff::Column::Id)
                .column(staff::Column::InstitutionId)
                .column(staff::Column::Basis)
                .column(staff::Column::Category)
                .column(staff::Column::Status)
                .column(staff::Column::HireDate)
        };
        let mut people: Vec<Person> = columns()
            .filter(if few {
                staff::Column::InstitutionId.is_in(institution_ids.to_vec())
            } else {
                staff::Column::JurisdictionId.is_in(jurisdiction_ids.to_vec())
            })
            .into_model()
            .all(db)
            .await?;
        let here: std::collections::HashSet<i32> = people.iter().map(|p| p.id).collect();
        let away: Vec<i32> = moved.keys().copied().filter(|id| !here.contains(id)).collect();
        for chunk in away.chunks(5_000) {
            people.extend(
                columns().filter(staff::Column::Id.is_in(chunk.to_vec())).into_model::<Person>().all(db).await?,
            );
        }
        Ok(Lists { people, moved })
    }

    /// A person's movements, oldest first.
    pub(crate) fn movements(&self, id: i32) -> &[staff_movement::Model] {
        self.moved.get(&id).map(Vec::as_slice).unwrap_or_default()
    }

    /// Where a person was and in what state at the end of `on`, if on a list.
    pub(crate) fn place(&self, person: &Person, on: NaiveDate) -> Option<(i32, StaffStatus)> {
        place_on(person, self.moved.get(&person.id), on)
    }
}

/// Per institution: the people on its list at the end of `on` (counted as `StaffCounts`) and
/// the slots they held, by funding. A person's place and state then is their last movement by
/// then; with none by then, the first one after says whether they were already there; with no
/// movement at all, their hire date and present state.
fn people_on(
    lists: &Lists,
    institution_ids: &[i32],
    on: NaiveDate,
) -> HashMap<i32, (StaffCounts, HashMap<Funding, i32>)> {
    let wanted: std::collections::HashSet<i32> = institution_ids.iter().copied().collect();
    let mut out: HashMap<i32, (StaffCounts, HashMap<Funding, i32>)> = HashMap::new();
    for person in &lists.people {
        let Some((institution_id, status)) = lists.place(person, on) else { continue };
        if !wanted.contains(&institution_id) {
            continue;
        }
        let entry = out.entry(institution_id).or_default();
        entry.0.add(person.basis, status, person.category, 1);
        if let Some(funding) = person.basis.funding() {
            *entry.1.entry(funding).or_default() += 1;
        }
    }
    out
}

/// What a person's place on a list then depends on.
#[derive(sea_orm::FromQueryResult)]
pub(crate) struct Person {
    pub id: i32,
    pub institution_id: i32,
    pub basis: entity::enums::StaffBasis,
    pub category: entity::enums::StaffCategory,
    pub status: StaffStatus,
    pub hire_date: NaiveDate,
}

fn place_on(
    person: &Person,
    movements: Option<&Vec<staff_movement::Model>>,
    on: NaiveDate,
) -> Option<(i32, StaffStatus)> {
    let movements = movements.map(Vec::as_slice).unwrap_or_default();
    if let Some(last) = movements.iter().rev().find(|m| m.occurred_on <= on) {
        return match last.kind {
            MovementKind::Hire | MovementKind::TransferIn | MovementKind::Return => {
                Some((last.institution_id, StaffStatus::Active))
            }
            MovementKind::SecondOut => Some((last.institution_id, StaffStatus::SecondedOut)),
            MovementKind::TransferOut | MovementKind::Retire | MovementKind::Leave => None,
        };
    }
    match movements.first() {
        // Not yet there: their first movement brought them.
        Some(first) if matches!(first.kind, MovementKind::Hire | MovementKind::TransferIn) => None,
        // Already there before anything was recorded of them.
        Some(first) => {
            let status =
                if first.kind == MovementKind::Return { StaffStatus::SecondedOut } else { StaffStatus::Active };
            Some((first.institution_id, status))
        }
        // Nothing dated but the hire: there since then, if still there now.
        None => {
            (person.hire_date <= on && person.status.holds_slot()).then_some((person.institution_id, person.status))
        }
    }
}

/// The overview of a jurisdiction (and those below it) as it stood at the end of `on`: the same
/// figures as today's, from the rebuilt institutions. The pool and the reform results are
/// today's concerns and are left out (null).
pub async fn overview<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: &[i32],
    code: &str,
    include_descendants: bool,
    on: NaiveDate,
) -> ApiResult<crate::overview::Overview> {
    use std::collections::BTreeMap;

    use entity::enums::Sector;

    use crate::overview::{EstablishmentTotals, Overview, SizeBand, counts};
    let (stood, reserve) = rebuild(db, jurisdiction_ids, None, on).await?;
    let active: Vec<&Stood> = stood.iter().filter(|s| s.row.status == InstitutionStatus::Active).collect();
    let mut tallies: [BTreeMap<&'static str, i64>; 6] = Default::default();
    let mut approved_by_sector: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut establishment = EstablishmentTotals { reserve, ..Default::default() };
    let mut staff = StaffCounts::default();
    for s in &active {
        let occupied: i32 = s.balances.iter().map(|b| b.occupied).sum();
        let words = [
            s.row.level.word(),
            s.row.funding_form.word(),
            s.row.management_mode.word(),
            s.row.sector.word(),
            SizeBand::of(occupied.into()).word(),
            s.row.classification.word(),
        ];
        for (tally, word) in tallies.iter_mut().zip(words) {
            *tally.entry(word).or_default() += 1;
        }
        for b in &s.balances {
            let approved = i64::from(b.approved);
            establishment.approved += approved;
            if b.funding == Funding::Fiscal {
                establishment.fiscal += approved;
            } else {
                establishment.self_financed += approved;
            }
            *approved_by_sector.entry(s.row.sector.word()).or_default() += approved;
            establishment.frozen += i64::from(b.frozen);
            establishment.occupied += i64::from(b.occupied);
            let e = crate::establishment::balance::vacant_of(b.approved, b.borrowed, b.frozen, b.deposited, b.occupied);
            establishment.vacant += i64::from(e);
            establishment.over_establishment +=
                i64::from(crate::establishment::balance::excess_of(b.approved, b.borrowed, b.occupied));
        }
    }
    // Everyone on a list then, as today's overview counts everyone on the lists now.
    for s in &stood {
        staff.merge(&s.staff);
    }
    let ceiling = crate::establishment::current_ceiling(db, jurisdiction_ids[0]).await?;
    let baseline = ceiling.as_ref().map(|c| crate::overview::Baseline {
        base_year: c.base_year,
        base_total: c.base_total,
        base_fiscal: c.base_fiscal,
        total_ceiling: c.total_ceiling,
        fiscal_ceiling: c.fiscal_ceiling,
        approved_now: establishment.approved,
        change_since_base: establishment.approved - i64::from(c.base_total),
    });
    Ok(Overview {
        jurisdiction: code.to_string(),
        include_descendants,
        institution_count: active.len() as i64,
        by_level: counts(Level::all(), Level::word, &tallies[0]),
        by_funding_form: counts(FundingForm::all(), FundingForm::word, &tallies[1]),
        by_management_mode: counts(ManagementMode::all(), ManagementMode::word, &tallies[2]),
        by_sector: counts(Sector::all(), Sector::word, &tallies[3]),
        approved_by_sector: counts(Sector::all(), Sector::word, &approved_by_sector),
        by_size_band: counts(&SizeBand::ALL, SizeBand::word, &tallies[4]),
        by_classification: counts(Classification::all(), Classification::word, &tallies[5]),
        establishment,
        staff,
        baseline,
        reforms_since_base: None,
        pool: None,
    })
}
