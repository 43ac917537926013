//! Importing institutions with their initial establishment.

mod write;

use std::collections::HashMap;
use std::path::Path;

use entity::enums::{Classification, Funding, FundingForm, Level, ManagementMode, Sector};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::{Check, ImportReport, RowError, RowErrors, Within, import_document, read_rows};
use crate::audit::Actor;
use crate::codes::{self, CreditCode};
use crate::db::begin_write;
use crate::institution::{LeadershipPost, NewInstitution};

pub const COLUMNS: [&str; 13] = [
    "credit_code",
    "name",
    "jurisdiction",
    "department",
    "sector",
    "level",
    "funding_form",
    "management_mode",
    "classification",
    "legal_person",
    "established_on",
    "approved_fiscal",
    "approved_self_financed",
];

/// Columns the file may have beside the required ones: the old system's record of each unit.
pub const OPTIONAL: [&str; 6] =
    ["document_no", "approved_on", "responsibilities", "internal_bodies", "leadership_posts", "vacant_since"];

struct Checked {
    line: usize,
    jurisdiction_id: i32,
    department: String,
    new: NewInstitution,
    classification: Classification,
    approved: [(Funding, i32); 2],
    /// The decision approving the establishment: its number when the file has one, its date.
    decision: (Option<String>, chrono::NaiveDate),
}

/// Leadership posts as a cell holds them: `主任1；副主任2` or `主任:1;副主任:2` (a title and its
/// approved count, 1 to 50).
fn parse_posts(cell: &str) -> Result<Vec<LeadershipPost>, String> {
    cell.split(['；', ';', '、', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let digits = item.trim_end_matches(|c: char| c.is_ascii_digit());
            let count: i32 =
                item[digits.len()..].parse().map_err(|_| format!("`{item}` is a title and a count, as 副主任2"))?;
            let title = digits.trim_end_matches([':', '：', ' ']).trim();
            if title.is_empty() || !(1..=50).contains(&count) {
                return Err(format!("`{item}` is a title and a count from 1 to 50, as 副主任2"));
            }
            Ok(LeadershipPost { title: title.to_string(), count })
        })
        .collect()
}

#[tracing::instrument(skip_all, fields(path = %path.display()))]
pub async fn import_institutions(db: &DatabaseConnection, path: &Path) -> anyhow::Result<ImportReport> {
    let rows = match read_rows(path, &COLUMNS) {
        Ok(rows) => rows,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let actor = Actor::system("import institutions");
    import_institutions_rows(db, &rows, None, &actor, &import_document(path)).await
}

/// Imports checked rows, all or none. `within` keeps the import to one jurisdiction (an office's
/// upload: a row naming another is refused); `document` is the number the ledger entries carry.
/// Credit codes are looked up among other institutions only for a file right in every other
/// way, and one registered outside what the office reads is not named (as with ID numbers in
/// the staff import).
pub async fn import_institutions_rows(
    db: &DatabaseConnection,
    rows: &[super::Row],
    within: Option<Within<'_>>,
    actor: &Actor,
    document: &str,
) -> anyhow::Result<ImportReport> {
    let jurisdictions = super::jurisdiction_ids(db).await?;
    let mut errors = RowErrors::default();
    let mut checked = Vec::new();
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    let mut seen_uncoded: HashMap<(i32, String), usize> = HashMap::new();
    for row in rows {
        let mut check = Check::new(row, &mut errors);
        // A unit that is not a legal person may have no code (newly approved, or never registered).
        let credit_code = check.optional("credit_code", |c| c.field("credit_code", CreditCode::parse));
        let name = check.field("name", |v| codes::name("name", v));
        let jurisdiction_id = check.field("jurisdiction", |v| super::own_jurisdiction(&jurisdictions, within, v));
        let department = check.field("department", |v| codes::name("department", v));
        let sector = check.word("sector", Sector::from_word);
        let level = check.word("level", Level::from_word);
        let funding_form = check.word("funding_form", FundingForm::from_word);
        let management_mode = check.word("management_mode", ManagementMode::from_word);
        let classification = check.word("classification", Classification::from_word);
        let legal_person = check.yes_no("legal_person");
        let established_on = check.date("established_on");
        let fiscal = check.count("approved_fiscal");
        let self_financed = check.count("approved_self_financed");
        // The old system's record, where the file has it: the decision approving the
        // establishment (文号 and date), the three determinations (三定).
        let document_no = check.optional("document_no", |c| c.field("document_no", codes::document_no));
        let approved_on = check.optional("approved_on", |c| c.date("approved_on"));
        let internal_bodies = check.list("internal_bodies");
        let leadership_posts = check.field("leadership_posts", parse_posts);
        // Since when the unit's vacancies have stood (空编起始日期): on or after its establishment,
        // and only for a unit with slots.
        let vacant_since = check.optional("vacant_since", |c| c.date("vacant_since"));
        if let (Some(Some(since)), Some(established)) = (vacant_since, established_on)
            && since < established
        {
            check.fail("vacant_since: before the unit was established");
        }
        if vacant_since.is_some_and(|v| v.is_some()) && fiscal.unwrap_or(0) + self_financed.unwrap_or(0) == 0 {
            check.fail("vacant_since: a unit without approved slots has no vacancies to date");
        }
        if let (Some(code), Some(legal_person)) = (&credit_code, legal_person)
            && let Err(reason) = crate::institution::check_credit_code(code, legal_person)
        {
            check.fail(format!("credit_code: {reason}"));
        }
        match (&credit_code, &name, jurisdiction_id) {
            (Some(Some(code)), _, _) => {
                if let Some(first) = seen_codes.insert(code.as_str().to_string(), row.line) {
                    check.fail(format!("credit_code: {} repeats line {first}", code.as_str()));
                }
            }
            (Some(None), Some(name), Some(jurisdiction)) => {
                if let Some(first) = seen_uncoded.insert((jurisdiction, name.clone()), row.line) {
                    check.fail(format!("name: a unit of that name without a credit code is on line {first}"));
                }
            }
            _ => {}
        }
        if let (
            Some(credit_code),
            Some(name),
            Some(jurisdiction_id),
            Some(department),
            Some(sector),
            Some(level),
            Some(funding_form),
            Some(management_mode),
            Some(classification),
            Some(legal_person),
            Some(established_on),
            Some(fiscal),
            Some(self_financed),
            Some(document_no),
            Some(approved_on),
            Some(leadership_posts),
            Some(vacant_since),
        ) = (
            credit_code,
            name,
            jurisdiction_id,
            department,
            sector,
            level,
            funding_form,
            management_mode,
            classification,
            legal_person,
            established_on,
            fiscal,
            self_financed,
            document_no,
            approved_on,
            leadership_posts,
            vacant_since,
        ) {
            let new = NewInstitution {
                credit_code,
                name,
                department_id: 0,
                sector,
                level,
                funding_form,
                management_mode,
                legal_person,
                established_on,
                responsibilities: row.get("responsibilities").to_string(),
                internal_bodies,
                leadership_posts,
                vacant_since,
            };
            let approved = [(Funding::Fiscal, fiscal), (Funding::SelfFinanced, self_financed)];
            // Without the file's decision, the slots are recorded as the import's, dated the
            // day the unit was established, and the document says it was not recorded.
            let decision = (document_no, approved_on.unwrap_or(established_on));
            checked.push(Checked {
                line: row.line,
                jurisdiction_id,
                department,
                new,
                classification,
                approved,
                decision,
            });
        }
    }
    if !errors.is_empty() {
        return Ok(ImportReport::refused(errors));
    }
    let held_elsewhere = check_registered(db, &checked, within, &mut errors).await?;
    if !errors.is_empty() {
        return Ok(ImportReport { held_elsewhere, ..ImportReport::refused(errors) });
    }

    let txn = begin_write(db).await?;
    match write::write_institutions(&txn, actor, checked, document).await? {
        Ok(report) => {
            crate::write::commit(txn).await?;
            Ok(report)
        }
        // A refusal of the rules (past the control figure, the ceiling) is the row's reason,
        // not a fault: the whole file is refused with its line.
        Err(refusal) => {
            txn.rollback().await?;
            Ok(ImportReport::refused_for(refusal))
        }
    }
}

/// Says that a credit code of the file is registered outside what the office reads.
pub const REGISTERED_ELSEWHERE: &str = "a credit code in the file is already registered outside this office's \
     jurisdictions; the line is not named";

/// Credit codes already registered: named by line where the importer reads the institution,
/// only counted where it does not. Answers whether any was counted.
async fn check_registered(
    db: &DatabaseConnection,
    checked: &[Checked],
    within: Option<Within<'_>>,
    errors: &mut RowErrors,
) -> anyhow::Result<bool> {
    let lines: HashMap<&str, usize> =
        checked.iter().filter_map(|c| Some((c.new.credit_code.as_ref()?.as_str(), c.line))).collect();
    let mut elsewhere = false;
    let codes: Vec<&str> = lines.keys().copied().collect();
    for chunk in codes.chunks(1000) {
        let taken: Vec<(String, i32)> = entity::institution::Entity::find()
            .select_only()
            .column(entity::institution::Column::CreditCode)
            .column(entity::institution::Column::JurisdictionId)
            .filter(entity::institution::Column::CreditCode.is_in(chunk.iter().map(|c| c.to_string())))
            .into_tuple()
            .all(db)
            .await?;
        for (code, jurisdiction) in taken {
            let Some(&line) = lines.get(code.as_str()) else { continue };
            if Within::reads(within, jurisdiction) {
                errors.push(RowError { line, reason: format!("credit_code: {code} is already registered") });
            } else {
                elsewhere = true;
            }
        }
    }
    if elsewhere {
        errors.push(RowError { line: 0, reason: REGISTERED_ELSEWHERE.into() });
    }
    // A unit without a code is told apart by its name in its jurisdiction (the importer's own).
    let uncoded: Vec<&Checked> = checked.iter().filter(|c| c.new.credit_code.is_none()).collect();
    for chunk in uncoded.chunks(1000) {
        let taken: Vec<(i32, String)> = entity::institution::Entity::find()
            .select_only()
            .column(entity::institution::Column::JurisdictionId)
            .column(entity::institution::Column::Name)
            .filter(entity::institution::Column::CreditCode.is_null())
            .filter(entity::institution::Column::Status.eq(entity::enums::InstitutionStatus::Active))
            .filter(entity::institution::Column::Name.is_in(chunk.iter().map(|c| c.new.name.clone())))
            .into_tuple()
            .all(db)
            .await?;
        for c in chunk {
            if taken.iter().any(|(j, name)| *j == c.jurisdiction_id && *name == c.new.name) {
                let reason = format!("name: {} without a credit code is already registered here", c.new.name);
                errors.push(RowError { line: c.line, reason });
            }
        }
    }
    Ok(elsewhere)
}

pub(super) fn to_anyhow(error: crate::error::ApiError) -> anyhow::Error {
    match error {
        crate::error::ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!(other.message()),
    }
}
