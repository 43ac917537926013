//! Importing the supervising departments (主管部门) of a jurisdiction as the old system lists
//! them: name, kind (党委, 政府, 人大, 政协, 群团) and code. A department already there (an
//! institution import names its department, which creates it) takes the file's kind and code.

use std::collections::HashMap;
use std::path::Path;

use entity::department;
use entity::enums::DepartmentKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{Check, ImportReport, RowErrors, Within, read_rows};
use crate::audit::{self, Actor, Change};
use crate::codes::{self, CreditCode};
use crate::db::begin_write;
use crate::jurisdiction::department::{Particulars, insert};

pub const COLUMNS: [&str; 3] = ["name", "jurisdiction", "kind"];

/// Columns the file may have beside the required ones.
pub const OPTIONAL: [&str; 1] = ["code"];

struct Checked {
    jurisdiction_id: i32,
    name: String,
    kind: DepartmentKind,
    code: Option<String>,
}

#[tracing::instrument(skip_all, fields(path = %path.display()))]
pub async fn import_departments(db: &DatabaseConnection, path: &Path) -> anyhow::Result<ImportReport> {
    let rows = match read_rows(path, &COLUMNS) {
        Ok(rows) => rows,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    import_departments_rows(db, &rows, None, &Actor::system("import departments")).await
}

/// Imports checked rows, all or none; `within` keeps an office's upload to its own jurisdiction.
pub async fn import_departments_rows(
    db: &DatabaseConnection,
    rows: &[super::Row],
    within: Option<Within<'_>>,
    actor: &Actor,
) -> anyhow::Result<ImportReport> {
    let jurisdictions = super::jurisdiction_ids(db).await?;
    let mut errors = RowErrors::default();
    let mut checked = Vec::new();
    let mut seen_names: HashMap<(i32, String), usize> = HashMap::new();
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let mut check = Check::new(row, &mut errors);
        let name = check.field("name", |v| codes::name("name", v));
        let jurisdiction_id = check.field("jurisdiction", |v| super::own_jurisdiction(&jurisdictions, within, v));
        let kind = check.word("kind", DepartmentKind::from_word);
        let code = check.optional("code", |c| c.field("code", |v| CreditCode::parse(v).map(CreditCode::into_string)));
        if let (Some(name), Some(jurisdiction_id)) = (&name, jurisdiction_id)
            && let Some(first) = seen_names.insert((jurisdiction_id, name.clone()), row.line)
        {
            check.fail(format!("name: the same department is on line {first}"));
        }
        if let Some(Some(code)) = &code
            && let Some(first) = seen_codes.insert(code.clone(), row.line)
        {
            check.fail(format!("code: {code} repeats line {first}"));
        }
        if let (Some(name), Some(jurisdiction_id), Some(kind), Some(code)) = (name, jurisdiction_id, kind, code) {
            checked.push((row.line, Checked { jurisdiction_id, name, kind, code }));
        }
    }
    if !errors.is_empty() {
        return Ok(ImportReport::refused(errors));
    }
    let txn = begin_write(db).await?;
    let mut touched: Vec<i32> = checked.iter().map(|(_, c)| c.jurisdiction_id).collect();
    touched.sort_unstable();
    touched.dedup();
    let existing =
        department::Entity::find().filter(department::Column::JurisdictionId.is_in(touched)).all(&txn).await?;
    let by_name: HashMap<(i32, &str), &department::Model> =
        existing.iter().map(|d| ((d.jurisdiction_id, d.name.as_str()), d)).collect();
    // A code is one department's: held by another department than the line's, the file is refused.
    for (line, c) in &checked {
        let Some(code) = &c.code else { continue };
        let holder = existing.iter().find(|d| d.code.as_deref() == Some(code.as_str()));
        if holder.is_some_and(|d| d.jurisdiction_id != c.jurisdiction_id || d.name != c.name) {
            errors
                .push(super::RowError { line: *line, reason: format!("code: {code} is already another department's") });
        }
    }
    if !errors.is_empty() {
        txn.rollback().await?;
        return Ok(ImportReport::refused(errors));
    }
    let mut report = ImportReport::default();
    for (_, c) in checked {
        match by_name.get(&(c.jurisdiction_id, c.name.as_str())) {
            Some(before) if before.kind == Some(c.kind) && before.code == c.code => {}
            Some(before) => {
                let mut row: department::ActiveModel = (*before).clone().into();
                row.kind = Set(Some(c.kind));
                row.code = Set(c.code);
                let after = row.update(&txn).await?;
                let change = Change::updated(
                    "department.import",
                    "department",
                    after.id,
                    after.jurisdiction_id,
                    *before,
                    &after,
                );
                audit::record(&txn, actor, change).await?;
            }
            None => {
                let particulars = Particulars { kind: Some(c.kind), code: c.code };
                let row = insert(&txn, actor, "department.import", c.jurisdiction_id, c.name, particulars)
                    .await
                    .map_err(super::institutions::to_anyhow)?;
                report.created_departments.push(row.name);
            }
        }
        report.written += 1;
    }
    crate::write::commit(txn).await?;
    Ok(report)
}
