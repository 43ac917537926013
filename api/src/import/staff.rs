//! Importing the real-name list. A file that would put an institution over its establishment
//! is refused unless over establishment is accepted explicitly; then the excess is recorded
//! and flagged (超编), as inherited data often needs.

use std::collections::HashMap;
use std::path::Path;

use entity::enums::{Funding, InstitutionStatus, StaffBasis, StaffCategory, StaffStatus};
use entity::{establishment_balance, institution, staff};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::institutions::to_anyhow;
use super::{Check, ImportReport, RowError, read_rows};
use crate::audit::{self, Actor, Change, snapshot};
use crate::codes::{self, NationalId};
use crate::db::begin_write;
use crate::pii::PiiCipher;
use crate::staff::{NewPerson, hire_person};

pub const COLUMNS: [&str; 7] =
    ["national_id", "name", "institution_credit_code", "category", "basis", "status", "hire_date"];

struct Checked {
    line: usize,
    institution: institution::Model,
    person: NewPerson,
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
    let codes: Vec<String> = rows.iter().map(|r| r.get("institution_credit_code").to_ascii_uppercase()).collect();
    let institutions: HashMap<String, institution::Model> = institution::Entity::find()
        .filter(institution::Column::CreditCode.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.credit_code.clone(), i))
        .collect();
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
            checked.push(Checked { line: row.line, institution, person });
        }
    }
    check_existing_slots(db, &slot_holders, &mut errors).await?;
    let over = check_capacity(db, &checked, accept_over_establishment, &mut errors).await?;
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Ok(ImportReport::refused(errors));
    }

    let actor = Actor::system("import staff");
    let txn = begin_write(db).await?;
    let mut report = ImportReport::default();
    for c in checked {
        let row = hire_person(&txn, pii, &actor, &c.institution, c.person, accept_over_establishment)
            .await
            .map_err(to_anyhow)?;
        report.over_establishment += usize::from(row.over_establishment);
        let change = Change {
            action: "staff.import",
            entity: "staff",
            entity_id: Some(row.id),
            jurisdiction_id: Some(row.jurisdiction_id),
            before: None,
            after: snapshot(&row),
        };
        audit::record(&txn, &actor, change).await?;
        report.written += 1;
    }
    debug_assert_eq!(report.over_establishment, over);
    txn.commit().await?;
    Ok(report)
}

/// "One person, one slot" against people already on any list.
async fn check_existing_slots(
    db: &DatabaseConnection,
    slot_holders: &HashMap<String, usize>,
    errors: &mut Vec<RowError>,
) -> anyhow::Result<()> {
    let hashes: Vec<String> = slot_holders.keys().cloned().collect();
    for chunk in hashes.chunks(1000) {
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

/// Rows that would fill more slots than an institution has vacant: refused, or (when
/// accepted) counted as over establishment. Returns how many people would be over.
async fn check_capacity(
    db: &DatabaseConnection,
    checked: &[Checked],
    accept: bool,
    errors: &mut Vec<RowError>,
) -> anyhow::Result<usize> {
    let ids: Vec<i32> = checked.iter().map(|c| c.institution.id).collect();
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.is_in(ids))
        .all(db)
        .await?;
    let mut vacant: HashMap<(i32, Funding), i32> =
        balances.iter().map(|b| ((b.institution_id, b.funding), (b.approved - b.frozen - b.occupied).max(0))).collect();
    let mut over = 0;
    for c in checked {
        let Some(funding) = c.person.basis.funding().filter(|_| c.person.status.holds_slot()) else { continue };
        let left = vacant.entry((c.institution.id, funding)).or_insert(0);
        if *left > 0 {
            *left -= 1;
        } else if accept {
            over += 1;
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
    Ok(over)
}
