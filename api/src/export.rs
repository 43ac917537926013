//! Exports for staffing offices: the overview's tables, the findings and a disclosure release
//! as CSV or XLSX, in English or in Chinese (headers and values); one pipeline ([`build`])
//! behind `api export` and `GET /exports/{overview|findings|release}.{csv|xlsx}`, so both give
//! the same file.

use std::io::Write;

use crate::overview::{Count, Overview};

/// A cell of an exported table.
pub enum Cell {
    Text(String),
    /// A stored word (an enumeration value, a table or finding name): its Chinese label in a
    /// Chinese export.
    Word(String),
    /// Text in English and in Chinese, written in the export's language.
    Both {
        en: String,
        zh: String,
    },
    Number(f64),
    Empty,
}

/// Text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return before one) is written with a leading apostrophe, as OWASP's CSV-injection advice
/// says: an institution named `=WEBSERVICE(...)` stays a name in Excel.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

impl Cell {
    fn text(&self, chinese: bool) -> String {
        match self {
            Cell::Text(s) => neutralise(s),
            Cell::Word(w) => word(w, chinese).to_string(),
            Cell::Both { en, zh } => neutralise(if chinese { zh } else { en }),
            Cell::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map_or(Cell::Empty, Cell::Text)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n as f64)
    }
}

impl From<Option<i32>> for Cell {
    fn from(n: Option<i32>) -> Self {
        n.map_or(Cell::Empty, |n| Cell::Number(n.into()))
    }
}

fn word(w: &str, chinese: bool) -> &str {
    if chinese { crate::labels::zh(w).unwrap_or(w) } else { w }
}

/// A named table with bilingual headers.
pub struct Sheet {
    pub name: &'static str,
    /// (English, Chinese) per column.
    pub headers: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Vec<Cell>>,
}

/// One table of the overview: its name and its (key, value) rows.
pub struct Table {
    pub name: &'static str,
    pub rows: Vec<(String, i64)>,
}

fn counts(name: &'static str, list: &[Count]) -> Table {
    Table { name, rows: list.iter().map(|c| (c.key.clone(), c.count)).collect() }
}

pub fn tables(overview: &Overview) -> Vec<Table> {
    let e = &overview.establishment;
    let s = &overview.staff;
    let pairs = |items: &[(&str, i64)]| items.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    vec![
        Table { name: "institutions", rows: pairs(&[("total", overview.institution_count)]) },
        counts("by_level", &overview.by_level),
        counts("by_funding_form", &overview.by_funding_form),
        counts("by_management_mode", &overview.by_management_mode),
        counts("by_sector", &overview.by_sector),
        counts("by_size_band", &overview.by_size_band),
        counts("by_classification", &overview.by_classification),
        Table {
            name: "establishment",
            rows: pairs(&[
                ("approved", e.approved),
                ("fiscal", e.fiscal),
                ("self_financed", e.self_financed),
                ("frozen", e.frozen),
                ("occupied", e.occupied),
                ("vacant", e.vacant),
                ("over_establishment", e.over_establishment),
                ("reserve", e.reserve),
            ]),
        },
        Table {
            name: "staff",
            rows: pairs(&[
                ("in_establishment", s.in_establishment.into()),
                ("fiscal", s.fiscal.into()),
                ("self_financed", s.self_financed.into()),
                ("management", s.management.into()),
                ("professional_technical", s.professional_technical.into()),
                ("logistics_service", s.logistics_service.into()),
                ("temporary", s.temporary.into()),
                ("seconded_out", s.seconded_out.into()),
                ("filed", s.filed.into()),
            ]),
        },
    ]
}

/// The overview as one long sheet: `jurisdiction,table,key,value`.
pub fn overview_sheet(overview: &Overview) -> Sheet {
    let mut rows = Vec::new();
    for table in tables(overview) {
        for (key, value) in table.rows {
            rows.push(vec![
                overview.jurisdiction.as_str().into(),
                Cell::Word(table.name.into()),
                Cell::Word(key),
                value.into(),
            ]);
        }
    }
    Sheet {
        name: "overview",
        headers: vec![("jurisdiction", "地区"), ("table", "表"), ("key", "项目"), ("value", "数值")],
        rows,
    }
}

/// Writes sheets as CSV, one after the other (one sheet is the common case), after a UTF-8
/// byte-order mark so Excel on Chinese Windows reads the file as UTF-8.
pub fn write_csv(sheets: &[Sheet], chinese: bool, mut out: impl Write) -> anyhow::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    for sheet in sheets {
        writer.write_record(sheet.headers.iter().map(|(en, zh)| if chinese { *zh } else { *en }))?;
        for row in &sheet.rows {
            writer.write_record(row.iter().map(|c| crate::codes::csv_keeps_digits(&c.text(chinese))))?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// Writes one worksheet per sheet into an XLSX file's bytes: a bold, shaded header row that
/// stays in view when scrolling, an autofilter on it, and columns as wide as their contents
/// (Chinese characters count double), at most 60 wide.
pub fn xlsx_bytes(sheets: &[Sheet], chinese: bool) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Color, Format, FormatBorder};
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin);
    let mut book = rust_xlsxwriter::Workbook::new();
    for sheet in sheets {
        let page = book.add_worksheet();
        page.set_name(sheet.name)?;
        let mut widths: Vec<usize> = Vec::new();
        let mut measure = |c: usize, text: &str| {
            let width: usize = text.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum();
            if widths.len() <= c {
                widths.resize(c + 1, 0);
            }
            widths[c] = widths[c].max(width);
        };
        for (c, (en, zh)) in sheet.headers.iter().enumerate() {
            let title = if chinese { *zh } else { *en };
            page.write_string_with_format(0, c as u16, title, &header)?;
            measure(c, title);
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c16) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Number(n) => {
                        page.write_number(r, c16, *n)?;
                        measure(c, &cell.text(chinese));
                    }
                    Cell::Empty => {}
                    Cell::Text(_) | Cell::Word(_) | Cell::Both { .. } => {
                        let text = match cell {
                            Cell::Text(t) => t.clone(),
                            _ => cell.text(chinese),
                        };
                        page.write_string(r, c16, &text)?;
                        measure(c, &text);
                    }
                }
            }
        }
        for (c, width) in widths.iter().enumerate() {
            page.set_column_width(c as u16, (*width as f64 + 2.0).min(60.0))?;
        }
        page.set_freeze_panes(1, 0)?;
        if !sheet.headers.is_empty() {
            page.autofilter(0, 0, sheet.rows.len() as u32, sheet.headers.len() as u16 - 1)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

/// All findings of a jurisdiction in one sheet.
pub async fn findings_sheet(
    findings: &crate::findings::Findings,
    pii: &crate::pii::PiiCipher,
) -> anyhow::Result<Sheet> {
    let map = |e: crate::error::ApiError| anyhow::anyhow!(e.message());
    let overlaps: Vec<crate::findings::Finding> = findings
        .overlapping_responsibilities(0.5)
        .into_iter()
        .map(|o| crate::findings::Finding {
            institution: o.institution,
            figure: o.figure,
            detail_zh: o.detail_zh,
            detail_en: o.detail_en,
        })
        .collect();
    let groups: Vec<(&str, Vec<crate::findings::Finding>)> = vec![
        ("micro_institutions", findings.micro_institutions(5).await),
        ("never_adjusted", findings.never_adjusted(1990).await.map_err(map)?),
        ("overlapping_responsibilities", overlaps),
        ("logistics_heavy", findings.logistics_heavy(0.3).await),
        ("few_professionals", findings.few_professionals(0.7).await),
        ("ageing", findings.ageing(50, 0.4).await.map_err(map)?),
        ("long_vacant", findings.long_vacant(24).await.map_err(map)?),
        ("below_norm", findings.below_norm().await.map_err(map)?),
        ("seconded_out", findings.seconded_out().await),
        ("long_secondment", findings.long_secondment(12).await.map_err(map)?),
        ("seconded_without_papers", findings.seconded_without_papers().await.map_err(map)?),
        ("off_post_overrun", findings.off_post_overrun().await.map_err(map)?),
        ("past_retirement_age", findings.past_retirement_age(pii).await.map_err(map)?),
        ("slots_without_document", findings.slots_without_document().await.map_err(map)?),
        ("nominally_self_financed", findings.nominally_self_financed().await.map_err(map)?),
        ("technical_units_under_civil_servant_law", findings.technical_units_under_civil_servant_law(0.5)),
        ("unclassified", findings.unclassified().await),
        ("inconsistent_classification", findings.inconsistent_classification().await),
    ];
    let mut rows = Vec::new();
    for (name, list) in groups {
        for f in list {
            let i = &f.institution.0;
            rows.push(vec![
                Cell::Word(name.into()),
                i.name.clone().into(),
                i.credit_code.clone().into(),
                Cell::Number(f.figure),
                Cell::Both { en: f.detail_en, zh: f.detail_zh },
            ]);
        }
    }
    Ok(Sheet {
        name: "findings",
        headers: vec![
            ("finding", "问题"),
            ("institution", "单位名称"),
            ("credit_code", "统一社会信用代码"),
            ("figure", "数值"),
            ("detail", "说明"),
        ],
        rows,
    })
}

/// A disclosure release's institution records (withheld counts are empty cells).
pub fn release_sheet(rows: &[entity::release_institution::Model]) -> Sheet {
    let out = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone().into(),
                r.credit_code.clone().into(),
                r.department.clone().into(),
                Cell::Word(r.sector.clone()),
                Cell::Word(r.classification.clone()),
                Cell::Word(r.funding_form.clone()),
                i64::from(r.approved_fiscal).into(),
                i64::from(r.approved_self_financed).into(),
                crate::disclosure::published_vacant(r).into(),
                i64::from(r.deposited).into(),
                i64::from(r.borrowed).into(),
                r.staff_in_establishment.into(),
                r.management.into(),
                r.professional_technical.into(),
                r.logistics_service.into(),
                r.temporary.into(),
                r.grade.clone().map_or(Cell::Empty, Cell::Word),
            ]
        })
        .collect();
    Sheet {
        name: "release",
        headers: vec![
            ("name", "单位名称"),
            ("credit_code", "统一社会信用代码"),
            ("department", "主管部门"),
            ("sector", "行业"),
            ("classification", "分类"),
            ("funding_form", "经费形式"),
            ("approved_fiscal", "财政拨款编制"),
            ("approved_self_financed", "自收自支编制"),
            ("vacant", "空编"),
            ("deposited", "存入周转池编制"),
            ("borrowed", "借用周转池编制"),
            ("staff_in_establishment", "在编人员"),
            ("management", "管理人员"),
            ("professional_technical", "专业技术人员"),
            ("logistics_service", "工勤技能人员"),
            ("temporary", "编外人员"),
            ("grade", "绩效评价"),
        ],
        rows: out,
    }
}

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// What to export: `overview`, `findings`, `staff` (the roster) or `release`, of which jurisdiction, in which format
/// and language.
pub struct ExportRequest<'a> {
    pub kind: &'a str,
    pub jurisdiction: &'a str,
    pub include_descendants: bool,
    /// For `release`: an older release than the latest.
    pub release: Option<i32>,
    pub format: Format,
    pub chinese: bool,
    /// Unseals the ID numbers the findings read birth dates from and the roster shows.
    pub pii: &'a crate::pii::PiiCipher,
    /// The primary, where the roster's export is audited.
    pub writer: &'a sea_orm::DatabaseConnection,
}

/// An export ready to send or save.
pub struct ExportFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The one export pipeline: the same sheet and the same file for the command line and HTTP.
pub async fn build(
    db: &sea_orm::DatabaseConnection,
    scope: &crate::scope::Scope,
    request: &ExportRequest<'_>,
) -> crate::error::ApiResult<ExportFile> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    use crate::error::ApiError;
    scope.office()?;
    let ids = scope.narrow(db, request.jurisdiction, request.include_descendants).await?;
    let sheet = match request.kind {
        "overview" => {
            let overview =
                crate::overview::compute(db, scope, request.jurisdiction, request.include_descendants, None).await?;
            overview_sheet(&overview)
        }
        "findings" => {
            let findings = crate::findings::load(db, &ids, scope.institutions_in(&ids)?).await?;
            findings_sheet(&findings, request.pii).await.map_err(ApiError::internal)?
        }
        "staff" => {
            crate::roster::roster_sheet(db, request.writer, scope, request.pii, &ids, request.jurisdiction).await?
        }
        "release" => {
            let mut releases = entity::disclosure_release::Entity::find()
                .filter(entity::disclosure_release::Column::JurisdictionId.eq(ids[0]))
                .order_by_desc(entity::disclosure_release::Column::Id);
            if let Some(id) = request.release {
                releases = releases.filter(entity::disclosure_release::Column::Id.eq(id));
            }
            let release = releases.one(db).await?.ok_or_else(|| ApiError::not_found("no such release"))?;
            release_sheet(&release_rows(db, release.id).await?)
        }
        _ => return Err(ApiError::not_found("no such export")),
    };
    let name = format!("{}-{}.{}", request.kind, request.jurisdiction, request.format.extension());
    Ok(ExportFile { name, bytes: render(&sheet, request.format, request.chinese)? })
}

async fn release_rows(
    db: &sea_orm::DatabaseConnection,
    release_id: i32,
) -> crate::error::ApiResult<Vec<entity::release_institution::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    Ok(entity::release_institution::Entity::find()
        .filter(entity::release_institution::Column::ReleaseId.eq(release_id))
        .order_by_asc(entity::release_institution::Column::Name)
        .all(db)
        .await?)
}

fn render(sheet: &Sheet, format: Format, chinese: bool) -> crate::error::ApiResult<Vec<u8>> {
    use crate::error::ApiError;
    let sheets = std::slice::from_ref(sheet);
    match format {
        Format::Csv => {
            let mut out = Vec::new();
            write_csv(sheets, chinese, &mut out).map_err(ApiError::internal)?;
            Ok(out)
        }
        Format::Xlsx => xlsx_bytes(sheets, chinese).map_err(ApiError::internal),
    }
}

/// A published release as the public may download it (`GET /releases/ID.csv|xlsx`): exactly
/// what was published, hidden counts as empty cells.
pub async fn published_release(
    db: &sea_orm::DatabaseConnection,
    release_id: i32,
    format: Format,
    chinese: bool,
) -> crate::error::ApiResult<ExportFile> {
    use sea_orm::EntityTrait;
    let release = entity::disclosure_release::Entity::find_by_id(release_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::error::ApiError::not_found("no such release"))?;
    let sheet = release_sheet(&release_rows(db, release.id).await?);
    let day = release.released_at.date_naive();
    Ok(ExportFile {
        name: format!("release-{}-{day}.{}", release.id, format.extension()),
        bytes: render(&sheet, format, chinese)?,
    })
}
