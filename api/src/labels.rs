//! Chinese labels of the words the system stores and exports (enumerations, the overview's
//! tables and keys, the findings), for exports in Chinese and for reading offices' files.

/// (word, Chinese label). A word shared by two enumerations has one label that fits both.
const LABELS: &[(&str, &str)] = &[
    // Level
    ("DIVISION", "县处级"),
    ("DEPUTY_DIVISION", "副县处级"),
    ("SECTION", "乡科级"),
    ("DEPUTY_SECTION", "副乡科级"),
    ("SUB_SECTION", "股级"),
    ("UNRANKED", "不定级"),
    // Funding form and funding
    ("FULL_APPROPRIATION", "全额拨款"),
    ("DIFFERENTIAL_APPROPRIATION", "差额拨款"),
    ("SELF_FINANCED", "自收自支"),
    ("FISCAL", "财政拨款"),
    // Management mode
    ("CIVIL_SERVANT_REFERENCED", "参照公务员法管理"),
    ("REGULAR", "非参公管理"),
    // Department kind
    ("PARTY", "党委"),
    ("GOVERNMENT", "政府"),
    ("PEOPLES_CONGRESS", "人大"),
    ("POLITICAL_CONSULTATIVE", "政协"),
    ("MASS_ORGANISATION", "群团"),
    // Classification
    ("PUBLIC_WELFARE_I", "公益一类"),
    ("PUBLIC_WELFARE_II", "公益二类"),
    ("ADMINISTRATIVE", "承担行政职能"),
    ("PRODUCTION_OPERATION", "从事生产经营活动"),
    ("UNCLASSIFIED", "暂未分类"),
    ("EXCLUDED", "不纳入分类"),
    // Sector
    ("DIRECT_PARTY", "党委直属"),
    ("DIRECT_GOVERNMENT", "政府直属"),
    ("AGRICULTURE_FORESTRY_WATER_LIVESTOCK", "农林水牧"),
    ("EDUCATION", "教育"),
    ("HEALTH", "卫生健康"),
    ("CULTURE_TOURISM_SPORTS", "文化旅游体育"),
    ("CIVIL_AFFAIRS_SOCIAL_WELFARE", "民政社会福利"),
    ("INDUSTRY_TRANSPORT", "工业信息交通"),
    ("SCIENCE_RESEARCH", "科学研究"),
    ("OTHER", "其他"),
    // Size band
    ("OVER_100", "100人以上"),
    ("FROM_50_TO_100", "50-100人"),
    ("FROM_20_TO_50", "20-49人"),
    ("FROM_10_TO_20", "10-19人"),
    ("FROM_5_TO_10", "5-9人"),
    ("UNDER_5", "5人以下"),
    // Staff
    ("MANAGEMENT", "管理人员"),
    ("PROFESSIONAL_TECHNICAL", "专业技术人员"),
    ("LOGISTICS_SERVICE", "工勤技能人员"),
    ("TEMPORARY", "编外人员"),
    ("FILED", "备案制人员"),
    ("ACTIVE", "在职"),
    ("SECONDED_OUT", "借调"),
    ("RETIRED", "退休"),
    ("LEFT", "离职"),
    // Recruitment (招录方式)
    ("OPEN_EXAM", "公开招聘"),
    ("ASSESSMENT", "考核招聘"),
    ("TALENT_INTRODUCTION", "人才引进"),
    ("TRANSFER_IN", "调入"),
    ("SELECTION", "选调"),
    ("TARGETED", "定向招聘"),
    ("MILITARY_CADRE_PLACEMENT", "军转干部安置"),
    ("VETERAN_PLACEMENT", "退役士兵安置"),
    ("MILITARY_SPOUSE_PLACEMENT", "随军家属安置"),
    ("CONTRACTED_GRADUATE", "履约"),
    ("GRADUATE_PLACEMENT", "毕业生安置"),
    // Departure reasons and off-post statuses (在编不在岗)
    ("TRANSFER_OUT", "调出"),
    ("RESIGNATION", "辞职"),
    ("DISMISSAL", "辞退/解聘"),
    ("CIVIL_SERVICE", "考录公务员"),
    ("RETIREMENT", "退休"),
    ("DEATH", "死亡"),
    ("EXPULSION", "开除"),
    ("ENTREPRENEURSHIP", "离岗创业"),
    ("LONG_SICK_LEAVE", "长期病休"),
    ("UNPAID_LEAVE", "停薪留职"),
    ("ATTACHMENT", "挂职/驻村"),
    ("FULL_TIME_STUDY", "脱产学习"),
    // Grade
    ("EXCELLENT", "优秀"),
    ("GOOD", "良好"),
    ("PASS", "合格"),
    ("FAIL", "不合格"),
    // The overview's tables and keys
    ("institutions", "事业单位"),
    ("total", "合计"),
    ("by_level", "按机构规格"),
    ("by_funding_form", "按经费形式"),
    ("by_management_mode", "按管理方式"),
    ("by_sector", "按行业"),
    ("approved_by_sector", "分行业核定编制"),
    ("by_size_band", "按人员规模"),
    ("by_classification", "按分类"),
    ("establishment", "编制"),
    ("staff", "人员"),
    ("approved", "核定编制"),
    ("fiscal", "财政拨款编制"),
    ("self_financed", "自收自支编制"),
    ("frozen", "冻结编制"),
    ("occupied", "占用编制"),
    ("vacant", "空编"),
    ("over_establishment", "超编人员"),
    ("reserve", "收回待分配编制"),
    ("in_establishment", "在编人员"),
    ("management", "管理人员"),
    ("professional_technical", "专业技术人员"),
    ("logistics_service", "工勤技能人员"),
    ("temporary", "编外人员"),
    ("seconded_out", "借调人员"),
    ("filed", "备案制人员"),
    // Findings
    ("micro_institutions", "微小型单位"),
    ("never_adjusted", "长期未调整"),
    ("overlapping_responsibilities", "职责交叉"),
    ("logistics_heavy", "工勤人员比例偏高"),
    ("few_professionals", "专技人员比例偏低"),
    ("ageing", "人员老化"),
    ("long_vacant", "长期空编"),
    ("long_secondment", "长期借调"),
    ("seconded_without_papers", "借调无文件"),
    ("off_post_overrun", "超期不在岗"),
    ("past_retirement_age", "超龄在岗"),
    ("slots_without_document", "无文号编制"),
    ("nominally_self_financed", "名为自收自支"),
    ("technical_units_under_civil_servant_law", "技术单位参公管理"),
    ("unclassified", "未分类单位"),
    ("inconsistent_classification", "分类标准不一"),
];

/// Other ways offices write the same words in their spreadsheets (read, never written).
const ALIASES: &[(&str, &str)] = &[
    ("PARTY", "党委部门"),
    ("PARTY", "党委工作部门"),
    ("GOVERNMENT", "政府部门"),
    ("GOVERNMENT", "政府工作部门"),
    ("PEOPLES_CONGRESS", "人大机关"),
    ("POLITICAL_CONSULTATIVE", "政协机关"),
    ("MASS_ORGANISATION", "群团组织"),
    ("MASS_ORGANISATION", "群团机关"),
    ("DIVISION", "处级"),
    ("DIVISION", "正处级"),
    ("DIVISION", "正县级"),
    ("DEPUTY_DIVISION", "副处级"),
    ("DEPUTY_DIVISION", "副县级"),
    ("SECTION", "科级"),
    ("SECTION", "正科级"),
    ("DEPUTY_SECTION", "副科级"),
    ("FULL_APPROPRIATION", "全额"),
    ("DIFFERENTIAL_APPROPRIATION", "差额"),
    ("SELF_FINANCED", "自收自支编制"),
    ("FISCAL", "财政"),
    ("FISCAL", "全额拨款"),
    ("CIVIL_SERVANT_REFERENCED", "参公"),
    ("CIVIL_SERVANT_REFERENCED", "参公管理"),
    ("REGULAR", "非参公"),
    ("PRODUCTION_OPERATION", "生产经营类"),
    ("PRODUCTION_OPERATION", "生产经营"),
    ("ADMINISTRATIVE", "行政类"),
    ("UNCLASSIFIED", "未分类"),
    ("HEALTH", "卫生"),
    ("HEALTH", "卫健"),
    ("CULTURE_TOURISM_SPORTS", "文旅"),
    ("CIVIL_AFFAIRS_SOCIAL_WELFARE", "民政"),
    ("INDUSTRY_TRANSPORT", "工业交通"),
    ("DIRECT_PARTY", "市委直属"),
    ("DIRECT_PARTY", "县委直属"),
    ("DIRECT_GOVERNMENT", "市政府直属"),
    ("DIRECT_GOVERNMENT", "县政府直属"),
    ("MANAGEMENT", "管理"),
    ("MANAGEMENT", "管理岗位"),
    ("PROFESSIONAL_TECHNICAL", "专业技术"),
    ("PROFESSIONAL_TECHNICAL", "专技"),
    ("LOGISTICS_SERVICE", "工勤"),
    ("LOGISTICS_SERVICE", "工勤技能"),
    ("TEMPORARY", "编外"),
    ("ACTIVE", "在岗"),
    ("SECONDED_OUT", "借调出"),
    ("DISMISSAL", "辞退"),
    ("DISMISSAL", "解聘"),
    ("CIVIL_SERVICE", "考录"),
    ("ATTACHMENT", "挂职"),
    ("ATTACHMENT", "驻村"),
];

/// A value as an office wrote it (the stored word, its Chinese label or a usual alias) parsed
/// by `from_word`.
pub fn parse<T>(text: &str, from_word: fn(&str) -> Option<T>) -> Option<T> {
    let text = text.trim();
    from_word(text)
        .or_else(|| from_word(&text.to_ascii_uppercase()))
        .or_else(|| LABELS.iter().chain(ALIASES).filter(|(_, zh)| *zh == text).find_map(|(w, _)| from_word(w)))
}

/// 是/否 and the other ways a yes or a no is written.
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "有" | "√" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "无" | "×" => Some(false),
        _ => None,
    }
}

/// A date as offices write it: 2020-01-01, 2020/1/1, 2020.1.1, 2020年1月1日, 20200101.
pub fn date(text: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if text.len() == 8 && digits.len() == 8 {
        return chrono::NaiveDate::parse_from_str(text, "%Y%m%d").ok();
    }
    let parts: Vec<&str> =
        text.split(['-', '/', '.', '年', '月', '日']).map(str::trim).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
    }
}

/// The Chinese label of a stored word, if it has one.
pub fn zh(word: &str) -> Option<&'static str> {
    LABELS.iter().find(|(w, _)| *w == word).map(|(_, label)| *label)
}

#[cfg(test)]
mod tests {
    use entity::enums::{
        Classification, FundingForm, Grade, Level, ManagementMode, Sector, StaffBasis, StaffCategory, StaffStatus,
    };

    use super::*;

    #[test]
    fn every_word_an_export_shows_has_a_chinese_label() {
        let words: Vec<&str> = [
            Level::all().iter().map(|v| v.word()).collect::<Vec<_>>(),
            FundingForm::all().iter().map(|v| v.word()).collect(),
            ManagementMode::all().iter().map(|v| v.word()).collect(),
            Classification::all().iter().map(|v| v.word()).collect(),
            Sector::all().iter().map(|v| v.word()).collect(),
            Grade::all().iter().map(|v| v.word()).collect(),
            StaffCategory::all().iter().map(|v| v.word()).collect(),
            StaffBasis::all().iter().map(|v| v.word()).collect(),
            StaffStatus::all().iter().map(|v| v.word()).collect(),
            crate::figures::SizeBand::ALL.iter().map(|v| v.word()).collect(),
        ]
        .concat();
        for word in words {
            assert!(zh(word).is_some(), "{word} has no Chinese label");
        }
    }

    #[test]
    fn offices_own_words_are_read() {
        assert_eq!(parse("公益一类", Classification::from_word), Some(Classification::PublicWelfareI));
        assert_eq!(parse(" 全额拨款 ", FundingForm::from_word), Some(FundingForm::FullAppropriation));
        assert_eq!(parse("全额拨款", StaffBasis::from_word), Some(StaffBasis::Fiscal));
        assert_eq!(parse("科级", Level::from_word), Some(Level::Section));
        assert_eq!(parse("教育", Sector::from_word), Some(Sector::Education));
        assert_eq!(parse("public_welfare_i", Classification::from_word), Some(Classification::PublicWelfareI));
        assert_eq!(parse("公益三类", Classification::from_word), None);
        assert_eq!(
            (yes_no("是"), yes_no("否"), yes_no("TRUE"), yes_no("也许")),
            (Some(true), Some(false), Some(true), None)
        );
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
        for text in ["2020-01-01", "2020/1/1", "2020.01.01", "2020年1月1日", "20200101"] {
            assert_eq!(date(text), day, "{text}");
        }
        assert_eq!(date("2020-13-01"), None);
        assert_eq!(date("01/02/2020"), None, "day-first or month-first is ambiguous: refused");
    }
}

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
    ("not a code of its national list", "不是国家标准代码表中的代码：{}"),
    ("not a post grade of the person's category", "不是该人员岗位类别的岗位等级：{}"),
    ("before the person's sixteenth birthday (the lawful working age)", "早于年满16周岁（法定就业年龄）"),
    ("before the day the person started work", "早于参加工作时间"),
    ("only for people who retired or left", "仅用于已退休或离开的人员"),
    ("a secondment's term is for people seconded out (SECONDED_OUT)", "借调截止日期仅用于借调人员"),
    ("is no longer active", "单位已撤销或合并：{}"),
    ("is not a valid value", "取值无效：{}"),
    ("is not a date such as 2020-01-01", "不是有效日期（如 2020-01-01）：{}"),
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
    ("the cell holds a control character (such as NUL)", "单元格含有控制字符（如 NUL）"),
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
    let (column, rest) = match reason.split_once(": ") {
        Some((c, r)) if COLUMNS.iter().any(|(word, _)| *word == c) => (Some(c), r),
        _ => (None, reason),
    };
    // A reason whose value sits inside its sentence: the template's two ends around `{}`.
    let framed = REASONS.iter().find_map(|(english, zh)| {
        let (before, after) = english.split_once("{}")?;
        let inner = rest.strip_prefix(before)?.strip_suffix(after)?;
        Some(zh.replace("{}", inner))
    });
    let sentence = framed
        .or_else(|| {
            REASONS
                .iter()
                .filter(|(english, _)| !english.contains("{}"))
                .find(|(english, _)| rest.contains(english))
                .map(|(english, zh)| {
                    let detail = rest.replace(english, "").replace('`', "");
                    let detail = detail.trim().trim_matches(|c: char| c == ':' || c == '(' || c == ')').trim();
                    // "jurisdiction `620722` is not …" names its column again: the header says it already.
                    let detail = column.and_then(|c| detail.strip_prefix(c)).unwrap_or(detail).trim();
                    zh.replace("{}", detail)
                })
        })
        .unwrap_or_else(|| rest.to_string());
    match column.and_then(|c| column_zh(c, file)) {
        Some(header) => format!("{header}：{sentence}"),
        None => sentence,
    }
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
            "身份证号：身份证号校验码不正确（GB 11643）"
        );
        assert_eq!(reason_zh("category: `教师` is not a valid value"), "岗位类别：取值无效：教师");
        assert_eq!(
            super::reason_zh_in("code: credit code `1162` must have 18 characters", "departments"),
            "统一社会信用代码：应为18位：1162"
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

/// Each error code's sentence in Chinese.
const CODE_SENTENCES: &[(&str, &str)] = &[
    ("UNAUTHENTICATED", "需要登录，或登录已失效"),
    ("FORBIDDEN", "无权办理"),
    ("NOT_FOUND", "未找到"),
    ("BAD_USER_INPUT", "填写的内容有误"),
    ("CONFLICT", "与现有数据或规则冲突，不能办理"),
    ("UNAVAILABLE", "系统暂时不可用，请稍后再试"),
    ("RATE_LIMITED", "操作过于频繁，请稍后再试"),
    ("INTERNAL", "系统内部错误，请凭请求编号联系管理员"),
];

/// Frequent API details in Chinese: a fragment of the English detail and its sentence.
const DETAILS: &[(&str, &str)] = &[
    ("the public may only read", "公众只能查阅，修改数据需要登录"),
    ("only a staffing office may change establishment records", "只有机构编制部门可以办理编制事项"),
    ("writes only its own jurisdiction's records", "只能办理本辖区的事项"),
    ("is not public", "此项不公开"),
    ("are not public", "此项不公开"),
    ("is no longer active", "单位已撤销或合并"),
    ("are vacant and not already promised to an approved plan", "空编不足（已扣除已批准用编计划的剩余名额）"),
    ("cannot take this hire", "用编计划不可用：须为本单位、同一经费形式、已批准、未过期且有剩余名额"),
    ("has already been decided", "该申请已审批"),
    ("one person, one slot", "同一人只能占用一个编制（一人一编）"),
    (
        "would still be recoverable from what is public",
        "按此门槛公开，仍可由公开数据推算出受保护的人数；请降低门槛或全部公开",
    ),
    ("is in the future", "日期晚于今天"),
    ("is in the past", "日期早于今天"),
    ("document number (文号) is required", "须填写文号"),
    ("a reason is required", "须填写事由"),
    ("only an institution's own account keys its submissions", "只有单位本身的账户可以填报"),
    ("submits changes of its own people and record only", "单位只能填报本单位人员和本单位信息的变更"),
    ("the supervising department reviews", "单位的填报由主管部门审核"),
    ("decides its own jurisdiction's submissions", "单位的填报由本辖区机构编制部门核准"),
    (": it cannot be", "该填报当前的状态不能办理此项"),
    ("is exactly one of `arrival`", "每份填报只能是一项：人员入编、出编、人员信息变更、单位信息变更或年度报告"),
    ("an arrival is submitted on an approved vacancy-use plan", "人员入编须依据已批准的用编计划"),
    ("give at least one of `address`", "请至少填写住所、法定代表人或单位负责人中的一项"),
    ("differ from the roster's at 31 December", "年度报告的年末在编人数与实名制名册不一致"),
    ("is already recorded", "该年度报告已经报送"),
    ("a finished year since the institution was established", "报告年度须为单位成立以来已经结束的年度"),
    ("an amount in yuan", "金额以元为单位，最多两位小数"),
    ("may not be negative", "不能为负数"),
    ("`digits`: from 0 to 4", "显示的身份证号末位数须为0至4位"),
    ("an INSTITUTION account names its institution", "事业单位账户须指定所属单位"),
    ("`reason` is required", "须填写理由"),
    ("attachments", "附件最多20个"),
    ("not found", "未找到"),
    ("exceed", "超出限额"),
    ("no vacant", "没有空编"),
];

/// An API error's message in Chinese: its code's sentence, then the detail in Chinese where it
/// is one of the frequent ones, else the English detail in brackets.
pub fn message_zh(code: &str, message: &str) -> String {
    let sentence = CODE_SENTENCES.iter().find(|(c, _)| *c == code).map_or("操作未完成", |(_, s)| *s);
    let detail = DETAILS
        .iter()
        .find(|(english, _)| message.contains(english))
        .map(|(_, zh)| zh.to_string())
        .unwrap_or_else(|| reason_zh(message));
    if detail.is_empty() || code == "INTERNAL" { sentence.to_string() } else { format!("{sentence}：{detail}") }
}

#[cfg(test)]
mod message_tests {
    use super::message_zh;

    #[test]
    fn an_error_reads_in_chinese_with_its_detail_or_the_english_one() {
        assert_eq!(
            message_zh("FORBIDDEN", "the public may only read; sign in to change records"),
            "无权办理：公众只能查阅，修改数据需要登录"
        );
        assert_eq!(message_zh("CONFLICT", "something rare"), "与现有数据或规则冲突，不能办理：something rare");
        assert_eq!(message_zh("INTERNAL", "internal error"), "系统内部错误，请凭请求编号联系管理员");
    }
}
