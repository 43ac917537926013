//! Writing a checked institutions file in bulk: the rules checked once per jurisdiction for
//! the whole file, then the institutions with ids taken beforehand, their balances, first
//! classification decisions and ledger rows, a few bulk statements per thousand units, and
//! each unit's audit row linked to the chain.

use std::collections::{BTreeMap, HashMap};

use entity::enums::{Classification, EventKind, Funding, InstitutionStatus};
use entity::institution;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{Checked, to_anyhow};
use crate::audit::{Actor, snapshot};
use crate::bulk;
use crate::error::ApiError;
use crate::establishment::{Recording, check_recorded_slots};
use crate::findings::UNDOCUMENTED;
use crate::import::{ImportReport, RowError};

const INSTITUTION_COLUMNS: [bulk::Column; 20] = [
    ("id", "int"),
    ("jurisdiction_id", "int"),
    ("department_id", "int"),
    ("credit_code", "text"),
    ("name", "text"),
    ("sector", "text"),
    ("level", "text"),
    ("funding_form", "text"),
    ("management_mode", "text"),
    ("classification", "text"),
    ("legal_person", "boolean"),
    ("established_on", "date"),
    ("status", "text"),
    ("merged_into_id", "int"),
    ("responsibilities", "text"),
    ("internal_bodies", "text"),
    ("leadership_posts", "text"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
    ("vacant_since", "date"),
];

const BALANCE_COLUMNS: [bulk::Column; 9] = [
    ("jurisdiction_id", "int"),
    ("institution_id", "int"),
    ("funding", "text"),
    ("approved", "int"),
    ("frozen", "int"),
    ("occupied", "int"),
    ("deposited", "int"),
    ("borrowed", "int"),
    ("updated_at", "timestamptz"),
];

const DECISION_COLUMNS: [bulk::Column; 8] = [
    ("jurisdiction_id", "int"),
    ("institution_id", "int"),
    ("classification", "text"),
    ("previous", "text"),
    ("document_no", "text"),
    ("decided_on", "date"),
    ("actor", "text"),
    ("created_at", "timestamptz"),
];

const EVENT_COLUMNS: [bulk::Column; 14] = [
    ("jurisdiction_id", "int"),
    ("institution_id", "int"),
    ("kind", "text"),
    ("funding", "text"),
    ("approved_delta", "int"),
    ("frozen_delta", "int"),
    ("deposited_delta", "int"),
    ("borrowed_delta", "int"),
    ("document_no", "text"),
    ("effective_on", "date"),
    ("reason", "text"),
    ("actor", "text"),
    ("created_at", "timestamptz"),
    ("operation", "text"),
];

/// Writes the checked units inside `txn`: the rules' refusal (with the line that crossed the
/// limit) as `Ok(Err(..))`, for the caller to roll back.
pub(super) async fn write_institutions<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    checked: Vec<Checked>,
    document: &str,
) -> anyhow::Result<Result<ImportReport, RowError>> {
    let mut report = ImportReport::default();
    match check_rules(txn, &checked).await? {
        Ok(notices) => report.notices = notices,
        Err(refusal) => return Ok(Err(refusal)),
    }
    // The departments the file names, each found (or made, and audited) once.
    let mut departments: HashMap<(i32, &str), i32> = HashMap::new();
    for c in &checked {
        if departments.contains_key(&(c.jurisdiction_id, c.department.as_str())) {
            continue;
        }
        let (department, created) =
            crate::jurisdiction::department::find_or_create(txn, actor, c.jurisdiction_id, &c.department)
                .await
                .map_err(to_anyhow)?;
        if created {
            report.created_departments.push(department.name.clone());
        }
        departments.insert((c.jurisdiction_id, c.department.as_str()), department.id);
    }
    let ids = bulk::allocate_ids(txn, "institution", checked.len()).await?;
    let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
    let stamp = bulk::stamp(now);
    let operation = crate::establishment::operation();
    let mut written = Vec::with_capacity(checked.len());
    let (mut units, mut balances, mut decisions, mut events) =
        (bulk::Rows::default(), bulk::Rows::default(), bulk::Rows::default(), bulk::Rows::default());
    for (c, id) in checked.iter().zip(ids) {
        let (number, decided_on) = match &c.decision {
            (Some(number), on) => (number.clone(), *on),
            // Without the file's decision, the slots are recorded as the import's, dated the
            // day the unit was established, and the document says it was not recorded.
            (None, on) => {
                let room = 100 - UNDOCUMENTED.chars().count();
                (document.chars().take(room).chain(UNDOCUMENTED.chars()).collect(), *on)
            }
        };
        let new = &c.new;
        let row = institution::Model {
            id,
            jurisdiction_id: c.jurisdiction_id,
            department_id: departments[&(c.jurisdiction_id, c.department.as_str())],
            credit_code: new.credit_code.as_ref().map(|code| code.as_str().to_string()),
            name: new.name.clone(),
            sector: new.sector,
            level: new.level,
            funding_form: new.funding_form,
            management_mode: new.management_mode,
            classification: c.classification,
            legal_person: new.legal_person,
            established_on: new.established_on,
            status: InstitutionStatus::Active,
            merged_into_id: None,
            responsibilities: new.responsibilities.clone(),
            internal_bodies: serde_json::to_string(&new.internal_bodies)?,
            leadership_posts: serde_json::to_string(&new.leadership_posts)?,
            created_at: now,
            updated_at: now,
            vacant_since: new.vacant_since,
            address: None,
            legal_representative: None,
            head: None,
        };
        let mut unit = bulk::object(&row);
        unit.insert("created_at".into(), stamp.clone());
        unit.insert("updated_at".into(), stamp.clone());
        units.push(unit);
        for funding in Funding::all() {
            let approved = c.approved.iter().find(|(f, _)| f == funding).map_or(0, |(_, n)| *n);
            balances.push(bulk::object(&json!({
                "jurisdiction_id": c.jurisdiction_id, "institution_id": id, "funding": funding.word(),
                "approved": approved, "frozen": 0, "occupied": 0, "deposited": 0, "borrowed": 0, "updated_at": stamp,
            })));
            if approved > 0 {
                events.push(bulk::object(&json!({
                    "jurisdiction_id": c.jurisdiction_id, "institution_id": id, "kind": EventKind::Approve.word(),
                    "funding": funding.word(), "approved_delta": approved, "frozen_delta": 0, "deposited_delta": 0,
                    "borrowed_delta": 0, "document_no": number, "effective_on": decided_on,
                    "reason": "initial establishment (import)", "actor": actor.subject, "created_at": stamp,
                    "operation": operation,
                })));
            }
        }
        if c.classification != Classification::Unclassified {
            decisions.push(bulk::object(&json!({
                "jurisdiction_id": c.jurisdiction_id, "institution_id": id,
                "classification": c.classification.word(), "previous": Classification::Unclassified.word(),
                "document_no": number, "decided_on": decided_on, "actor": actor.subject, "created_at": stamp,
            })));
        }
        written.push(row);
    }
    bulk::insert(txn, "institution", &INSTITUTION_COLUMNS, units).await?;
    bulk::insert(txn, "establishment_balance", &BALANCE_COLUMNS, balances).await?;
    bulk::insert(txn, "classification_decision", &DECISION_COLUMNS, decisions).await?;
    bulk::insert(txn, "establishment_event", &EVENT_COLUMNS, events).await?;
    // Every writer takes the touched jurisdictions' totals before the audit chain's head
    // (crate::write::commit): the new balances' totals are settled (and so locked) first.
    crate::totals::settle(txn).await?;
    let head = crate::audit::head(txn, true).await?;
    let mut chain = (head.seq, head.hash);
    let mut audits = bulk::Rows::default();
    for row in &written {
        let link = bulk::Link { actor, now, jurisdiction_id: row.jurisdiction_id, entity_id: row.id };
        audits.push(link.row("institution.import", "institution", snapshot(row).map(|v| v.to_string()), &mut chain));
    }
    bulk::insert(txn, "audit_log", &bulk::AUDIT_COLUMNS, audits).await?;
    crate::audit::advance_head(txn, chain.0, &chain.1).await?;
    report.written = written.len();
    Ok(Ok(report))
}

/// The rules an approval of slots keeps (the control figure handed down, the control ceiling),
/// checked once per jurisdiction for the whole file: its total and its fiscal slots. Only when
/// a jurisdiction's file is refused are its lines walked, adding up, to name the first line
/// past the limit (the line at which writing the file row by row would have been refused).
async fn check_rules<C: ConnectionTrait>(
    txn: &C,
    checked: &[Checked],
) -> anyhow::Result<Result<Vec<String>, RowError>> {
    let mut by_jurisdiction: BTreeMap<i32, Vec<&Checked>> = BTreeMap::new();
    for c in checked.iter().filter(|c| c.approved.iter().any(|(_, n)| *n > 0)) {
        by_jurisdiction.entry(c.jurisdiction_id).or_default().push(c);
    }
    let mut notices: Vec<String> = Vec::new();
    for (jurisdiction, lines) in by_jurisdiction {
        let total: i32 = lines.iter().flat_map(|c| c.approved.iter().map(|(_, n)| *n)).sum();
        let fiscal: i32 = lines.iter().map(|c| slots_of(c, Funding::Fiscal)).sum();
        match sums_allowed(txn, jurisdiction, total, fiscal).await? {
            Ok(found) => {
                for notice in found {
                    if !notices.contains(&notice) {
                        notices.push(notice);
                    }
                }
            }
            Err(_) => {
                let (mut total, mut fiscal) = (0, 0);
                for c in lines {
                    for (funding, slots) in c.approved.iter().filter(|(_, n)| *n > 0) {
                        total += slots;
                        if *funding == Funding::Fiscal {
                            fiscal += slots;
                        }
                        if let Err(reason) = sums_allowed(txn, jurisdiction, total, fiscal).await? {
                            let column =
                                if *funding == Funding::Fiscal { "approved_fiscal" } else { "approved_self_financed" };
                            return Ok(Err(RowError { line: c.line, reason: format!("{column}: {reason}") }));
                        }
                    }
                }
            }
        }
    }
    Ok(Ok(notices))
}

fn slots_of(c: &Checked, funding: Funding) -> i32 {
    c.approved.iter().filter(|(f, _)| *f == funding).map(|(_, n)| *n).sum()
}

/// Whether `total` more slots, `fiscal` of them fiscally funded, may be recorded in the
/// jurisdiction: the notices to give, or the rule's refusal.
async fn sums_allowed<C: ConnectionTrait>(
    txn: &C,
    jurisdiction: i32,
    total: i32,
    fiscal: i32,
) -> anyhow::Result<Result<Vec<String>, String>> {
    let mut notices = Vec::new();
    // The figure and the total ceiling count every slot; the fiscal ceiling, the fiscal ones.
    let checks = [(Funding::SelfFinanced, total), (Funding::Fiscal, fiscal)];
    for (funding, slots) in checks.into_iter().filter(|(_, n)| *n > 0) {
        match check_recorded_slots(txn, jurisdiction, funding, slots, Recording::Inventory).await {
            Ok(notice) => notices.extend(notice),
            Err(ApiError::Conflict(reason) | ApiError::BadInput(reason)) => return Ok(Err(reason)),
            Err(error) => return Err(to_anyhow(error)),
        }
    }
    Ok(Ok(notices))
}
