//! The staff import's XLSX template: the Chinese headers the import reads, a drop-down list of
//! the Chinese labels in each enumerated column, a date format and a note on each header.

use entity::enums::{StaffBasis, StaffCategory, StaffStatus};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Note, Workbook};

/// Rows the drop-downs and formats cover.
const ROWS: u32 = 5_000;

/// The template's columns: header, width, the values of its drop-down (Chinese labels), and
/// a note.
fn columns() -> Vec<(&'static str, f64, Vec<&'static str>, &'static str)> {
    let labels = |words: Vec<&'static str>| words.into_iter().map(|w| crate::labels::zh(w).unwrap_or(w)).collect();
    vec![
        ("身份证号", 22.0, Vec::new(), "18 位，含校验码"),
        ("姓名", 12.0, Vec::new(), ""),
        ("单位统一社会信用代码", 24.0, Vec::new(), "本辖区事业单位的 18 位代码"),
        ("岗位类别", 14.0, labels(StaffCategory::all().iter().map(|v| v.word()).collect()), ""),
        ("用编类型", 14.0, labels(StaffBasis::all().iter().map(|v| v.word()).collect()), ""),
        ("人员状态", 12.0, labels(StaffStatus::all().iter().map(|v| v.word()).collect()), ""),
        ("进人日期", 14.0, Vec::new(), "如 2020-01-01、2020/1/1 或 2020年1月1日"),
        ("职称", 12.0, Vec::new(), "可不填"),
        ("学历", 16.0, Vec::new(), "GB/T 4658 代码或名称，如 21 或 大学本科毕业；可不填"),
        ("学位", 10.0, labels(vec!["名誉博士", "博士", "硕士", "学士"]), "可不填"),
        ("民族", 10.0, Vec::new(), "GB 3304 代码或名称，如 01 或 汉族；可不填"),
        ("政治面貌", 14.0, Vec::new(), "GB/T 4762 代码或名称，如 13 或 群众；可不填"),
        (
            "岗位等级",
            16.0,
            Vec::new(),
            "M1-M10 管理岗位，P1-P13 专业技术岗位，W1-W5、W0 工勤技能岗位，或其名称，如 专业技术十级；可不填",
        ),
        ("职务", 12.0, Vec::new(), "可不填"),
        ("参加工作时间", 14.0, Vec::new(), "可不填"),
        ("入编日期", 14.0, Vec::new(), "不填则为进人日期"),
    ]
}

/// The template's bytes.
pub fn staff_template() -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let page = book.add_worksheet();
    page.set_name("人员名册")?;
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, (title, width, values, note)) in columns().into_iter().enumerate() {
        let c = c as u16;
        page.write_string_with_format(0, c, title, &header)?;
        page.set_column_width(c, width)?;
        let dated = matches!(title, "进人日期" | "参加工作时间" | "入编日期");
        page.set_column_format(c, if dated { &date } else { &text })?;
        if !values.is_empty() {
            let list = DataValidation::new().allow_list_strings(&values)?.set_error_message("请从下拉列表中选择")?;
            page.add_data_validation(1, c, ROWS, c, &list)?;
        }
        if !note.is_empty() {
            page.insert_note(0, c, &Note::new(note).set_author("编办"))?;
        }
    }
    page.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_as_an_empty_file_with_every_column_the_import_needs() {
        let bytes = staff_template().unwrap();
        let rows = crate::import::read_rows_from(
            &bytes,
            "xlsx",
            &super::super::STAFF_COLUMNS,
            crate::import::ReadLimits::UPLOAD,
        )
        .unwrap();
        assert!(rows.is_empty());
        // Every drop-down value is a label the import accepts.
        for (_, _, values, _) in columns() {
            for v in values {
                let known = crate::labels::parse(v, StaffCategory::from_word).is_some()
                    || crate::labels::parse(v, StaffBasis::from_word).is_some()
                    || crate::labels::parse(v, StaffStatus::from_word).is_some()
                    || crate::staff::record::parse_code(crate::staff::record::CodeListName::Degree, "degree", v)
                        .is_ok();
                assert!(known, "{v}");
            }
        }
    }
}
