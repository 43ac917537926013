//! `api export overview`: the overview's tables as CSV (one long table) or XLSX (a sheet each).

use std::io::Write;
use std::path::Path;

use crate::overview::{Count, Overview};

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
            ]),
        },
    ]
}

/// Writes `table,key,value` rows.
pub fn write_csv(overview: &Overview, out: impl Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["jurisdiction", "table", "key", "value"])?;
    for table in tables(overview) {
        for (key, value) in table.rows {
            writer.write_record([overview.jurisdiction.as_str(), table.name, &key, &value.to_string()])?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// Writes one sheet per table.
pub fn write_xlsx(overview: &Overview, path: &Path) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for table in tables(overview) {
        let sheet = book.add_worksheet();
        sheet.set_name(table.name)?;
        sheet.write_string(0, 0, "key")?;
        sheet.write_string(0, 1, "value")?;
        for (row, (key, value)) in table.rows.iter().enumerate() {
            let row = row as u32 + 1;
            sheet.write_string(row, 0, key)?;
            sheet.write_number(row, 1, *value as f64)?;
        }
    }
    book.save(path)?;
    Ok(())
}
