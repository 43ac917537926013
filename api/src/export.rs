//! Exports for staffing offices: the overview's tables, the findings and a disclosure release
//! as CSV or XLSX, with English or Chinese column headers; from `api export` and from
//! `GET /exports/{overview|findings|release}.{csv|xlsx}`.

use std::io::Write;

use crate::overview::{Count, Overview};

/// A cell of an exported table.
pub enum Cell {
    Text(String),
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
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => neutralise(s),
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
            rows.push(vec![overview.jurisdiction.as_str().into(), table.name.into(), key.into(), value.into()]);
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
            writer.write_record(row.iter().map(Cell::text))?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// Writes one worksheet per sheet into an XLSX file's bytes.
pub fn xlsx_bytes(sheets: &[Sheet], chinese: bool) -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for sheet in sheets {
        let page = book.add_worksheet();
        page.set_name(sheet.name)?;
        for (c, (en, zh)) in sheet.headers.iter().enumerate() {
            page.write_string(0, c as u16, if chinese { *zh } else { *en })?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Text(s) => page.write_string(r, c, s)?,
                    Cell::Number(n) => page.write_number(r, c, *n)?,
                    Cell::Empty => page,
                };
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

/// The overview's tables, one worksheet each (the historical `api export overview` layout).
pub fn overview_xlsx(overview: &Overview, chinese: bool) -> anyhow::Result<Vec<u8>> {
    let sheets: Vec<Sheet> = tables(overview)
        .into_iter()
        .map(|t| Sheet {
            name: t.name,
            headers: vec![("key", "项目"), ("value", "数值")],
            rows: t.rows.into_iter().map(|(k, v)| vec![k.into(), v.into()]).collect(),
        })
        .collect();
    xlsx_bytes(&sheets, chinese)
}

/// Kept for the tests and the CLI: the overview as CSV with English headers.
pub fn write_csv_overview(overview: &Overview, out: impl Write) -> anyhow::Result<()> {
    write_csv(&[overview_sheet(overview)], false, out)
}

pub fn write_xlsx(overview: &Overview, path: &std::path::Path) -> anyhow::Result<()> {
    std::fs::write(path, overview_xlsx(overview, false)?)?;
    Ok(())
}

/// All findings of a jurisdiction in one sheet.
pub async fn findings_sheet(findings: &crate::findings::Findings) -> anyhow::Result<Sheet> {
    let map = |e: crate::error::ApiError| anyhow::anyhow!(e.message());
    let overlaps: Vec<crate::findings::Finding> = findings
        .overlapping_responsibilities(0.5)
        .into_iter()
        .map(|o| crate::findings::Finding { institution: o.institution, figure: o.figure, detail: o.detail })
        .collect();
    let groups: Vec<(&str, Vec<crate::findings::Finding>)> = vec![
        ("micro_institutions", findings.micro_institutions(5).await),
        ("never_adjusted", findings.never_adjusted(1990).await.map_err(map)?),
        ("overlapping_responsibilities", overlaps),
        ("logistics_heavy", findings.logistics_heavy(0.3).await),
        ("few_professionals", findings.few_professionals(0.5).await),
        ("ageing", findings.ageing(50, 0.4).await.map_err(map)?),
        ("long_vacant", findings.long_vacant(24).await.map_err(map)?),
        ("seconded_out", findings.seconded_out().await),
        ("long_secondment", findings.long_secondment(12).await.map_err(map)?),
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
                name.into(),
                i.name.clone().into(),
                i.credit_code.clone().into(),
                Cell::Number(f.figure),
                f.detail.into(),
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

/// A disclosure release's institution records (suppressed counts are empty cells).
pub fn release_sheet(rows: &[entity::release_institution::Model]) -> Sheet {
    let out = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone().into(),
                r.credit_code.clone().into(),
                r.department.clone().into(),
                r.sector.clone().into(),
                r.classification.clone().into(),
                r.funding_form.clone().into(),
                i64::from(r.approved_fiscal).into(),
                i64::from(r.approved_self_financed).into(),
                i64::from(r.vacant).into(),
                r.staff_in_establishment.into(),
                r.management.into(),
                r.professional_technical.into(),
                r.logistics_service.into(),
                r.temporary.into(),
                r.grade.clone().map_or(Cell::Empty, Cell::Text),
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
