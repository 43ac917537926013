//! `api import institutions|staff FILE`: CSV or XLSX, all rows or none. Every row is checked
//! before anything is written; any bad row refuses the whole file, with each bad row's line
//! and reason.

mod institutions;
mod staff;
mod template;

pub use institutions::{COLUMNS as INSTITUTION_COLUMNS, import_institutions, import_institutions_rows};
pub use staff::{COLUMNS as STAFF_COLUMNS, Progress, import_staff, import_staff_rows, import_staff_with_progress};
pub use template::staff_template;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

/// One data row: its line in the file (the header is line 1) and its cells by column.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    cells: HashMap<String, String>,
}

impl Row {
    /// A cell, trimmed; missing columns read as empty.
    pub fn get(&self, column: &str) -> &str {
        self.cells.get(column).map(|v| v.trim()).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// What an import did, or why it did nothing.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub written: usize,
    pub created_departments: Vec<String>,
    pub over_establishment: usize,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn refused(errors: Vec<RowError>) -> Self {
        Self { errors, ..Default::default() }
    }
}

/// Reads a `.csv` or `.xlsx` file into rows, checking that the required columns are there.
pub fn read_rows(path: &Path, required: &[&str]) -> Result<Vec<Row>, RowError> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let bytes = std::fs::read(path)
        .map_err(|e| RowError { line: 1, reason: format!("cannot read {}: {e}", path.display()) })?;
    read_rows_from(&bytes, &extension, required)
}

/// Reads rows from a file's bytes (`extension`: csv or xlsx), as [`read_rows`] does.
pub fn read_rows_from(bytes: &[u8], extension: &str, required: &[&str]) -> Result<Vec<Row>, RowError> {
    let table = match extension {
        "csv" => read_csv(bytes),
        "xlsx" => read_xlsx(bytes),
        _ => Err("the file must be .csv or .xlsx".to_string()),
    }
    .map_err(|reason| RowError { line: 1, reason })?;
    let Some((header, body)) = table.split_first() else {
        return Err(RowError { line: 1, reason: "the file is empty; a header row is required".into() });
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| crate::labels::column(h.trim().trim_start_matches('\u{feff}'), required).to_ascii_lowercase())
        .collect();
    let missing: Vec<&str> = required.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(RowError { line: 1, reason: format!("missing columns: {}", missing.join(", ")) });
    }
    Ok(body
        .iter()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, cells)| Row { line: i + 2, cells: header.iter().cloned().zip(cells.iter().cloned()).collect() })
        .collect())
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    reader
        .records()
        .map(|record| record.map(|r| r.iter().map(str::to_string).collect()).map_err(|e| format!("not valid CSV: {e}")))
        .collect()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a readable workbook: {e}"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or("the workbook has no sheet")?
        .map_err(|e| format!("cannot read the first sheet: {e}"))?;
    let cell = |data: &Data| match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        Data::Error(e) => format!("#{e:?}"),
    };
    Ok(range.rows().map(|row| row.iter().map(cell).collect()).collect())
}

/// Collects the errors of checking one row, so every problem of a row is reported at once.
pub struct Check<'a> {
    row: &'a Row,
    errors: &'a mut Vec<RowError>,
}

impl<'a> Check<'a> {
    pub fn new(row: &'a Row, errors: &'a mut Vec<RowError>) -> Self {
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
