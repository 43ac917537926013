//! Payroll reconciliation (三个一致): the finance bureau's payroll (工资统发名单) or the HR
//! bureau's list, checked by ID number against the office's real-name roster (CONTRACT.md
//! `POST /reconciliations/payroll.csv|.xlsx`). Four lists come out:
//!
//! - in establishment, not paid: fiscally funded people holding a slot (in post or seconded)
//!   whom the file lacks;
//! - paid, not in establishment: rows whose person holds no slot in the checked jurisdictions
//!   and is not budget-paid temporary staff;
//! - paid elsewhere: rows paid by another of the jurisdictions' institutions than the one holding
//!   the person's slot;
//! - paid past retirement: rows whose person has retired, or is past the statutory age with no
//!   agreed extension running.
//!
//! Only the office's own roster is read: a row naming another jurisdiction's person reads as not
//! in establishment here, exactly as a made-up number does, so the file is no oracle on other
//! offices' people. The roster is not changed; the run is saved with its findings, which the
//! office reopens and resolves one by one (`graphql.rs`).

mod graphql;
mod spill;

use std::collections::HashMap;

use chrono::Utc;
use entity::enums::{StaffBasis, StaffStatus};
use entity::{institution, reconciliation, reconciliation_item, staff};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Change};
use crate::codes::{NationalId, mask_national_id};
use crate::error::{ApiError, ApiResult};
use crate::import::{ReadLimits, Row, RowErrors};
use crate::pii::PiiCipher;
use crate::scope::Scope;

pub use graphql::{ReconciliationMutation, ReconciliationQuery};

/// The file's columns (Chinese headers 身份证号, 姓名, 单位统一社会信用代码 read as these).
pub const COLUMNS: [&str; 3] = ["national_id", "name", "institution_credit_code"];

/// The lists, by the word items keep.
pub const NOT_PAID: &str = "IN_ESTABLISHMENT_NOT_PAID";
pub const NOT_IN_ESTABLISHMENT: &str = "PAID_NOT_IN_ESTABLISHMENT";
pub const ELSEWHERE: &str = "PAID_ELSEWHERE";
pub const PAST_RETIREMENT: &str = "PAID_PAST_RETIREMENT";
pub const UNREADABLE: &str = "UNREADABLE";
/// The lists in the order a run keeps them.
const LISTS: [&str; 5] = [NOT_PAID, NOT_IN_ESTABLISHMENT, ELSEWHERE, PAST_RETIREMENT, UNREADABLE];

pub use spill::ANSWERED;

/// One finding as the answer and the saved run give it.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub line: Option<i32>,
    pub name: String,
    pub national_id: String,
    pub institution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    staff_id: Option<i32>,
}

/// How many items each list has in all (the answer's lists carry the first [`ANSWERED`]).
#[derive(Serialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub in_establishment_not_paid: usize,
    pub paid_not_in_establishment: usize,
    pub paid_elsewhere: usize,
    pub paid_past_retirement: usize,
    pub unreadable: usize,
}

/// What a reconciliation answers (CONTRACT.md), with the saved run's id: each list's first
/// [`ANSWERED`] items and every list's count; the saved run has every item.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub id: i32,
    pub rows: usize,
    pub payroll_people: usize,
    pub fiscal_supported: usize,
    pub counts: Counts,
    pub in_establishment_not_paid: Vec<Item>,
    pub paid_not_in_establishment: Vec<Item>,
    pub paid_elsewhere: Vec<Item>,
    pub paid_past_retirement: Vec<Item>,
    pub unreadable: Vec<Item>,
}

/// A roster person, with what the checks read (the name and sealed number are read afterwards,
/// only for those the file lacks).
struct Held {
    id: i32,
    institution_id: i32,
    basis: StaffBasis,
    status: StaffStatus,
    paid_by_budget: bool,
    category: entity::enums::StaffCategory,
    extended_to: Option<chrono::NaiveDate>,
}

impl Held {
    /// Holds a slot: in establishment, in post or seconded.
    fn holds_slot(&self) -> bool {
        self.basis != StaffBasis::Temporary && matches!(self.status, StaffStatus::Active | StaffStatus::SecondedOut)
    }

    /// The budget pays them: fiscal and holding a slot, or budget-paid temporary staff.
    fn fiscal_supported(&self) -> bool {
        let present = matches!(self.status, StaffStatus::Active | StaffStatus::SecondedOut);
        present && (self.basis == StaffBasis::Fiscal || (self.basis == StaffBasis::Temporary && self.paid_by_budget))
    }
}

/// The checked jurisdictions' roster and institutions, compact enough for a province (about 60
/// bytes a person): each person's keyed hash in a sorted list rather than a map.
pub struct Roster {
    people: Vec<Held>,
    /// (keyed hash of the ID number, index into `people`), sorted.
    by_key: Vec<([u8; 32], u32)>,
    unit_name: HashMap<i32, String>,
    by_code: HashMap<String, i32>,
}

/// A stored keyed hash (hex) as its bytes.
fn key_of(hex: &str) -> Option<[u8; 32]> {
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

type RosterRow =
    (i32, i32, StaffBasis, StaffStatus, bool, entity::enums::StaffCategory, Option<chrono::NaiveDate>, String);

/// Loads the roster of `jurisdictions` (every person not gone), streamed into its compact form.
pub async fn roster(db: &DatabaseConnection, scope: &Scope, jurisdictions: &[i32]) -> ApiResult<Roster> {
    use futures_util::TryStreamExt;
    let units: Vec<(i32, String, Option<String>)> = scope
        .institutions_in(jurisdictions)?
        .select_only()
        .columns([institution::Column::Id, institution::Column::Name, institution::Column::CreditCode])
        .into_tuple()
        .all(db)
        .await?;
    let by_code =
        units.iter().filter_map(|(id, _, code)| code.as_ref().map(|c| (c.to_ascii_uppercase(), *id))).collect();
    let unit_name = units.into_iter().map(|(id, name, _)| (id, name)).collect();
    let mut people = Vec::new();
    let mut by_key = Vec::new();
    let mut rows = scope
        .staff_in(jurisdictions)?
        .select_only()
        .columns([
            staff::Column::Id,
            staff::Column::InstitutionId,
            staff::Column::Basis,
            staff::Column::Status,
            staff::Column::PaidByBudget,
            staff::Column::Category,
            staff::Column::RetirementExtendedTo,
            staff::Column::NationalIdHash,
        ])
        .filter(staff::Column::Status.ne(StaffStatus::Left))
        .into_tuple::<RosterRow>()
        .stream(db)
        .await?;
    while let Some((id, institution_id, basis, status, paid_by_budget, category, extended_to, hash)) =
        rows.try_next().await?
    {
        let Some(key) = key_of(&hash) else { continue };
        by_key.push((key, people.len() as u32));
        people.push(Held { id, institution_id, basis, status, paid_by_budget, category, extended_to });
    }
    drop(rows);
    // A person on the roster twice (retired, then taken on again) is read as the record holding a
    // slot: among equal keys, the one holding a slot sorts first.
    by_key.sort_unstable_by_key(|(key, at)| (*key, !people[*at as usize].holds_slot(), *at));
    by_key.dedup_by_key(|(key, _)| *key);
    Ok(Roster { people, by_key, unit_name, by_code })
}

impl Roster {
    fn find(&self, key: &[u8; 32]) -> Option<usize> {
        self.by_key.binary_search_by(|(k, _)| k.cmp(key)).ok().map(|i| self.by_key[i].1 as usize)
    }
}

/// What the file's rows gave, before the people it lacks are added and the run saved.
pub struct Checked {
    outcome: Outcome,
    /// The line that paid each roster person (0: not paid).
    paid: Vec<u32>,
    spill: spill::Spill,
    /// A temporary file that could not be written: the run fails.
    failed: Option<std::io::Error>,
}

impl Checked {
    /// Records a finding of list `LISTS[list]`: kept in the answer while the list is short.
    fn put(&mut self, list: usize, item: Item) {
        if let Err(e) = self.spill.add(list, &item) {
            self.failed.get_or_insert(e);
        }
        let o = &mut self.outcome;
        let kept = match list {
            0 => &mut o.in_establishment_not_paid,
            1 => &mut o.paid_not_in_establishment,
            2 => &mut o.paid_elsewhere,
            3 => &mut o.paid_past_retirement,
            _ => &mut o.unreadable,
        };
        if kept.len() < ANSWERED {
            kept.push(item);
        }
    }
}

/// Reads the payroll row by row (on a blocking thread) and checks each against the roster; a
/// file that cannot be read answers its reasons.
pub fn check(roster: &Roster, pii: &PiiCipher, bytes: &[u8], extension: &str) -> ApiResult<Result<Checked, RowErrors>> {
    let today = Utc::now().date_naive();
    let fiscal_supported = roster.people.iter().filter(|p| p.fiscal_supported()).count();
    let mut checked = Checked {
        outcome: Outcome {
            id: 0,
            rows: 0,
            payroll_people: 0,
            fiscal_supported,
            counts: Counts::default(),
            in_establishment_not_paid: Vec::new(),
            paid_not_in_establishment: Vec::new(),
            paid_elsewhere: Vec::new(),
            paid_past_retirement: Vec::new(),
            unreadable: Vec::new(),
        },
        paid: vec![0; roster.people.len()],
        spill: spill::Spill::new().map_err(ApiError::internal)?,
        failed: None,
    };
    // Numbers of people not on the roster, by their first line (to tell a row paid twice).
    let mut strangers: HashMap<u64, u32> = HashMap::new();
    let mut each = |row: &Row| check_row(roster, pii, today, row, &mut checked, &mut strangers);
    let rows = match crate::import::for_each_row(bytes, extension, &COLUMNS, ReadLimits::PAYROLL, &mut each) {
        Ok(rows) => rows,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(e) = checked.failed.take() {
        return Err(ApiError::internal(e));
    }
    checked.outcome.rows = rows;
    checked.outcome.payroll_people = checked.paid.iter().filter(|line| **line > 0).count() + strangers.len();
    Ok(Ok(checked))
}

/// The first 8 bytes of a keyed hash: enough to tell a million numbers apart (a chance collision
/// among 10^6 is about 3 in 10^8, and the key keeps anyone from making one), at a quarter of the
/// memory.
fn short_key(key: &[u8; 32]) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&key[..8]);
    u64::from_le_bytes(first)
}

fn check_row(
    roster: &Roster,
    pii: &PiiCipher,
    today: chrono::NaiveDate,
    row: &Row,
    checked: &mut Checked,
    strangers: &mut HashMap<u64, u32>,
) {
    let line = i32::try_from(row.line).ok();
    let (raw, name) = (row.get("national_id"), row.get("name").to_string());
    let code = row.get("institution_credit_code").to_ascii_uppercase();
    let payer = roster.by_code.get(&code).copied();
    let named = payer.and_then(|id| roster.unit_name.get(&id).cloned()).or_else(|| (!code.is_empty()).then_some(code));
    let item = |national_id: String, institution: Option<String>| Item {
        line,
        name: name.clone(),
        national_id,
        institution,
        paid_by: None,
        reason: None,
        staff_id: None,
    };
    let id = match NationalId::parse(raw) {
        Ok(id) => id,
        Err(reason) => {
            let shown =
                if raw.chars().count() == 18 { mask_national_id(raw) } else { "*".repeat(raw.chars().count().min(18)) };
            checked.put(4, Item { reason: Some(reason), ..item(shown, named) });
            return;
        }
    };
    let masked = mask_national_id(id.as_str());
    let key = pii.lookup_key(id.as_str());
    let repeated = |first: usize| Item {
        reason: Some(format!("the same national ID as line {first}")),
        ..item(masked.clone(), named.clone())
    };
    let Some(at) = roster.find(&key) else {
        match strangers.entry(short_key(&key)) {
            std::collections::hash_map::Entry::Occupied(first) => checked.put(4, repeated(*first.get() as usize)),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(u32::try_from(row.line).unwrap_or(u32::MAX));
                checked.put(1, item(masked, named));
            }
        }
        return;
    };
    if checked.paid[at] > 0 {
        checked.put(4, repeated(checked.paid[at] as usize));
        return;
    }
    checked.paid[at] = u32::try_from(row.line).unwrap_or(u32::MAX).max(1);
    let person = &roster.people[at];
    let holding = roster.unit_name.get(&person.institution_id).cloned();
    let found = |institution: Option<String>| Item { staff_id: Some(person.id), ..item(masked.clone(), institution) };
    if person.status == StaffStatus::Retired {
        checked.put(3, found(holding));
    } else if !person.holds_slot() {
        if !(person.basis == StaffBasis::Temporary && person.paid_by_budget) {
            checked.put(1, found(holding.or(named)));
        }
    } else if past_retirement(&id, person, today) {
        checked.put(3, found(holding));
    } else if payer.is_some_and(|payer| payer != person.institution_id) {
        checked.put(2, Item { paid_by: named, ..found(holding) });
    }
}

/// Adds the fiscal people holding a slot whom the file lacks (their names and sealed numbers
/// read now, for those only) and saves the run; the roster is not changed.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    actor: &Actor,
    jurisdictions: &[i32],
    include_descendants: bool,
    roster: &Roster,
    checked: Checked,
    bytes: &[u8],
) -> ApiResult<Outcome> {
    let office = scope.office()?.id;
    let mut checked = checked;
    let unpaid: Vec<usize> = (0..roster.people.len())
        .filter(|&at| {
            checked.paid[at] == 0 && roster.people[at].basis == StaffBasis::Fiscal && roster.people[at].holds_slot()
        })
        .collect();
    let mut sealed: HashMap<i32, (String, String)> = HashMap::with_capacity(unpaid.len());
    for chunk in unpaid.chunks(5_000) {
        let ids = chunk.iter().map(|&at| roster.people[at].id);
        let rows: Vec<(i32, String, String)> = scope
            .staff_in(jurisdictions)?
            .select_only()
            .columns([staff::Column::Id, staff::Column::Name, staff::Column::NationalIdCipher])
            .filter(staff::Column::Id.is_in(ids))
            .into_tuple()
            .all(db)
            .await?;
        sealed.extend(rows.into_iter().map(|(id, name, cipher)| (id, (name, cipher))));
    }
    for at in unpaid {
        let person = &roster.people[at];
        let Some((name, cipher)) = sealed.remove(&person.id) else { continue };
        let number = pii.decrypt(&cipher).map_err(ApiError::Internal)?;
        checked.put(
            0,
            Item {
                line: None,
                name,
                national_id: mask_national_id(&number),
                institution: roster.unit_name.get(&person.institution_id).cloned(),
                paid_by: None,
                reason: None,
                staff_id: Some(person.id),
            },
        );
    }
    if let Some(e) = checked.failed.take() {
        return Err(ApiError::internal(e));
    }
    let Checked { mut outcome, spill, .. } = checked;
    let [a, b, c, d, e] = spill.counts;
    outcome.counts = Counts {
        in_establishment_not_paid: a,
        paid_not_in_establishment: b,
        paid_elsewhere: c,
        paid_past_retirement: d,
        unreadable: e,
    };
    outcome.id = save(db, actor, office, jurisdictions[0], include_descendants, bytes, &outcome, spill).await?;
    Ok(outcome)
}

/// Past the statutory retirement day, with no agreed postponement running on `today`.
fn past_retirement(id: &NationalId, person: &Held, today: chrono::NaiveDate) -> bool {
    let sex = crate::staff::retirement::sex_of(id);
    let due = crate::staff::retirement::retirement_date(id.birth_date(), sex, person.category);
    due <= today && person.extended_to.is_none_or(|until| until < today)
}

/// Saves the run and its findings in one transaction, with its audit row; answers its id.
#[allow(clippy::too_many_arguments)]
async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    office: i32,
    checked: i32,
    include_descendants: bool,
    bytes: &[u8],
    outcome: &Outcome,
    spill: spill::Spill,
) -> ApiResult<i32> {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let c = &outcome.counts;
    let txn = crate::db::begin_write(db).await?;
    let run = reconciliation::ActiveModel {
        jurisdiction_id: Set(office),
        checked_jurisdiction_id: Set(checked),
        include_descendants: Set(include_descendants),
        run_by: Set(actor.subject.clone()),
        run_at: Set(Utc::now()),
        file_sha256: Set(Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()),
        file_rows: Set(count(outcome.rows)),
        payroll_people: Set(count(outcome.payroll_people)),
        fiscal_supported: Set(count(outcome.fiscal_supported)),
        in_establishment_not_paid: Set(count(c.in_establishment_not_paid)),
        paid_not_in_establishment: Set(count(c.paid_not_in_establishment)),
        paid_elsewhere: Set(count(c.paid_elsewhere)),
        paid_past_retirement: Set(count(c.paid_past_retirement)),
        unreadable: Set(count(c.unreadable)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Read back from the temporary files 500 at a time, list by list: a province's findings are
    // never in memory whole.
    for (list, mut items) in LISTS.into_iter().zip(spill.read_back().map_err(ApiError::internal)?) {
        loop {
            let batch = items
                .by_ref()
                .take(500)
                .map(|stored| {
                    stored.map(|item| reconciliation_item::ActiveModel {
                        reconciliation_id: Set(run.id),
                        list: Set(list.to_string()),
                        line: Set(item.line),
                        name: Set(item.name),
                        national_id: Set(item.national_id),
                        staff_id: Set(item.staff_id),
                        institution: Set(item.institution),
                        paid_by: Set(item.paid_by),
                        reason: Set(item.reason),
                        ..Default::default()
                    })
                })
                .collect::<std::io::Result<Vec<_>>>()
                .map_err(ApiError::internal)?;
            if batch.is_empty() {
                break;
            }
            reconciliation_item::Entity::insert_many(batch).exec_without_returning(&txn).await?;
        }
    }
    audit::record(&txn, actor, Change::created("reconciliation.run", "reconciliation", run.id, office, &run)).await?;
    crate::write::commit(txn).await?;
    Ok(run.id)
}

/// A list's name in both languages, as the workbook heads its rows.
fn list_name(list: &str) -> (&'static str, &'static str) {
    match list {
        NOT_PAID => ("in establishment, not paid", "在编未发放"),
        NOT_IN_ESTABLISHMENT => ("paid, not in establishment", "发放但不在编"),
        ELSEWHERE => ("paid by another institution", "编制与发放单位不一致"),
        PAST_RETIREMENT => ("paid past retirement", "超龄或退休仍发放"),
        _ => ("unreadable row", "无法识别的行"),
    }
}

/// A saved run of the caller's own office as a workbook: its counts, then every finding with
/// how it was resolved (`GET /reconciliations/{id}.xlsx`).
pub async fn workbook(db: &DatabaseConnection, scope: &Scope, id: i32, chinese: bool) -> ApiResult<Vec<u8>> {
    use crate::export::{Cell, Sheet};
    let office = scope.office()?.id;
    let run = reconciliation::Entity::find_by_id(id)
        .filter(reconciliation::Column::JurisdictionId.eq(office))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("reconciliation {id} not found")))?;
    let items = reconciliation_item::Entity::find()
        .filter(reconciliation_item::Column::ReconciliationId.eq(id))
        .order_by_asc(reconciliation_item::Column::Id)
        .all(db)
        .await?;
    let text = |value: Option<&str>| value.map_or(Cell::Empty, |v| Cell::Text(v.to_string()));
    let number = |n: i32| Cell::Number(f64::from(n));
    let summary = Sheet {
        name: "summary",
        headers: vec![("figure", "项目"), ("value", "数值")],
        rows: vec![
            vec![Cell::Both { en: "run by".into(), zh: "核对人".into() }, Cell::Text(run.run_by.clone())],
            vec![
                Cell::Both { en: "run at (UTC)".into(), zh: "核对时间（UTC）".into() },
                Cell::Text(run.run_at.to_rfc3339()),
            ],
            vec![
                Cell::Both { en: "file SHA-256".into(), zh: "文件SHA-256".into() },
                Cell::Text(run.file_sha256.clone()),
            ],
            vec![Cell::Both { en: "rows".into(), zh: "文件行数".into() }, number(run.file_rows)],
            vec![Cell::Both { en: "people paid".into(), zh: "发放人数".into() }, number(run.payroll_people)],
            vec![
                Cell::Both { en: "fiscally supported (roster)".into(), zh: "财政供养人数（实名库）".into() },
                number(run.fiscal_supported),
            ],
            vec![
                Cell::Both { en: list_name(NOT_PAID).0.into(), zh: list_name(NOT_PAID).1.into() },
                number(run.in_establishment_not_paid),
            ],
            vec![
                Cell::Both {
                    en: list_name(NOT_IN_ESTABLISHMENT).0.into(),
                    zh: list_name(NOT_IN_ESTABLISHMENT).1.into(),
                },
                number(run.paid_not_in_establishment),
            ],
            vec![
                Cell::Both { en: list_name(ELSEWHERE).0.into(), zh: list_name(ELSEWHERE).1.into() },
                number(run.paid_elsewhere),
            ],
            vec![
                Cell::Both { en: list_name(PAST_RETIREMENT).0.into(), zh: list_name(PAST_RETIREMENT).1.into() },
                number(run.paid_past_retirement),
            ],
            vec![
                Cell::Both { en: list_name(UNREADABLE).0.into(), zh: list_name(UNREADABLE).1.into() },
                number(run.unreadable),
            ],
        ],
    };
    let findings = Sheet {
        name: "findings",
        headers: vec![
            ("list", "类别"),
            ("line", "行号"),
            ("name", "姓名"),
            ("national_id", "身份证号"),
            ("institution", "编制所在单位"),
            ("paid_by", "发放单位"),
            ("reason", "原因"),
            ("resolved_note", "处理情况"),
            ("resolved_by", "处理人"),
            ("resolved_at", "处理时间"),
        ],
        rows: items
            .iter()
            .map(|item| {
                let (en, zh) = list_name(&item.list);
                vec![
                    Cell::Both { en: en.into(), zh: zh.into() },
                    item.line.map_or(Cell::Empty, number),
                    Cell::Text(item.name.clone()),
                    Cell::Text(item.national_id.clone()),
                    text(item.institution.as_deref()),
                    text(item.paid_by.as_deref()),
                    match (&item.reason, chinese) {
                        (Some(reason), true) => Cell::Text(crate::labels::reason_zh(reason)),
                        (reason, _) => text(reason.as_deref()),
                    },
                    text(item.resolved_note.as_deref()),
                    text(item.resolved_by.as_deref()),
                    item.resolved_at.map_or(Cell::Empty, |at| Cell::Text(at.to_rfc3339())),
                ]
            })
            .collect(),
    };
    crate::export::xlsx_bytes(&[summary, findings], chinese).map_err(ApiError::Internal)
}
