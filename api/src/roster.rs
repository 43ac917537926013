//! The real-name roster as a file (`GET /exports/staff.{csv|xlsx}`, `api export staff`): the
//! staff import's columns with the person's record, so a roster taken out can be corrected and
//! loaded again. A national ID appears as the API shows it: in full to the person's own
//! staffing office, masked to any other; the personal facts (ethnicity, political status,
//! education, degree) only where the ID appears in full. Each export is audited, since
//! personal data leaves the system with it.

use std::collections::HashMap;

use entity::{institution, staff};
use sea_orm::{DatabaseConnection, QueryOrder, QuerySelect};

use crate::audit::{self, Actor, Change};
use crate::error::{ApiError, ApiResult};
use crate::export::{Cell, Sheet};
use crate::pii::PiiCipher;
use crate::scope::Scope;
use crate::staff::record::{CodeListName, entry};

/// The roster's columns: the staff import's words (their Chinese headers are the import's).
const COLUMNS: [&str; 20] = [
    "national_id",
    "name",
    "institution_credit_code",
    "institution_name",
    "category",
    "basis",
    "status",
    "hire_date",
    "title_level",
    "education",
    "degree",
    "ethnicity",
    "political_status",
    "post_grade",
    "duty",
    "work_started_on",
    "entered_establishment_on",
    "departure_reason",
    "seconded_to",
    "seconded_until",
];

/// A coded fact: its code in English, its label in Chinese (both read back by the import).
fn coded(list: CodeListName, code: &Option<String>) -> Cell {
    match code.as_deref() {
        None => Cell::Empty,
        Some(code) => {
            let label = entry(list, code).map_or(code, |c| c.label.as_str());
            Cell::Both { en: code.to_string(), zh: label.to_string() }
        }
    }
}

fn day(on: Option<chrono::NaiveDate>) -> Cell {
    on.map_or(Cell::Empty, |d| Cell::Text(d.to_string()))
}

/// The roster of the jurisdictions `ids` in the caller's reach, one row per person, and the
/// audit row of its export.
pub async fn roster_sheet(
    db: &DatabaseConnection,
    writer: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    ids: &[i32],
    code: &str,
) -> ApiResult<Sheet> {
    let institutions: HashMap<i32, (Option<String>, String)> = scope
        .institutions_in(ids)?
        .select_only()
        .columns([institution::Column::Id, institution::Column::CreditCode, institution::Column::Name])
        .into_tuple::<(i32, Option<String>, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, credit, name)| (id, (credit, name)))
        .collect();
    let people = scope.staff_in(ids)?.order_by_asc(staff::Column::Id).all(db).await?;
    let mut rows = Vec::with_capacity(people.len());
    for p in &people {
        let full = scope.sees_personal_data(p.jurisdiction_id);
        let number = pii.decrypt(&p.national_id_cipher).map_err(ApiError::internal)?;
        let personal = |list, code: &Option<String>| if full { coded(list, code) } else { Cell::Empty };
        let (credit, unit) = institutions.get(&p.institution_id).cloned().unwrap_or_default();
        rows.push(vec![
            Cell::Text(if full { number } else { crate::codes::mask_national_id(&number) }),
            Cell::Text(p.name.clone()),
            credit.into(),
            Cell::Text(unit),
            Cell::Word(p.category.word().into()),
            Cell::Word(p.basis.word().into()),
            Cell::Word(p.status.word().into()),
            Cell::Text(p.hire_date.to_string()),
            p.title_level.clone().into(),
            personal(CodeListName::Education, &p.education),
            personal(CodeListName::Degree, &p.degree),
            personal(CodeListName::Ethnicity, &p.ethnicity),
            personal(CodeListName::PoliticalStatus, &p.political_status),
            coded(CodeListName::PostGrade, &p.post_grade),
            p.duty.clone().into(),
            day(p.work_started_on),
            day(p.entered_establishment_on),
            p.departure_reason.map_or(Cell::Empty, |r| Cell::Word(r.word().into())),
            p.seconded_to.clone().into(),
            day(p.seconded_until),
        ]);
    }
    let actor = Actor::of(scope, None);
    let change = Change {
        action: "staff.export",
        entity: "jurisdiction",
        entity_id: Some(ids[0]),
        jurisdiction_id: Some(ids[0]),
        before: None,
        after: Some(serde_json::json!({ "jurisdiction": code, "jurisdictions": ids.len(), "people": people.len() })),
    };
    let txn = crate::db::begin_write(writer).await?;
    audit::record(&txn, &actor, change).await?;
    crate::write::commit(txn).await?;
    let headers = COLUMNS.iter().map(|w| (*w, crate::labels::column_zh(w, "staff").unwrap_or(w))).collect();
    Ok(Sheet { name: "staff", headers, rows })
}
