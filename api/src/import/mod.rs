//! `api import institutions|staff FILE`: CSV or XLSX, all rows or none. Every row is checked
//! before anything is written; any bad row refuses the whole file, with each bad row's line
//! and reason.

mod departments;
pub(crate) mod institutions;
pub(crate) mod read;
pub(crate) mod staff;
mod template;

pub use departments::{
    COLUMNS as DEPARTMENT_COLUMNS, OPTIONAL as DEPARTMENT_OPTIONAL, import_departments, import_departments_rows,
};
pub use institutions::{
    COLUMNS as INSTITUTION_COLUMNS, OPTIONAL as INSTITUTION_OPTIONAL, import_institutions, import_institutions_rows,
};
pub use read::{ReadLimits, Row, annotated_csv, for_each_row, preview_from, read_rows, read_rows_from};
pub use staff::{
    COLUMNS as STAFF_COLUMNS, OPTIONAL as STAFF_OPTIONAL, Progress, import_staff, import_staff_rows,
    import_staff_with_progress,
};
pub use template::staff_template;

use std::path::Path;

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line in the file; `0` for the file as a whole (a finding that names no line).
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            0 => write!(f, "file: {}", self.reason),
            line => write!(f, "line {line}: {}", self.reason),
        }
    }
}

/// Row errors kept for the answer: the first [`RowErrors::KEPT`] and a count of them all, so a
/// file bad on every line cannot make an answer (or the memory behind it) as large as itself.
#[derive(Debug, Default)]
pub struct RowErrors {
    kept: Vec<RowError>,
    total: usize,
}

impl RowErrors {
    pub const KEPT: usize = 200;

    pub fn push(&mut self, error: RowError) {
        self.total += 1;
        if self.kept.len() < Self::KEPT {
            self.kept.push(error);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The kept errors in line order, the file's own (line 0) first.
    pub fn into_sorted(mut self) -> (Vec<RowError>, usize) {
        self.kept.sort_by_key(|e| e.line);
        (self.kept, self.total)
    }
}

/// The office an upload is for: it imports into its own jurisdiction and reads the people and
/// institutions of `readable` (its own jurisdiction and those below). An import on the server
/// (`api import`) has none: the operator reads everything.
#[derive(Debug, Clone, Copy)]
pub struct Within<'a> {
    pub own: i32,
    pub readable: &'a [i32],
}

impl Within<'_> {
    /// Whether the importer may be told about a record of `jurisdiction`.
    pub fn reads(within: Option<Self>, jurisdiction: i32) -> bool {
        within.is_none_or(|w| w.readable.contains(&jurisdiction))
    }
}

/// The optional columns of the kind of file whose required columns are `required`.
pub(super) fn optional_for(required: &[&str]) -> &'static [&'static str] {
    if required == DEPARTMENT_COLUMNS {
        &DEPARTMENT_OPTIONAL
    } else if required == INSTITUTION_COLUMNS {
        &INSTITUTION_OPTIONAL
    } else if required == STAFF_COLUMNS {
        &STAFF_OPTIONAL
    } else {
        &[]
    }
}

/// Every jurisdiction's id by its code, for the `jurisdiction` column of a file.
async fn jurisdiction_ids(db: &sea_orm::DatabaseConnection) -> anyhow::Result<std::collections::HashMap<String, i32>> {
    use sea_orm::EntityTrait;
    let all = entity::jurisdiction::Entity::find().all(db).await?;
    Ok(all.into_iter().map(|j| (j.code, j.id)).collect())
}

/// The jurisdiction a row's `jurisdiction` cell names: one that exists and, for an office's
/// upload, is the office's own.
fn own_jurisdiction(
    ids: &std::collections::HashMap<String, i32>,
    within: Option<Within<'_>>,
    code: &str,
) -> Result<i32, String> {
    let id = ids.get(code).copied().ok_or_else(|| format!("jurisdiction `{code}` does not exist"))?;
    match within {
        Some(w) if w.own != id => Err(format!("jurisdiction `{code}` is not this office's own")),
        _ => Ok(id),
    }
}

/// What an import did, or why it did nothing.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub written: usize,
    pub created_departments: Vec<String>,
    pub over_establishment: usize,
    /// People written in post past the statutory retirement age (inherited, recorded as found).
    pub past_retirement_age: usize,
    /// What the office should do next, though nothing was refused (record a control figure).
    pub notices: Vec<String>,
    /// The first errors, in line order.
    pub errors: Vec<RowError>,
    /// How many errors there were in all (more than `errors` holds when the file had many).
    pub error_count: usize,
    /// Whether a person of the file holds a slot outside what the importing office reads (the
    /// refusal then names no line: see `import_staff_rows`).
    pub held_elsewhere: bool,
}

impl ImportReport {
    pub fn refused(errors: RowErrors) -> Self {
        let (errors, error_count) = errors.into_sorted();
        Self { errors, error_count, ..Default::default() }
    }

    /// Refused for one reason about the whole file (or one line of it).
    pub fn refused_for(error: RowError) -> Self {
        let mut errors = RowErrors::default();
        errors.push(error);
        Self::refused(errors)
    }
}

/// Collects the errors of checking one row, so every problem of a row is reported at once.
pub struct Check<'a> {
    row: &'a Row,
    errors: &'a mut RowErrors,
}

impl<'a> Check<'a> {
    pub fn new(row: &'a Row, errors: &'a mut RowErrors) -> Self {
        Self { row, errors }
    }

    pub fn fail(&mut self, reason: impl Into<String>) {
        self.errors.push(RowError { line: self.row.line, reason: reason.into() });
    }

    /// A value parsed by `parse`, or `None` after recording why not.
    pub fn field<T>(&mut self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        match parse(self.row.get(column)) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.fail(format!("{column}: {reason}"));
                None
            }
        }
    }

    /// An enumeration value: the stored word, its Chinese label (公益一类) or a usual alias.
    pub fn word<T>(&mut self, column: &str, from_word: fn(&str) -> Option<T>) -> Option<T> {
        self.field(column, |v| crate::labels::parse(v, from_word).ok_or_else(|| format!("`{v}` is not a valid value")))
    }

    /// Yes or no: true/false, 是/否, 1/0.
    pub fn yes_no(&mut self, column: &str) -> Option<bool> {
        self.field(column, |v| {
            crate::labels::yes_no(v).ok_or_else(|| format!("`{v}` must be 是 or 否 (true or false)"))
        })
    }

    /// A date as offices write it (2020-01-01, 2020/1/1, 2020年1月1日, or an Excel date cell).
    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        self.field(column, |v| {
            let date = crate::labels::date(v).ok_or_else(|| format!("`{v}` is not a date such as 2020-01-01"))?;
            if date > chrono::Utc::now().date_naive() {
                return Err(format!("{date} is in the future"));
            }
            Ok(date)
        })
    }

    /// An optional column: `Some(None)` when the cell is empty (or the column absent), the value
    /// when it parses, `None` after recording why it does not.
    pub fn optional<T>(&mut self, column: &str, parse: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.row.get(column).is_empty() {
            return Some(None);
        }
        parse(self).map(Some)
    }

    /// A cell as written (trimmed), empty when absent.
    pub fn row_text(&self, column: &str) -> String {
        self.row.get(column).to_string()
    }

    /// A list written in one cell, its items separated by ；, ;, 、 or |.
    pub fn list(&mut self, column: &str) -> Vec<String> {
        self.row
            .get(column)
            .split(['；', ';', '、', '|'])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn count(&mut self, column: &str) -> Option<i32> {
        self.field(column, |v| match v.parse::<i32>() {
            Ok(n) if (0..=100_000).contains(&n) => Ok(n),
            _ => Err(format!("`{v}` is not a whole number from 0 to 100000")),
        })
    }
}

/// The document number import-made ledger and classification entries carry.
pub fn import_document(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let document = format!("导入:{name}");
    document.chars().take(100).collect()
}
