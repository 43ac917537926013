//! Importing the real-name list. A file that would put an institution over its establishment
//! is refused unless over establishment is accepted explicitly; then the excess is recorded
//! and flagged (超编), as inherited data often needs.
//!
//! The whole file is one transaction: its rules are checked inside it against locked balances,
//! then the people, their movements and their audit rows go in as multi-row inserts and the
//! balances move by one statement per thousand institutions, so the statement count grows
//! with the file's size divided by a thousand, not with its rows.

use std::collections::HashMap;
use std::path::Path;

use entity::enums::{Funding, InstitutionStatus, StaffBasis, StaffCategory, StaffStatus};
use entity::{establishment_balance, institution, staff, staff_movement};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{Check, ImportReport, RowError, read_rows};
use crate::audit::{self, Actor, Change, snapshot};
use crate::codes::{self, NationalId};
use crate::db::begin_write;
use crate::pii::PiiCipher;
use crate::staff::{NewPerson, arrival};

pub const COLUMNS: [&str; 7] =
    ["national_id", "name", "institution_credit_code", "category", "basis", "status", "hire_date"];

/// Rows per multi-row statement: well under both databases' bound-parameter limits.
const BATCH: usize = 1000;

struct Checked {
    line: usize,
    institution: institution::Model,
    person: NewPerson,
    over: bool,
}

#[tracing::instrument(skip_all, fields(path = %path.display(), accept_over_establishment))]
pub async fn import_staff(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    path: &Path,
    accept_over_establishment: bool,
) -> anyhow::Result<ImportReport> {
    let rows = match read_rows(path, &COLUMNS) {
        Ok(rows) => rows,
        Err(error) => return Ok(ImportReport::refused(vec![error])),
    };
    let txn = begin_write(db).await?;
    let institutions = institutions_by_code(&txn, &rows).await?;
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    let mut slot_holders: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let mut check = Check::new(row, &mut errors);
        let national_id = check.field("national_id", NationalId::parse);
        let name = check.field("name", |v| codes::name("name", v));
        let institution = check.field("institution_credit_code", |v| {
            let found = institutions
                .get(&v.to_ascii_uppercase())
                .ok_or_else(|| format!("no institution has credit code `{v}`"))?;
            if found.status != InstitutionStatus::Active {
                return Err(format!("institution `{}` is no longer active", found.name));
            }
            Ok(found.clone())
        });
        let category = check.word("category", StaffCategory::from_word);
        let basis = check.word("basis", StaffBasis::from_word);
        let status = check.word("status", StaffStatus::from_word);
        let hire_date = check.date("hire_date");
        if let (Some(id), Some(hired)) = (&national_id, hire_date)
            && hired < id.birth_date()
        {
            check.fail("hire_date: before the person's birth date");
        }
        let holds = matches!((basis, status), (Some(b), Some(s)) if b.funding().is_some() && s.holds_slot());
        if let (Some(id), true) = (&national_id, holds)
            && let Some(first) = slot_holders.insert(pii.lookup_hash(id.as_str()), row.line)
        {
            check.fail(format!("national_id: the same person holds a slot on line {first} (一人一编)"));
        }
        if let (
            Some(national_id),
            Some(name),
            Some(institution),
            Some(category),
            Some(basis),
            Some(status),
            Some(hire_date),
        ) = (national_id, name, institution, category, basis, status, hire_date)
        {
            let title_level = Some(row.get("title_level")).filter(|t| !t.is_empty()).map(str::to_string);
            let person = NewPerson { name, national_id, category, basis, status, hire_date, title_level };
            checked.push(Checked { line: row.line, institution, person, over: false });
        }
    }
    check_existing_slots(&txn, &slot_holders, &mut errors).await?;
    check_filed_totals(&txn, &checked, &mut errors).await?;
    let balances = lock_balances(&txn, &checked).await?;
    let occupy = check_capacity(&balances, &mut checked, accept_over_establishment, &mut errors);
    if !errors.is_empty() {
        txn.rollback().await?;
        errors.sort_by_key(|e| e.line);
        return Ok(ImportReport::refused(errors));
    }

    let actor = Actor::system("import staff");
    occupy_slots(&txn, &balances, &occupy).await?;
    let mut report = ImportReport::default();
    for chunk in checked.chunks(BATCH) {
        let people = insert_people(&txn, pii, chunk).await?;
        report.over_establishment += people.iter().filter(|p| p.over_establishment).count();
        report.written += people.len();
        record_hires(&txn, &actor, &people).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// The file's institutions by credit code, each code asked once.
async fn institutions_by_code<C: ConnectionTrait>(
    db: &C,
    rows: &[super::Row],
) -> anyhow::Result<HashMap<String, institution::Model>> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.get("institution_credit_code").to_ascii_uppercase()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut found = HashMap::new();
    for chunk in codes.chunks(BATCH) {
        let rows = institution::Entity::find()
            .filter(institution::Column::CreditCode.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|i| (i.credit_code.clone(), i)));
    }
    Ok(found)
}

/// "One person, one slot" against people already on any list.
async fn check_existing_slots<C: ConnectionTrait>(
    db: &C,
    slot_holders: &HashMap<String, usize>,
    errors: &mut Vec<RowError>,
) -> anyhow::Result<()> {
    let hashes: Vec<String> = slot_holders.keys().cloned().collect();
    for chunk in hashes.chunks(BATCH) {
        let taken: Vec<Option<String>> = staff::Entity::find()
            .select_only()
            .column(staff::Column::SlotKey)
            .filter(staff::Column::SlotKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for hash in taken.into_iter().flatten() {
            if let Some(line) = slot_holders.get(&hash) {
                errors.push(RowError {
                    line: *line,
                    reason: "national_id: this person already holds an establishment slot (一人一编)".into(),
                });
            }
        }
    }
    Ok(())
}

/// Filed staff (备案制) go only to a hospital with an approved filing, within its total; rows
/// are taken in file order, as hiring them one by one would.
async fn check_filed_totals<C: ConnectionTrait>(
    db: &C,
    checked: &[Checked],
    errors: &mut Vec<RowError>,
) -> anyhow::Result<()> {
    let mut hospitals: Vec<i32> =
        checked.iter().filter(|c| c.person.basis == StaffBasis::Filed).map(|c| c.institution.id).collect();
    if hospitals.is_empty() {
        return Ok(());
    }
    hospitals.sort_unstable();
    hospitals.dedup();
    let mut room = crate::filing::filed_room(db, &hospitals).await.map_err(super::institutions::to_anyhow)?;
    for c in checked {
        let left = room.get_mut(&c.institution.id);
        if left.is_none() && c.person.basis != StaffBasis::Filed {
            continue;
        }
        let counts = matches!(c.person.basis, StaffBasis::Fiscal | StaffBasis::SelfFinanced | StaffBasis::Filed)
            && c.person.status.holds_slot();
        match left {
            None => errors.push(RowError {
                line: c.line,
                reason: format!(
                    "basis: filed staff are hired only by a hospital with an approved total-staff filing; `{}` has none",
                    c.institution.name
                ),
            }),
            Some(left) if c.person.basis == StaffBasis::Filed && *left <= 0 => errors.push(RowError {
                line: c.line,
                reason: format!("basis: the filed total of `{}` is reached", c.institution.name),
            }),
            Some(left) => *left -= i64::from(counts),
        }
    }
    Ok(())
}

/// The balances the file's holders would take, locked until the import commits.
async fn lock_balances<C: ConnectionTrait>(
    db: &C,
    checked: &[Checked],
) -> anyhow::Result<HashMap<(i32, Funding), establishment_balance::Model>> {
    let mut ids: Vec<i32> = checked.iter().map(|c| c.institution.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut balances = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        let rows = establishment_balance::Entity::find()
            .filter(establishment_balance::Column::InstitutionId.is_in(chunk.iter().copied()))
            .order_by_asc(establishment_balance::Column::Id)
            .lock_exclusive()
            .all(db)
            .await?;
        balances.extend(rows.into_iter().map(|b| ((b.institution_id, b.funding), b)));
    }
    Ok(balances)
}

/// Rows that would fill more slots than an institution has vacant are refused, or (when
/// accepted) marked over establishment. Returns how many slots each balance gains.
fn check_capacity(
    balances: &HashMap<(i32, Funding), establishment_balance::Model>,
    checked: &mut [Checked],
    accept: bool,
    errors: &mut Vec<RowError>,
) -> HashMap<(i32, Funding), i32> {
    let mut vacant: HashMap<(i32, Funding), i32> = balances
        .iter()
        .map(|(key, b)| (*key, (b.approved + b.borrowed - b.frozen - b.deposited - b.occupied).max(0)))
        .collect();
    let mut occupy = HashMap::new();
    for c in checked.iter_mut() {
        let Some(funding) = c.person.basis.funding().filter(|_| c.person.status.holds_slot()) else { continue };
        let key = (c.institution.id, funding);
        *occupy.entry(key).or_insert(0) += 1;
        let left = vacant.entry(key).or_insert(0);
        if *left > 0 {
            *left -= 1;
        } else if accept {
            c.over = true;
        } else {
            errors.push(RowError {
                line: c.line,
                reason: format!(
                    "no vacant {} slot left in `{}`: this row would put it over its establishment (超编); \
                     use --accept-over-establishment to record inherited over-establishment",
                    funding.word(),
                    c.institution.name
                ),
            });
        }
    }
    occupy
}

/// Moves `occupied` on every touched balance: one UPDATE per thousand balances (every
/// institution has both balances from its creation).
async fn occupy_slots<C: ConnectionTrait>(
    db: &C,
    balances: &HashMap<(i32, Funding), establishment_balance::Model>,
    occupy: &HashMap<(i32, Funding), i32>,
) -> anyhow::Result<()> {
    use establishment_balance::Column;
    use sea_orm::sea_query::ExprTrait;
    let now = chrono::Utc::now();
    let mut gains: Vec<(i32, i32)> = occupy
        .iter()
        .map(|(key, n)| {
            let balance = balances.get(key).ok_or_else(|| anyhow::anyhow!("institution {} has no balance", key.0))?;
            Ok((balance.id, *n))
        })
        .collect::<anyhow::Result<_>>()?;
    gains.sort_unstable();
    for chunk in gains.chunks(BATCH) {
        let added = chunk.iter().fold(CaseStatement::new(), |case, (id, n)| case.case(Column::Id.eq(*id), *n));
        establishment_balance::Entity::update_many()
            .col_expr(Column::Occupied, Expr::col(Column::Occupied).add(added.finally(0)))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// One multi-row insert for a chunk of people, returning their rows. The slot key's unique
/// index still guards "one person, one slot" against a writer that slipped in meanwhile.
async fn insert_people<C: ConnectionTrait>(
    db: &C,
    pii: &PiiCipher,
    chunk: &[Checked],
) -> anyhow::Result<Vec<staff::Model>> {
    let rows = chunk.iter().map(|c| c.person.clone().into_row(pii, &c.institution, c.over));
    Ok(staff::Entity::insert_many(rows).exec_with_returning(db).await?)
}

/// Each person's movement (a hire, or a leave for someone imported already gone) and audit row.
async fn record_hires<C: ConnectionTrait>(db: &C, actor: &Actor, people: &[staff::Model]) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let movements = people.iter().map(|p| staff_movement::ActiveModel {
        jurisdiction_id: Set(p.jurisdiction_id),
        staff_id: Set(p.id),
        institution_id: Set(p.institution_id),
        kind: Set(arrival(p)),
        occurred_on: Set(p.hire_date),
        document_no: Set(None),
        note: Set(String::new()),
        actor: Set(actor.subject.clone()),
        created_at: Set(now),
        ..Default::default()
    });
    staff_movement::Entity::insert_many(movements).exec_without_returning(db).await?;
    let changes = people.iter().map(|p| Change {
        action: "staff.import",
        entity: "staff",
        entity_id: Some(p.id),
        jurisdiction_id: Some(p.jurisdiction_id),
        before: None,
        after: snapshot(p),
    });
    audit::record_many(db, actor, changes).await?;
    Ok(())
}
