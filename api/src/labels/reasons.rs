//! Import files in Chinese: the headers offices write, and each row's reason as a sentence.

/// Import columns by the headers offices write (the column's word is accepted as well).
const COLUMNS: &[(&str, &str)] = &[
    ("national_id", "身份证号"),
    ("national_id", "身份证号码"),
    ("name", "姓名"),
    ("institution_credit_code", "单位统一社会信用代码"),
    ("institution_credit_code", "统一社会信用代码"),
    ("category", "岗位类别"),
    ("basis", "用编类型"),
    ("basis", "编制类型"),
    ("status", "人员状态"),
    ("status", "状态"),
    ("hire_date", "进人日期"),
    ("hire_date", "入编时间"),
    ("title_level", "职称"),
    ("credit_code", "统一社会信用代码"),
    ("institution_name", "单位名称"),
    ("name", "单位名称"),
    ("jurisdiction", "行政区划代码"),
    ("jurisdiction", "所属地区"),
    ("department", "主管部门"),
    ("sector", "行业"),
    ("level", "机构规格"),
    ("funding_form", "经费形式"),
    ("management_mode", "管理方式"),
    ("classification", "分类"),
    ("legal_person", "是否法人"),
    ("established_on", "成立日期"),
    ("approved_fiscal", "财政拨款编制"),
    ("approved_self_financed", "自收自支编制"),
    ("document_no", "批准文号"),
    ("document_no", "编制批准文号"),
    ("approved_on", "批准日期"),
    ("responsibilities", "主要职责"),
    ("internal_bodies", "内设机构"),
    ("leadership_posts", "领导职数"),
    ("vacant_since", "空编起始日期"),
    ("seconded_to", "借调单位"),
    ("seconded_since", "借调开始日期"),
    ("secondment_document_no", "借调文号"),
    ("name", "部门名称"),
    ("kind", "部门类别"),
    ("kind", "部门类型"),
    ("code", "统一社会信用代码"),
    ("code", "部门统一社会信用代码"),
    ("paid_by_budget", "财政供养"),
    ("education", "学历"),
    ("degree", "学位"),
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("post_grade", "岗位等级"),
    ("duty", "职务"),
    ("work_started_on", "参加工作时间"),
    ("entered_establishment_on", "入编日期"),
    ("entered_establishment_on", "进入编制时间"),
    ("recruitment", "进人方式"),
    ("recruitment", "招录方式"),
    ("departure_reason", "减员原因"),
    ("departure_reason", "离开原因"),
    ("seconded_until", "借调截止日期"),
];

/// The column a header names for a file with the `wanted` columns: a Chinese header's word (the
/// one the file wants, where a header could name two), else the header itself.
pub fn column<'a>(header: &'a str, wanted: &[&str]) -> &'a str {
    let mut words = COLUMNS.iter().filter(|(_, zh)| *zh == header).map(|(word, _)| *word);
    let first = words.clone().next();
    words.find(|w| wanted.contains(w)).or(first).unwrap_or(header)
}

/// Import reasons in Chinese: the start of an English reason and its Chinese sentence (`{}`
/// takes what followed the start, where it matters).
const REASONS: &[(&str, &str)] = &[
    ("national ID number must be 17 digits and a check character", "身份证号应为17位数字加1位校验码"),
    ("national ID number holds no valid birth date", "身份证号中的出生日期无效"),
    ("national ID number fails its check character", "身份证号校验码不正确（GB 11643）"),
    ("no institution has credit code", "没有统一社会信用代码为{}的单位"),
    ("the same national ID as line", "与第{}行的身份证号相同"),
    ("not a code of its national list", "不是国家标准代码表中的代码：{}"),
    ("not a post grade of the person's category", "不是该人员岗位类别的岗位等级：{}"),
    ("before the person's sixteenth birthday (the lawful working age)", "早于年满16周岁（法定就业年龄）"),
    ("before the day the person started work", "早于参加工作时间"),
    ("only for people who retired or left", "仅用于已退休或离开的人员"),
    ("a secondment's term is for people seconded out (SECONDED_OUT)", "借调截止日期仅用于借调人员"),
    ("is no longer active", "单位已撤销或合并：{}"),
    ("is not a valid value", "取值无效：{}"),
    ("is not a date such as 2020-01-01", "不是有效日期（如 2020-01-01）：{}"),
    ("the date is in the future", "日期晚于今天"),
    ("is in the future", "日期晚于今天：{}"),
    ("before the person's birth date", "早于本人出生日期"),
    ("before the hire date", "早于进人日期"),
    ("before the unit was established", "早于单位成立日期"),
    ("a unit without approved slots has no vacancies to date", "单位未核定编制，没有空编可填起始日期"),
    ("a secondment is recorded for people seconded out (SECONDED_OUT)", "仅借调人员（状态为借调）可填写借调信息"),
    ("only temporary staff (编外) are marked paid by the budget", "仅编外人员可标记为财政供养"),
    ("the same person holds a slot on line", "同一人在第{}行已占用编制（一人一编）"),
    ("the same person is on line", "同一人已在第{}行"),
    ("the same department is on line", "同一部门已在第{}行"),
    ("no institution is named `{}`", "没有名为{}的单位"),
    ("institutions are named", "有多个单位同名，请填写统一社会信用代码：{}"),
    ("a legal person (法人) has a unified social credit code", "法人单位须有统一社会信用代码，仅非法人单位可不填"),
    ("a unit of that name without a credit code is on line", "同名的无代码单位已在第{}行"),
    ("{} without a credit code is already registered here", "本辖区已登记无代码的同名单位：{}"),
    ("credit code `{}` must have 18 characters", "应为18位：{}"),
    ("credit code `{}` has a character outside GB 32100-2015", "含有无效字符（GB 32100-2015）：{}"),
    ("credit code `{}` fails its check character (GB 32100-2015)", "校验码不正确（GB 32100-2015）：{}"),
    ("is already another department's", "已是其他部门的统一社会信用代码：{}"),
    (
        "the person reached the statutory retirement age on {}; they cannot be hired",
        "本人已于{}达到法定退休年龄，不能进人",
    ),
    ("the person is {} on the hire date; a hire needs an age of at least 18", "进人日期时本人{}岁，进人须年满18岁"),
    ("is not this office's own", "不是本辖区：{}"),
    ("does not exist", "不存在：{}"),
    ("is required", "必须填写"),
    ("missing columns", "缺少列：{}"),
    ("the file is empty", "文件为空，需要表头行"),
    ("the file must be .csv or .xlsx", "文件应为 .csv 或 .xlsx"),
    ("too many rows: split the file; the most read at once is", "行数过多，请拆分文件；每次最多读取{}行"),
    ("too many columns; the most for this kind of file is", "列数过多，此类文件最多{}列"),
    ("a header cell is longer than 200 bytes: column", "表头单元格超过200字节：第{}列"),
    ("the cell is longer than the most a cell may hold, in bytes:", "单元格过长，最多{}字节"),
    ("the cell holds a control character (such as NUL)", "单元格含有控制字符（如空字符）"),
    ("not UTF-8 text: save the file as CSV UTF-8", "不是 UTF-8 文本：请另存为“CSV UTF-8（逗号分隔）”"),
    ("the workbook unpacks to more than the most read, in bytes:", "工作簿解压后过大，最多{}字节"),
    ("the workbook is packed far tighter than a spreadsheet; the most ratio read is", "工作簿压缩比异常，最多{}倍"),
    ("the workbook declares more distinct texts than are read; the most is", "工作簿声明的文本数过多，最多{}个"),
    ("the sheet's rows are out of order", "工作表的行顺序错乱"),
    ("not a readable workbook", "不是可读取的 .xlsx 工作簿"),
    ("cannot read the first sheet", "无法读取第一个工作表"),
    ("not valid CSV", "不是有效的 CSV 文件"),
    (
        "already holds an establishment slot outside this office's jurisdictions",
        "文件中有人员已在本辖区以外占用编制（一人一编），不列明行号；请与其所在编办核实身份证号",
    ),
    (
        "already registered outside this office's jurisdictions",
        "文件中有统一社会信用代码已在本辖区以外登记，不列明行号",
    ),
];

/// An import's notice in Chinese (what the office should do next).
pub fn notice_zh(notice: &str) -> String {
    match notice.strip_prefix("no control figure has been handed down to ").and_then(|rest| rest.split_once(" yet")) {
        Some((place, _)) => format!("{place}尚未获上级下达编制控制数：现有编制已按实导入，请登记上级下达的控制数"),
        None => notice.to_string(),
    }
}

/// A row's reason in Chinese: its column's header, then the reason's sentence; a reason not in
/// the table keeps its English words after the Chinese header.
pub fn reason_zh(reason: &str) -> String {
    reason_zh_in(reason, "staff")
}

/// The Chinese header of a column of a file of `staff`, `institutions` or `departments`.
pub fn column_zh(column: &str, file: &str) -> Option<&'static str> {
    match (column, file) {
        ("name", "institutions") => Some("单位名称"),
        ("name", "departments") => Some("部门名称"),
        _ => COLUMNS.iter().find(|(word, _)| *word == column).map(|(_, header)| *header),
    }
}

/// [`reason_zh`] for a file of `staff`, `institutions` or `departments`: a column several
/// files have (`name`) is headed as that file heads it.
pub fn reason_zh_in(reason: &str, file: &str) -> String {
    let (column, rest) = split_column(reason);
    headed(column, known_sentence_zh(column, rest).unwrap_or_else(|| rest.to_string()), file)
}

/// A reason in Chinese when the catalogue or the reasons' table knows its sentence (an API message quoting one).
pub(super) fn known_reason_zh(reason: &str) -> Option<String> {
    let (column, rest) = split_column(reason);
    Some(headed(column, known_sentence_zh(column, rest)?, "staff"))
}

/// A sentence under its column's Chinese header, unless it already starts with it.
fn headed(column: Option<&str>, sentence: String, file: &str) -> String {
    match column.and_then(|c| column_zh(c, file).or_else(|| super::field_zh(c))) {
        Some(header) if !sentence.starts_with(header) => format!("{header}：{sentence}"),
        _ => sentence,
    }
}

/// A sentence by the catalogue's template it fills, else by the reasons' table.
fn known_sentence_zh(column: Option<&str>, rest: &str) -> Option<String> {
    super::messages::catalogued(rest).or_else(|| sentence_zh(column, rest))
}

/// A reason's column (`national_id: …`, or a form's field, `postGrade: …`) and the rest.
fn split_column(reason: &str) -> (Option<&str>, &str) {
    match reason.split_once(": ") {
        Some((c, r)) if COLUMNS.iter().any(|(word, _)| *word == c) || super::field_zh(c).is_some() => (Some(c), r),
        _ => (None, reason),
    }
}

fn sentence_zh(column: Option<&str>, rest: &str) -> Option<String> {
    // A reason whose value sits inside its sentence: the template's two ends around `{}`.
    let framed = REASONS.iter().find_map(|(english, zh)| {
        let (before, after) = english.split_once("{}")?;
        let inner = rest.strip_prefix(before)?.strip_suffix(after)?;
        Some(zh.replace("{}", inner))
    });
    framed.or_else(|| {
        REASONS.iter().filter(|(english, _)| !english.contains("{}")).find(|(english, _)| rest.contains(english)).map(
            |(english, zh)| {
                let detail = rest.replace(english, "").replace('`', "");
                let detail = detail.trim().trim_matches(|c: char| c == ':' || c == '(' || c == ')').trim();
                // "jurisdiction `620722` is not …" names its column again: the header says it already.
                let detail = column.and_then(|c| detail.strip_prefix(c)).unwrap_or(detail).trim();
                zh.replace("{}", detail)
            },
        )
    })
}

#[cfg(test)]
mod reason_tests {
    use super::reason_zh;

    #[test]
    fn a_reason_with_its_value_inside_reads_whole_in_chinese() {
        assert_eq!(
            reason_zh("national_id: the person is 16 on the hire date; a hire needs an age of at least 18"),
            "身份证号：进人日期时本人16岁，进人须年满18岁"
        );
        assert_eq!(
            reason_zh(
                "national_id: the person reached the statutory retirement age on 2020-01-01; they cannot be hired"
            ),
            "身份证号：本人已于2020-01-01达到法定退休年龄，不能进人"
        );
    }

    #[test]
    fn a_row_reason_reads_in_chinese_with_its_column() {
        assert_eq!(
            reason_zh("national_id: national ID number fails its check character (ISO 7064 MOD 11-2)"),
            "身份证号校验码不正确（GB 11643）"
        );
        assert_eq!(reason_zh("category: `教师` is not a valid value"), "岗位类别：取值无效：教师");
        assert_eq!(
            super::reason_zh_in("code: credit code `1162` must have 18 characters", "departments"),
            "统一社会信用代码1162应为18位"
        );
        assert_eq!(
            reason_zh("institution_credit_code: no institution has credit code `X1`"),
            "单位统一社会信用代码：没有统一社会信用代码为X1的单位"
        );
        assert_eq!(reason_zh("something else"), "something else");
        assert_eq!(reason_zh("name: is required"), "姓名：必须填写");
        assert_eq!(super::reason_zh_in("name: is required", "institutions"), "单位名称：必须填写");
    }
}
