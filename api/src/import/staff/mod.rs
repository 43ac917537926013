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
use std::sync::Arc;

use entity::enums::{DepartureReason, Funding, InstitutionStatus, Recruitment, StaffBasis, StaffCategory, StaffStatus};
use entity::{establishment_balance, institution, staff};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Check, ImportReport, RowError, RowErrors, Within, read_rows};
use crate::audit::Actor;
use crate::codes::{self, NationalId};
use crate::db::begin_write;
use crate::pii::PiiCipher;
use crate::staff::NewPerson;

mod write;

use write::write_people;

pub const COLUMNS: [&str; 7] =
    ["national_id", "name", "institution_credit_code", "category", "basis", "status", "hire_date"];

/// Columns the file may have beside the required ones.
pub const OPTIONAL: [&str; 17] = [
    "institution_name",
    "title_level",
    "seconded_to",
    "seconded_since",
    "secondment_document_no",
    "paid_by_budget",
    "education",
    "degree",
    "ethnicity",
    "political_status",
    "post_grade",
    "duty",
    "work_started_on",
    "entered_establishment_on",
    "recruitment",
    "departure_reason",
    "seconded_until",
];

/// Rows per multi-row statement: well under both databases' bound-parameter limits.
const BATCH: usize = 1000;

struct Checked {
    line: usize,
    institution: Arc<institution::Model>,
    person: NewPerson,
    over: bool,
    /// In post past the statutory retirement age today (inherited; counted in the report).
    past_age: bool,
    /// Where a person seconded out works, since when and on which papers, as the old system
    /// has it.
    secondment: Secondment,
    /// Why a person on the file as retired or left went.
    departure_reason: Option<DepartureReason>,
}

/// A secondment as the old system records it; any part may be missing (a secondment without
/// papers is an inherited fact, listed by the `secondedWithoutPapers` finding).
#[derive(Default)]
struct Secondment {
    to: Option<String>,
    since: Option<chrono::NaiveDate>,
    document_no: Option<String>,
    until: Option<chrono::NaiveDate>,
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
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    import_staff_rows(db, pii, &rows, accept_over_establishment, None, &Actor::system("import staff"), None).await
}

/// Rows checked between two progress reports.
const PROGRESS_EVERY: usize = 500;

/// Told how far a large import has gone: the stage (`checking`, `checked` or `written`), rows
/// done, rows in all.
pub type Progress<'a> = Option<&'a (dyn Fn(&str, usize, usize) + Send + Sync)>;

/// `api import staff` with its progress shown as it goes.
pub async fn import_staff_with_progress(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    path: &Path,
    accept_over_establishment: bool,
    progress: Progress<'_>,
) -> anyhow::Result<ImportReport> {
    let rows = match read_rows(path, &COLUMNS) {
        Ok(rows) => rows,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    import_staff_rows(db, pii, &rows, accept_over_establishment, None, &Actor::system("import staff"), progress).await
}

/// Imports checked rows, all or none. `within` keeps the import to one jurisdiction's
/// institutions (an office's upload): another's credit code reads as unknown.
///
/// "One person, one slot" (一人一编) is checked against people elsewhere only for a file that is
/// right in every other way, and a person held outside what the office reads is not named: the
/// refusal says only that someone in the file holds a slot elsewhere (`held_elsewhere`), so a
/// file of candidate ID numbers answers the same whichever of them is real. The caller counts
/// such a refusal against the prober's allowance, as a refused hire is counted.
pub async fn import_staff_rows(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    rows: &[super::Row],
    accept_over_establishment: bool,
    within: Option<Within<'_>>,
    actor: &Actor,
    progress: Progress<'_>,
) -> anyhow::Result<ImportReport> {
    let txn = begin_write(db).await?;
    let institutions = institutions_by_code(&txn, rows, within.map(|w| w.own)).await?;
    let named = institutions_by_name(&txn, rows, within.map(|w| w.own)).await?;
    let mut errors = RowErrors::default();
    let mut checked = Vec::new();
    let mut slot_holders: HashMap<String, usize> = HashMap::new();
    let mut people: HashMap<String, usize> = HashMap::new();
    for (n, row) in rows.iter().enumerate() {
        if let Some(tell) = progress
            && n % PROGRESS_EVERY == 0
            && n > 0
        {
            tell("checking", n, rows.len());
        }
        let mut check = Check::new(row, &mut errors);
        let national_id = check.field("national_id", NationalId::parse);
        let name = check.field("name", |v| codes::name("name", v));
        let active = |found: &Arc<institution::Model>| {
            if found.status != InstitutionStatus::Active {
                return Err(format!("institution `{}` is no longer active", found.name));
            }
            Ok(Arc::clone(found))
        };
        // A unit without a credit code (not a legal person) is named instead: 单位名称.
        let institution = if row.get("institution_credit_code").is_empty() && !row.get("institution_name").is_empty() {
            check.field("institution_name", |v| match named.get(v).map(Vec::as_slice) {
                Some([one]) => active(one),
                Some(many) if many.len() > 1 => {
                    Err(format!("{} institutions are named `{v}`: give the unit's credit code", many.len()))
                }
                _ => Err(format!("no institution is named `{v}`")),
            })
        } else {
            check.field("institution_credit_code", |v| {
                let found = institutions
                    .get(&v.to_ascii_uppercase())
                    .ok_or_else(|| format!("no institution has credit code `{v}`"))?;
                active(found)
            })
        };
        let category = check.word("category", StaffCategory::from_word);
        let basis = check.word("basis", StaffBasis::from_word);
        let status = check.word("status", StaffStatus::from_word);
        let hire_date = check.date("hire_date");
        if let (Some(id), Some(hired)) = (&national_id, hire_date)
            && hired < id.birth_date()
        {
            check.fail("hire_date: before the person's birth date");
        }
        // Inherited data is a fact, not a request: someone in post past the statutory age is
        // recorded and counted (the report says how many), never refused.
        let mut past_age = false;
        if let (Some(id), Some(hired), Some(category), Some(StaffStatus::Active | StaffStatus::SecondedOut)) =
            (&national_id, hire_date, category, status)
            && hired >= id.birth_date()
        {
            match crate::staff::retirement::check_inherited_age(id, category, hired) {
                Ok(past) => past_age = past,
                Err(refusal) => check.fail(format!("national_id: {}", refusal.message())),
            }
        }
        // One person is one line of the list, whatever their status: a person retired on one
        // line and active on another is two records of one life.
        if let Some(id) = &national_id {
            let hash = pii.lookup_hash(id.as_str());
            if let Some(first) = people.insert(hash.clone(), row.line) {
                check.fail(format!("national_id: the same person is on line {first}"));
            }
            let holds = matches!((basis, status), (Some(b), Some(s)) if b.funding().is_some() && s.holds_slot());
            if holds {
                slot_holders.insert(hash, row.line);
            }
        }
        // Where the old system has them: a secondment's destination and start (a secondment
        // without papers is recorded as it is), and whether temporary staff are paid by the budget.
        let seconded_to = check.optional("seconded_to", |c| c.field("seconded_to", |v| codes::name("seconded_to", v)));
        let seconded_since = check.optional("seconded_since", |c| c.date("seconded_since"));
        let document_no =
            check.optional("secondment_document_no", |c| c.field("secondment_document_no", codes::document_no));
        let paid_by_budget = check.optional("paid_by_budget", |c| c.yes_no("paid_by_budget"));
        if paid_by_budget == Some(Some(true)) && basis.is_some_and(|b| b != StaffBasis::Temporary) {
            check.fail("paid_by_budget: only temporary staff (编外) are marked paid by the budget");
        }
        if (seconded_to.as_ref().is_some_and(Option::is_some)
            || seconded_since.is_some_and(|d| d.is_some())
            || document_no.as_ref().is_some_and(Option::is_some))
            && status.is_some_and(|s| s != StaffStatus::SecondedOut)
        {
            check.fail("seconded_to: a secondment is recorded for people seconded out (SECONDED_OUT)");
        }
        if let (Some(Some(since)), Some(hired)) = (seconded_since, hire_date)
            && since < hired
        {
            check.fail("seconded_since: before the hire date");
        }
        let seconded_until = check.optional("seconded_until", |c| {
            c.field("seconded_until", |v| crate::labels::date(v).ok_or_else(|| format!("`{v}` is not a date")))
        });
        if seconded_until.is_some_and(|d| d.is_some()) && status.is_some_and(|s| s != StaffStatus::SecondedOut) {
            check.fail("seconded_until: a secondment's term is for people seconded out (SECONDED_OUT)");
        }
        let recruitment = check.optional("recruitment", |c| c.word("recruitment", Recruitment::from_word));
        let departure_reason =
            check.optional("departure_reason", |c| c.word("departure_reason", DepartureReason::from_word));
        let departure_reason = match (departure_reason, status) {
            (Some(Some(_)), Some(StaffStatus::Active | StaffStatus::SecondedOut)) => {
                check.fail("departure_reason: only for people who retired or left");
                None
            }
            (Some(None), Some(StaffStatus::Retired)) => Some(Some(DepartureReason::Retirement)),
            (reason, _) => reason,
        };
        let facts = match (category, &national_id) {
            (Some(category), Some(id)) => person_facts(&mut check, category, id.birth_date()),
            _ => Some(Default::default()),
        };
        if let (
            Some(national_id),
            Some(name),
            Some(institution),
            Some(category),
            Some(basis),
            Some(status),
            Some(hire_date),
            Some(seconded_to),
            Some(seconded_since),
            Some(document_no),
            Some(paid_by_budget),
            Some(seconded_until),
            Some(recruitment),
            Some(departure_reason),
            Some(facts),
        ) = (
            national_id,
            name,
            institution,
            category,
            basis,
            status,
            hire_date,
            seconded_to,
            seconded_since,
            document_no,
            paid_by_budget,
            seconded_until,
            recruitment,
            departure_reason,
            facts,
        ) {
            let title_level = Some(row.get("title_level")).filter(|t| !t.is_empty()).map(str::to_string);
            let paid_by_budget = paid_by_budget.unwrap_or(false);
            let person = NewPerson {
                name,
                national_id,
                category,
                basis,
                status,
                hire_date,
                title_level,
                paid_by_budget,
                facts,
                recruitment,
            };
            let secondment = Secondment { to: seconded_to, since: seconded_since, document_no, until: seconded_until };
            let line = row.line;
            checked.push(Checked { line, institution, person, over: false, past_age, secondment, departure_reason });
        }
    }
    if errors.is_empty() {
        check_filed_totals(&txn, &checked, &mut errors).await?;
    }
    let balances = lock_balances(&txn, &checked).await?;
    let occupy = check_capacity(&balances, &mut checked, accept_over_establishment, &mut errors);
    if !errors.is_empty() {
        txn.rollback().await?;
        return Ok(ImportReport::refused(errors));
    }
    // Only now, with every row right, against the people of other institutions.
    let held_elsewhere = check_existing_slots(&txn, &slot_holders, within, &mut errors).await?;
    if !errors.is_empty() {
        txn.rollback().await?;
        return Ok(ImportReport { held_elsewhere, ..ImportReport::refused(errors) });
    }

    if let Some(tell) = progress {
        tell("checked", rows.len(), rows.len());
    }
    occupy_slots(&txn, &balances, &occupy).await?;
    let report = write_people(&txn, pii, actor, checked, progress).await?;
    crate::write::commit(txn).await?;
    Ok(report)
}

/// A row's record facts (学历, 民族, 岗位等级...), as codes or their labels.
fn person_facts(
    check: &mut Check<'_>,
    category: StaffCategory,
    born: chrono::NaiveDate,
) -> Option<crate::staff::record::PersonFacts> {
    let text = |c: &mut Check<'_>, column: &str| Some(c.row_text(column)).filter(|t| !t.is_empty());
    let input = crate::staff::record::PersonFactsInput {
        education: text(check, "education"),
        degree: text(check, "degree"),
        ethnicity: text(check, "ethnicity"),
        political_status: text(check, "political_status"),
        post_grade: text(check, "post_grade"),
        duty: text(check, "duty"),
        work_started_on: check
            .optional("work_started_on", |c| c.date("work_started_on"))?
            .map(crate::graphql::date::Day),
        entered_establishment_on: check
            .optional("entered_establishment_on", |c| c.date("entered_establishment_on"))?
            .map(crate::graphql::date::Day),
    };
    match input.check(category, born) {
        Ok(facts) => Some(facts),
        Err(reason) => {
            // The record's reasons name the GraphQL field; a file names its column.
            let reason = match reason.split_once(':') {
                Some((field, rest)) => format!("{}:{rest}", snake(field)),
                None => reason,
            };
            check.fail(reason);
            None
        }
    }
}

/// `politicalStatus` as a file's column: `political_status`.
fn snake(field: &str) -> String {
    field.chars().fold(String::new(), |mut out, c| {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        out
    })
}

/// The file's institutions by credit code, each code asked once.
async fn institutions_by_code<C: ConnectionTrait>(
    db: &C,
    rows: &[super::Row],
    within: Option<i32>,
) -> anyhow::Result<HashMap<String, Arc<institution::Model>>> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.get("institution_credit_code").to_ascii_uppercase()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut found = HashMap::new();
    for chunk in codes.chunks(BATCH) {
        let mut query =
            institution::Entity::find().filter(institution::Column::CreditCode.is_in(chunk.iter().cloned()));
        if let Some(jurisdiction) = within {
            query = query.filter(institution::Column::JurisdictionId.eq(jurisdiction));
        }
        let rows = query.all(db).await?;
        found.extend(rows.into_iter().filter_map(|i| Some((i.credit_code.clone()?, Arc::new(i)))));
    }
    Ok(found)
}

/// The institutions the file names without a credit code (`institution_name`), by name: within
/// the office's own jurisdiction for an upload.
async fn institutions_by_name<C: ConnectionTrait>(
    db: &C,
    rows: &[super::Row],
    within: Option<i32>,
) -> anyhow::Result<HashMap<String, Vec<Arc<institution::Model>>>> {
    let mut names: Vec<&str> = rows
        .iter()
        .filter(|r| r.get("institution_credit_code").is_empty())
        .map(|r| r.get("institution_name"))
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut found: HashMap<String, Vec<Arc<institution::Model>>> = HashMap::new();
    for chunk in names.chunks(BATCH) {
        let mut query = institution::Entity::find()
            .filter(institution::Column::Name.is_in(chunk.iter().map(|n| n.to_string())))
            .filter(institution::Column::Status.eq(InstitutionStatus::Active));
        if let Some(jurisdiction) = within {
            query = query.filter(institution::Column::JurisdictionId.eq(jurisdiction));
        }
        for unit in query.all(db).await? {
            found.entry(unit.name.clone()).or_default().push(Arc::new(unit));
        }
    }
    Ok(found)
}

/// Says that a person of the file holds a slot outside what the office reads, without naming them.
pub const HELD_ELSEWHERE: &str = "a person in the file already holds an establishment slot outside this office's \
     jurisdictions (一人一编); the line is not named. Check the file's ID numbers with the office that holds them";

/// "One person, one slot" against people already on any list. A holder the importer reads is
/// named by line; one it does not read is only counted (answers whether there was any).
async fn check_existing_slots<C: ConnectionTrait>(
    db: &C,
    slot_holders: &HashMap<String, usize>,
    within: Option<Within<'_>>,
    errors: &mut RowErrors,
) -> anyhow::Result<bool> {
    let hashes: Vec<String> = slot_holders.keys().cloned().collect();
    let mut elsewhere = false;
    let mut named = Vec::new();
    for chunk in hashes.chunks(BATCH) {
        let taken: Vec<(Option<String>, i32)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::SlotKey)
            .column(staff::Column::JurisdictionId)
            .filter(staff::Column::SlotKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for (hash, jurisdiction) in taken {
            let Some(line) = hash.and_then(|h| slot_holders.get(&h)) else { continue };
            if Within::reads(within, jurisdiction) {
                named.push(*line);
            } else {
                elsewhere = true;
            }
        }
    }
    named.sort_unstable();
    for line in named {
        errors.push(RowError {
            line,
            reason: "national_id: this person already holds an establishment slot (一人一编)".into(),
        });
    }
    if elsewhere {
        errors.push(RowError { line: 0, reason: HELD_ELSEWHERE.into() });
    }
    Ok(elsewhere)
}

/// Filed staff (备案制) go only to a hospital with an approved filing, within its total; rows
/// are taken in file order, as hiring them one by one would.
async fn check_filed_totals<C: ConnectionTrait>(
    db: &C,
    checked: &[Checked],
    errors: &mut RowErrors,
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
    errors: &mut RowErrors,
) -> HashMap<(i32, Funding), i32> {
    let mut vacant: HashMap<(i32, Funding), i32> =
        balances.iter().map(|(key, b)| (*key, crate::establishment::balance::vacant(b))).collect();
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
