//! Reading an import file into rows, within limits decided before the work: columns, rows,
//! each cell's length, and for a workbook the size of what it unpacks to. A CSV is read record
//! by record and a workbook cell by cell (never as the rectangle its cell references claim), so
//! the memory an upload takes grows with the rows kept, never with what the file pretends.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::{RowError, RowErrors};

/// How much of a file is read before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Data rows (the header not counted).
    pub rows: usize,
    /// Columns beyond the file kind's own a header may have.
    pub extra_columns: usize,
    /// Bytes in one cell.
    pub cell_bytes: usize,
    /// Bytes a workbook unpacks to, all its parts together.
    pub unpacked_bytes: u64,
    /// Bytes the workbook's shared strings unpack to (calamine keeps them all in memory).
    pub shared_strings_bytes: u64,
    /// How many times larger than its packed size a large part of a workbook may unpack.
    pub unpack_ratio: u64,
}

impl ReadLimits {
    /// An upload over HTTP (SECURITY.md states these and the memory they bound).
    pub const UPLOAD: Self = Self {
        rows: 100_000,
        extra_columns: 8,
        cell_bytes: 16 * 1024,
        unpacked_bytes: 96 * 1024 * 1024,
        shared_strings_bytes: 16 * 1024 * 1024,
        unpack_ratio: 200,
    };

    /// A payroll checked against the roster (`POST /reconciliations/payroll.csv`): a province's
    /// payroll in one file, read row by row and never kept whole.
    pub const PAYROLL: Self = Self {
        rows: 1_000_000,
        extra_columns: 8,
        cell_bytes: 16 * 1024,
        unpacked_bytes: 256 * 1024 * 1024,
        shared_strings_bytes: 64 * 1024 * 1024,
        unpack_ratio: 200,
    };

    /// A file an operator imports on the server (`api import`): a whole province's inventory.
    pub const LOCAL: Self = Self {
        rows: 2_000_000,
        extra_columns: 64,
        cell_bytes: 64 * 1024,
        unpacked_bytes: 4 * 1024 * 1024 * 1024,
        shared_strings_bytes: 1024 * 1024 * 1024,
        unpack_ratio: 1_000,
    };
}

// The reasons a file is refused as a whole, each followed by its limit (labels.rs has them in
// Chinese).
pub const TOO_MANY_ROWS: &str = "too many rows: split the file; the most read at once is";
pub const TOO_MANY_COLUMNS: &str = "too many columns; the most for this kind of file is";
pub const HEADER_TOO_LONG: &str = "a header cell is longer than 200 bytes: column";
pub const CELL_TOO_LONG: &str = "the cell is longer than the most a cell may hold, in bytes:";
pub const CONTROL_CHARACTER: &str = "the cell holds a control character (such as NUL)";
pub const NOT_UTF8: &str = "not UTF-8 text: save the file as CSV UTF-8";
pub const UNPACKS_TOO_LARGE: &str = "the workbook unpacks to more than the most read, in bytes:";
pub const PACKED_TOO_TIGHT: &str = "the workbook is packed far tighter than a spreadsheet; the most ratio read is";
pub const TOO_MANY_TEXTS: &str = "the workbook declares more distinct texts than are read; the most is";
pub const OUT_OF_ORDER: &str = "the sheet's rows are out of order";

/// A part of a workbook unpacks to this much before its ratio is looked at.
const RATIO_FREE_BYTES: u64 = 1024 * 1024;

/// The header's columns by their canonical word, shared by every row.
#[derive(Debug)]
struct Header {
    index: HashMap<String, usize>,
    /// Each header cell as written, with the column word it was read as.
    written: Vec<(String, String)>,
}

/// One data row: its line in the file (the header is line 1) and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    header: Arc<Header>,
    cells: Vec<Box<str>>,
}

impl Row {
    /// A cell, trimmed; missing columns read as empty.
    pub fn get(&self, column: &str) -> &str {
        self.header.index.get(column).and_then(|&i| self.cells.get(i)).map(|v| v.trim()).unwrap_or("")
    }
}

/// Reads a `.csv` or `.xlsx` file on the server (`api import`) into rows.
pub fn read_rows(path: &Path, required: &[&str]) -> Result<Vec<Row>, RowErrors> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| file_error(format!("cannot read {}: {e}", path.display())))?;
    read_rows_from(&bytes, &extension, required, ReadLimits::LOCAL)
}

/// Reads rows from a file's bytes (`extension`: csv or xlsx), checking that the required
/// columns are there and every limit holds. Every cell that is too long or holds a control
/// character is reported with its line; a limit of the file as a whole refuses it at once.
pub fn read_rows_from(
    bytes: &[u8],
    extension: &str,
    required: &[&str],
    limits: ReadLimits,
) -> Result<Vec<Row>, RowErrors> {
    let mut table = Table::new(required, limits);
    let read = read_file(bytes, extension, &mut table, &limits);
    if let Err(refusal) = read {
        let mut errors = RowErrors::default();
        errors.push(refusal);
        return Err(errors);
    }
    table.finish()
}

/// Reads a file's rows one by one into `each`, keeping none (`extension`: csv or xlsx), with the
/// checks and limits of [`read_rows_from`]; answers how many rows there were. A row with a cell
/// refused still reaches `each`, emptied; the file is then refused at the end with every reason.
pub fn for_each_row(
    bytes: &[u8],
    extension: &str,
    required: &[&str],
    limits: ReadLimits,
    each: &mut dyn FnMut(&Row),
) -> Result<usize, RowErrors> {
    let mut table = Table::new(required, limits);
    table.sink = Some(each);
    let read = read_file(bytes, extension, &mut table, &limits);
    if let Err(refusal) = read {
        let mut errors = RowErrors::default();
        errors.push(refusal);
        return Err(errors);
    }
    let count = table.count;
    table.finish().map(|_| count)
}

/// What a file would be read as, before anything is written: each header cell with the column
/// it is read as (or `null`, ignored), the first `first` rows by column, how many rows there
/// are, and the cells refused. `known` are the kind's optional columns.
pub fn preview_from(
    bytes: &[u8],
    extension: &str,
    required: &[&str],
    known: &[&str],
    limits: ReadLimits,
    first: usize,
) -> Result<serde_json::Value, RowErrors> {
    let mut table = Table::new(required, limits);
    let read = read_file(bytes, extension, &mut table, &limits);
    let Some(header) = table.header.clone() else {
        let mut errors = RowErrors::default();
        errors.push(read.err().unwrap_or_else(|| at(1, "the file is empty; a header row is required".into())));
        return Err(errors);
    };
    let used = |word: &str| required.contains(&word) || known.contains(&word);
    let columns: Vec<serde_json::Value> = header
        .written
        .iter()
        .map(|(written, word)| serde_json::json!({ "header": written, "column": used(word).then_some(word) }))
        .collect();
    let rows: Vec<serde_json::Value> = table
        .rows
        .iter()
        .take(first)
        .map(|row| {
            let cells: serde_json::Map<String, serde_json::Value> = header
                .written
                .iter()
                .filter(|(_, word)| used(word))
                .map(|(_, word)| (word.clone(), serde_json::Value::from(row.get(word))))
                .collect();
            serde_json::json!({ "line": row.line, "cells": cells })
        })
        .collect();
    let mut refused = table.errors;
    if let Err(refusal) = read {
        refused.push(refusal);
    }
    let (errors, error_count) = refused.into_sorted();
    let errors: Vec<serde_json::Value> =
        errors.iter().map(|e| serde_json::json!({ "line": e.line, "reason": e.reason })).collect();
    Ok(serde_json::json!({
        "columns": columns,
        "rows": rows,
        "rowCount": table.rows.len(),
        "errors": errors,
        "errorCount": error_count,
    }))
}

/// The file as it was read, with a last column of each line's reasons (错误原因): the copy an
/// office corrects and sends again. Reasons about the file as a whole head that column. CSV with
/// a byte-order mark, so spreadsheets read it as UTF-8; a long run of digits (an ID number, a
/// credit code) starts with a tab, so a spreadsheet keeps it as text and every digit (the reader
/// trims it again when the copy comes back).
pub fn annotated_csv(rows: &[Row], errors: &[RowError], reason: impl Fn(&RowError) -> String) -> Vec<u8> {
    let mut by_line: HashMap<usize, Vec<String>> = HashMap::new();
    for error in errors {
        by_line.entry(error.line).or_default().push(reason(error));
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    let Some(header) = rows.first().map(|r| r.header.clone()) else {
        return out;
    };
    let mut writer = csv::Writer::from_writer(&mut out);
    let whole: Vec<String> = [0, 1].iter().flat_map(|l| by_line.get(l).cloned().unwrap_or_default()).collect();
    let mut head: Vec<String> = header.written.iter().map(|(written, _)| written.clone()).collect();
    head.push(if whole.is_empty() {
        "错误原因".to_string()
    } else {
        format!("错误原因（整个文件：{}）", whole.join("；"))
    });
    let _ = writer.write_record(&head);
    for row in rows {
        let mut cells: Vec<String> = (0..header.written.len())
            .map(|i| row.cells.get(i).map(|c| crate::codes::csv_keeps_digits(c)).unwrap_or_default())
            .collect();
        cells.push(by_line.get(&row.line).map(|r| r.join("；")).unwrap_or_default());
        let _ = writer.write_record(&cells);
    }
    let _ = writer.flush();
    drop(writer);
    out
}

/// Reads a `.csv` or `.xlsx` file's records into `table`.
fn read_file(bytes: &[u8], extension: &str, table: &mut Table<'_>, limits: &ReadLimits) -> Result<(), RowError> {
    match extension {
        "csv" => read_csv(bytes, table),
        "xlsx" => read_xlsx(bytes, table, limits),
        _ => Err(at(1, "the file must be .csv or .xlsx".to_string())),
    }
}

fn at(line: usize, reason: String) -> RowError {
    RowError { line, reason }
}

fn file_error(reason: String) -> RowErrors {
    let mut errors = RowErrors::default();
    errors.push(at(1, reason));
    errors
}

/// Rows as they are read: the first record is the header.
struct Table<'a> {
    required: &'a [&'a str],
    limits: ReadLimits,
    header: Option<Arc<Header>>,
    width: usize,
    rows: Vec<Row>,
    /// Rows taken, kept or handed on.
    count: usize,
    /// Where rows go instead of `rows`, when a reader keeps none.
    sink: Option<&'a mut dyn FnMut(&Row)>,
    errors: RowErrors,
}

impl<'a> Table<'a> {
    fn new(required: &'a [&'a str], limits: ReadLimits) -> Self {
        Self {
            required,
            limits,
            header: None,
            width: 0,
            rows: Vec::new(),
            count: 0,
            sink: None,
            errors: RowErrors::default(),
        }
    }

    /// The kind's own columns (required and optional) and the extra ones a file may carry.
    fn most_columns(&self) -> usize {
        self.required.len() + super::optional_for(self.required).len() + self.limits.extra_columns
    }

    /// Takes one record (its cells in column order); an error refuses the whole file.
    fn record(&mut self, line: usize, cells: Vec<String>) -> Result<(), RowError> {
        let Some(header) = self.header.clone() else {
            return self.head(cells).map_err(|reason| at(line, reason));
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        if self.count >= self.limits.rows {
            return Err(at(line, format!("{TOO_MANY_ROWS} {}", self.limits.rows)));
        }
        let mut kept = Vec::with_capacity(self.width.min(cells.len()));
        for (i, cell) in cells.into_iter().enumerate().take(self.width) {
            let cell = self.cell(line, i, cell);
            kept.push(cell.into_boxed_str());
        }
        let row = Row { line, header, cells: kept };
        self.count += 1;
        match self.sink.as_mut() {
            Some(sink) => sink(&row),
            None => self.rows.push(row),
        }
        Ok(())
    }

    /// A cell kept as it is, or emptied (and reported) when too long or not text.
    fn cell(&mut self, line: usize, column: usize, cell: String) -> String {
        if cell.len() > self.limits.cell_bytes {
            let reason = format!("{}: {CELL_TOO_LONG} {}", self.header_name(column), self.limits.cell_bytes);
            self.errors.push(RowError { line, reason });
            return String::new();
        }
        if cell.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
            let reason = format!("{}: {CONTROL_CHARACTER}", self.header_name(column));
            self.errors.push(RowError { line, reason });
            return String::new();
        }
        cell
    }

    fn header_name(&self, column: usize) -> String {
        self.header
            .as_ref()
            .and_then(|h| h.index.iter().find(|(_, i)| **i == column).map(|(name, _)| name.clone()))
            .unwrap_or_else(|| format!("column {}", column + 1))
    }

    fn head(&mut self, cells: Vec<String>) -> Result<(), String> {
        let width = cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |last| last + 1);
        if width > self.most_columns() {
            return Err(format!("{TOO_MANY_COLUMNS} {}", self.most_columns()));
        }
        let mut index = HashMap::new();
        let mut written = Vec::new();
        // A header several kinds of file use (统一社会信用代码) names the column this kind has.
        let wanted: Vec<&str> = self.required.iter().chain(super::optional_for(self.required)).copied().collect();
        for (i, cell) in cells.iter().take(width).enumerate() {
            if cell.len() > 200 {
                return Err(format!("{HEADER_TOO_LONG} {}", i + 1));
            }
            let as_written = cell.trim().trim_start_matches('\u{feff}');
            let word = crate::labels::column(as_written, &wanted).to_ascii_lowercase();
            written.push((as_written.to_string(), word.clone()));
            index.entry(word).or_insert(i);
        }
        let missing: Vec<&str> = self.required.iter().copied().filter(|c| !index.contains_key(*c)).collect();
        if !missing.is_empty() {
            return Err(format!("missing columns: {}", missing.join(", ")));
        }
        self.width = width;
        self.header = Some(Arc::new(Header { index, written }));
        Ok(())
    }

    fn finish(self) -> Result<Vec<Row>, RowErrors> {
        if self.header.is_none() {
            return Err(file_error("the file is empty; a header row is required".into()));
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(self.rows)
    }
}

fn read_csv(bytes: &[u8], table: &mut Table<'_>) -> Result<(), RowError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let most = table.most_columns();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(at(e.position().map_or(1, |p| p.line() as usize), format!("not valid CSV: {e}"))),
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() > most && record.iter().skip(most).any(|c| !c.iter().all(u8::is_ascii_whitespace)) {
            return Err(at(line, format!("{TOO_MANY_COLUMNS} {most}")));
        }
        let mut cells = Vec::with_capacity(record.len().min(most));
        for field in record.iter().take(most) {
            match std::str::from_utf8(field) {
                Ok(text) => cells.push(text.to_string()),
                Err(_) => {
                    return Err(at(line, NOT_UTF8.to_string()));
                }
            }
        }
        table.record(line, cells)?;
    }
}

/// Checks a workbook's parts before calamine opens it: each part is unpacked (into nothing) up
/// to the limits, so a part that claims a small size and unpacks to gigabytes stops at the limit,
/// and the shared strings, which calamine reads whole and counts ahead, are bounded.
fn check_workbook(bytes: &[u8], limits: &ReadLimits) -> Result<(), String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a readable workbook: {e}"))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| format!("not a readable workbook: {e}"))?;
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let shared = name.ends_with("sharedStrings.xml");
        let cap = if shared { limits.shared_strings_bytes } else { limits.unpacked_bytes };
        let packed = part.compressed_size().max(1);
        let mut head = Vec::new();
        if shared {
            (&mut part).take(4096).read_to_end(&mut head).map_err(|e| format!("not a readable workbook: {e}"))?;
        }
        let rest = std::io::copy(&mut (&mut part).take(cap + 1), &mut std::io::sink())
            .map_err(|e| format!("not a readable workbook: {e}"))?;
        let size = head.len() as u64 + rest;
        if size > cap {
            tracing::info!(part = %name, cap, "a workbook's part unpacks past the limit");
            return Err(format!("{UNPACKS_TOO_LARGE} {cap}"));
        }
        if size > RATIO_FREE_BYTES && size / packed > limits.unpack_ratio {
            tracing::info!(part = %name, ratio = size / packed, "a workbook's part unpacks past the ratio");
            return Err(format!("{PACKED_TOO_TIGHT} {}", limits.unpack_ratio));
        }
        total += size;
        if total > limits.unpacked_bytes {
            return Err(format!("{UNPACKS_TOO_LARGE} {}", limits.unpacked_bytes));
        }
        if shared && let Some(count) = declared_count(&head) {
            // calamine reserves room for the declared count: at most one text per 16 bytes the
            // shared strings may unpack to (a text takes at least `<si><t>x</t></si>`), and no more
            // than the rows' cells.
            let cells = (limits.rows as u64 + 1) * (limits.extra_columns as u64 + 32);
            let most = cells.min(limits.shared_strings_bytes / 16);
            if count > most {
                return Err(format!("{TOO_MANY_TEXTS} {most}"));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` a shared-strings part declares (calamine reserves room for that many).
fn declared_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("uniqueCount=")? + "uniqueCount=".len();
    let digits: String = text[at..].chars().skip(1).take_while(char::is_ascii_digit).collect();
    // A count too long to parse is larger than any limit.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn read_xlsx(bytes: &[u8], table: &mut Table<'_>, limits: &ReadLimits) -> Result<(), RowError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_workbook(bytes, limits).map_err(|reason| at(1, reason))?;
    let mut workbook =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| at(1, format!("not a readable workbook: {e}")))?;
    let first = workbook.sheet_names().first().cloned().ok_or_else(|| at(1, "the workbook has no sheet".into()))?;
    let mut cells =
        workbook.worksheet_cells_reader(&first).map_err(|e| at(1, format!("cannot read the first sheet: {e}")))?;
    let most_columns = table.most_columns();
    let most_rows = limits.rows + 1;
    let text = |data: &DataRef<'_>| match data {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        DataRef::Error(e) => format!("#{e:?}"),
    };
    // Cells come row by row; a row is handed on when the next one starts.
    let mut current: Option<(u32, Vec<String>)> = None;
    loop {
        let cell = cells.next_cell().map_err(|e| at(1, format!("cannot read the first sheet: {e}")))?;
        let Some(cell) = cell else { break };
        let (row, column) = cell.get_position();
        let line = row as usize + 1;
        if row as usize >= most_rows {
            return Err(at(line, format!("{TOO_MANY_ROWS} {}", limits.rows)));
        }
        if column as usize >= most_columns {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            return Err(at(line, format!("{TOO_MANY_COLUMNS} {most_columns}")));
        }
        match &mut current {
            Some((current_row, _)) if *current_row == row => {}
            Some((current_row, _)) if *current_row > row => return Err(at(line, OUT_OF_ORDER.to_string())),
            _ => {
                if let Some((done, values)) = current.take() {
                    table.record(done as usize + 1, values)?;
                }
                current = Some((row, Vec::new()));
            }
        }
        if let Some((_, values)) = &mut current {
            let column = column as usize;
            if values.len() <= column {
                values.resize(column + 1, String::new());
            }
            values[column] = text(cell.get_value());
        }
    }
    if let Some((done, values)) = current {
        table.record(done as usize + 1, values)?;
    }
    Ok(())
}
