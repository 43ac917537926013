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

use std::collections::{HashMap, HashSet};

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
use crate::import::Row;
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

/// What a reconciliation answers (CONTRACT.md), with the saved run's id.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub id: i32,
    pub rows: usize,
    pub payroll_people: usize,
    pub fiscal_supported: usize,
    pub in_establishment_not_paid: Vec<Item>,
    pub paid_not_in_establishment: Vec<Item>,
    pub paid_elsewhere: Vec<Item>,
    pub paid_past_retirement: Vec<Item>,
    pub unreadable: Vec<Item>,
}

/// A roster person, with what the checks read.
struct Held {
    id: i32,
    name: String,
    institution_id: i32,
    basis: StaffBasis,
    status: StaffStatus,
    paid_by_budget: bool,
    category: entity::enums::StaffCategory,
    extended_to: Option<chrono::NaiveDate>,
    cipher: String,
    hash: String,
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

/// Checks `rows` (the file, its SHA-256 over `bytes`) against the roster of `jurisdictions`
/// (the checked one first) and saves the run; the roster is not changed.
#[allow(clippy::too_many_arguments)]
pub async fn reconcile(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    actor: &Actor,
    jurisdictions: &[i32],
    include_descendants: bool,
    rows: &[Row],
    bytes: &[u8],
) -> ApiResult<Outcome> {
    let office = scope.office()?.id;
    let units: Vec<(i32, String, Option<String>)> = scope
        .institutions_in(jurisdictions)?
        .select_only()
        .columns([institution::Column::Id, institution::Column::Name, institution::Column::CreditCode])
        .into_tuple()
        .all(db)
        .await?;
    let unit_name: HashMap<i32, String> = units.iter().map(|(id, name, _)| (*id, name.clone())).collect();
    let by_code: HashMap<String, i32> =
        units.iter().filter_map(|(id, _, code)| code.as_ref().map(|c| (c.to_ascii_uppercase(), *id))).collect();
    let roster: Vec<Held> = scope
        .staff_in(jurisdictions)?
        .filter(staff::Column::Status.ne(StaffStatus::Left))
        .all(db)
        .await?
        .into_iter()
        .map(|p| Held {
            id: p.id,
            name: p.name,
            institution_id: p.institution_id,
            basis: p.basis,
            status: p.status,
            paid_by_budget: p.paid_by_budget,
            category: p.category,
            extended_to: p.retirement_extended_to,
            cipher: p.national_id_cipher,
            hash: p.national_id_hash,
        })
        .collect();
    // A person on the roster twice (retired, then taken on again) is read as the record holding a slot.
    let mut by_hash: HashMap<&str, usize> = HashMap::with_capacity(roster.len());
    for (at, person) in roster.iter().enumerate() {
        let kept = by_hash.entry(person.hash.as_str()).or_insert(at);
        if person.holds_slot() {
            *kept = at;
        }
    }

    let today = Utc::now().date_naive();
    let mut outcome = Outcome {
        id: 0,
        rows: rows.len(),
        payroll_people: 0,
        fiscal_supported: roster.iter().filter(|p| p.fiscal_supported()).count(),
        in_establishment_not_paid: Vec::new(),
        paid_not_in_establishment: Vec::new(),
        paid_elsewhere: Vec::new(),
        paid_past_retirement: Vec::new(),
        unreadable: Vec::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut paid: HashSet<usize> = HashSet::new();
    for row in rows {
        let line = i32::try_from(row.line).ok();
        let (raw, name) = (row.get("national_id"), row.get("name").to_string());
        let code = row.get("institution_credit_code").to_ascii_uppercase();
        let payer = by_code.get(&code).copied();
        let named = payer.and_then(|id| unit_name.get(&id).cloned()).or_else(|| (!code.is_empty()).then_some(code));
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
                let shown = if raw.chars().count() == 18 {
                    mask_national_id(raw)
                } else {
                    "*".repeat(raw.chars().count().min(18))
                };
                outcome.unreadable.push(Item { reason: Some(reason), ..item(shown, named) });
                continue;
            }
        };
        if let Some(first) = seen.insert(id.as_str().to_string(), row.line) {
            let reason = format!("the same national ID as line {first}");
            outcome.unreadable.push(Item { reason: Some(reason), ..item(mask_national_id(id.as_str()), named) });
            continue;
        }
        let masked = mask_national_id(id.as_str());
        let Some(&at) = by_hash.get(pii.lookup_hash(id.as_str()).as_str()) else {
            outcome.paid_not_in_establishment.push(item(masked, named));
            continue;
        };
        paid.insert(at);
        let person = &roster[at];
        let holding = unit_name.get(&person.institution_id).cloned();
        let found =
            |institution: Option<String>| Item { staff_id: Some(person.id), ..item(masked.clone(), institution) };
        if person.status == StaffStatus::Retired {
            outcome.paid_past_retirement.push(found(holding));
        } else if !person.holds_slot() {
            if !(person.basis == StaffBasis::Temporary && person.paid_by_budget) {
                outcome.paid_not_in_establishment.push(found(holding.or(named)));
            }
        } else if past_retirement(&id, person, today) {
            outcome.paid_past_retirement.push(found(holding));
        } else if payer.is_some_and(|payer| payer != person.institution_id) {
            outcome.paid_elsewhere.push(Item { paid_by: named, ..found(holding) });
        }
    }
    outcome.payroll_people = seen.len();
    for (at, person) in roster.iter().enumerate() {
        if person.basis == StaffBasis::Fiscal && person.holds_slot() && !paid.contains(&at) {
            let number = pii.decrypt(&person.cipher).map_err(ApiError::Internal)?;
            outcome.in_establishment_not_paid.push(Item {
                line: None,
                name: person.name.clone(),
                national_id: mask_national_id(&number),
                institution: unit_name.get(&person.institution_id).cloned(),
                paid_by: None,
                reason: None,
                staff_id: Some(person.id),
            });
        }
    }
    outcome.id = save(db, actor, office, jurisdictions[0], include_descendants, bytes, &outcome).await?;
    Ok(outcome)
}

/// Past the statutory retirement day, with no agreed postponement running on `today`.
fn past_retirement(id: &NationalId, person: &Held, today: chrono::NaiveDate) -> bool {
    let sex = crate::staff::retirement::sex_of(id);
    let due = crate::staff::retirement::retirement_date(id.birth_date(), sex, person.category);
    due <= today && person.extended_to.is_none_or(|until| until < today)
}

/// Saves the run and its findings in one transaction, with its audit row; answers its id.
async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    office: i32,
    checked: i32,
    include_descendants: bool,
    bytes: &[u8],
    outcome: &Outcome,
) -> ApiResult<i32> {
    let count = |list: &[Item]| i32::try_from(list.len()).unwrap_or(i32::MAX);
    let txn = crate::db::begin_write(db).await?;
    let run = reconciliation::ActiveModel {
        jurisdiction_id: Set(office),
        checked_jurisdiction_id: Set(checked),
        include_descendants: Set(include_descendants),
        run_by: Set(actor.subject.clone()),
        run_at: Set(Utc::now()),
        file_sha256: Set(Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()),
        file_rows: Set(i32::try_from(outcome.rows).unwrap_or(i32::MAX)),
        payroll_people: Set(i32::try_from(outcome.payroll_people).unwrap_or(i32::MAX)),
        fiscal_supported: Set(i32::try_from(outcome.fiscal_supported).unwrap_or(i32::MAX)),
        in_establishment_not_paid: Set(count(&outcome.in_establishment_not_paid)),
        paid_not_in_establishment: Set(count(&outcome.paid_not_in_establishment)),
        paid_elsewhere: Set(count(&outcome.paid_elsewhere)),
        paid_past_retirement: Set(count(&outcome.paid_past_retirement)),
        unreadable: Set(count(&outcome.unreadable)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let lists = [
        (NOT_PAID, &outcome.in_establishment_not_paid),
        (NOT_IN_ESTABLISHMENT, &outcome.paid_not_in_establishment),
        (ELSEWHERE, &outcome.paid_elsewhere),
        (PAST_RETIREMENT, &outcome.paid_past_retirement),
        (UNREADABLE, &outcome.unreadable),
    ];
    let items: Vec<reconciliation_item::ActiveModel> = lists
        .iter()
        .flat_map(|(list, items)| {
            items.iter().map(|item| reconciliation_item::ActiveModel {
                reconciliation_id: Set(run.id),
                list: Set((*list).to_string()),
                line: Set(item.line),
                name: Set(item.name.clone()),
                national_id: Set(item.national_id.clone()),
                staff_id: Set(item.staff_id),
                institution: Set(item.institution.clone()),
                paid_by: Set(item.paid_by.clone()),
                reason: Set(item.reason.clone()),
                ..Default::default()
            })
        })
        .collect();
    for chunk in items.chunks(500) {
        reconciliation_item::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
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
