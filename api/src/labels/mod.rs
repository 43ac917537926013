//! The product's one label table: the Chinese of the words the system stores and exports
//! (enumerations, the overview's tables and keys, the findings), of the fields a form names, of
//! import files' headers and reasons ([`reasons`]) and of every message the API answers with
//! ([`messages`]).

mod access;
mod catalogue;
mod fields;
mod messages;
mod reasons;

pub use fields::field_zh;
pub use messages::message_zh;
pub use reasons::{column, column_zh, notice_zh, reason_zh, reason_zh_in};

/// (word, Chinese label). A word shared by two enumerations has one label that fits both.
const LABELS: &[(&str, &str)] = &[
    // Level
    ("DIVISION", "正处级"),
    ("DEPUTY_DIVISION", "副处级"),
    ("SECTION", "正科级"),
    ("DEPUTY_SECTION", "副科级"),
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
    // Staffing norms
    ("SCHOOL", "中小学校"),
    ("KINDERGARTEN", "幼儿园"),
    ("HEALTH_CENTRE", "乡镇卫生院"),
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
    ("CONTRACTED_GRADUATE", "公费师范生/定向医学生履约"),
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
    // Statuses of plans, rounds, submissions, loans and filings
    ("DRAFT", "草稿"),
    ("REQUESTED", "待审批"),
    ("SUBMITTED", "已提交"),
    ("PASSED", "主管部门已审核"),
    ("APPROVED", "已批准"),
    ("RETURNED", "已退回"),
    ("WITHDRAWN", "已撤回"),
    ("REFUSED", "不予批准"),
    ("REVOKED", "已收回"),
    ("PROPOSED", "待批准"),
    ("OPEN", "进行中"),
    ("SCORING", "评分中"),
    ("CLOSED", "已结束"),
    ("PUBLISHED", "已公布"),
    ("REPAID", "已归还"),
    ("QUEUED", "排队中"),
    ("SERVED", "已办结"),
    ("DISSOLVED", "已撤销"),
    ("MERGED", "已合并"),
    ("CONVERTED", "已转制"),
    // Establishment events, staff movements and reforms
    ("APPROVE", "核增"),
    ("REDUCE", "核减"),
    ("FREEZE", "冻结"),
    ("UNFREEZE", "解冻"),
    ("RECLAIM", "收回"),
    ("ALLOCATE", "调剂划入"),
    ("CONVERT", "转换"),
    ("POOL_FUND", "周转池基数"),
    ("DEPOSIT", "存入周转池"),
    ("WITHDRAW", "从周转池取回"),
    ("LEND", "周转池借出"),
    ("REPAY", "归还周转池"),
    ("HIRE", "进人"),
    ("SECOND_OUT", "借调出"),
    ("RETURN", "借调返回"),
    ("RETIRE", "退休"),
    ("LEAVE", "离开"),
    ("DISSOLVE", "撤销"),
    ("MERGE", "合并"),
    // What a submission carries
    ("ARRIVAL", "人员入编"),
    ("DEPARTURE", "人员出编"),
    ("PERSON_FACTS", "人员信息变更"),
    ("INSTITUTION_FACTS", "单位信息变更"),
    ("ANNUAL_REPORT", "年度报告"),
    // Jurisdiction kinds
    ("PROVINCE", "省"),
    ("CITY", "市"),
    ("COUNTY", "县"),
    ("DISTRICT", "区"),
    // Early retirement's basis and indicator categories
    ("ILLNESS", "病退"),
    ("SPECIAL_WORK", "特殊工种"),
    ("WORK_INJURY", "因工致残"),
    ("COMMON", "共性指标"),
    ("SECTOR", "行业指标"),
    ("PUBLIC", "公众评价指标"),
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
    ("below_norm", "低于编制标准"),
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
    ("DIVISION", "县处级"),
    ("DIVISION", "正县级"),
    ("DEPUTY_DIVISION", "副县处级"),
    ("DEPUTY_DIVISION", "副县级"),
    ("SECTION", "科级"),
    ("SECTION", "乡科级"),
    ("DEPUTY_SECTION", "副乡科级"),
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

/// The enumerations' labels as one JSON object (word → Chinese), which the console and the
/// portal take as their own, so a word reads the same on every screen and in every file.
pub fn enumerations_json() -> String {
    let words: serde_json::Map<String, serde_json::Value> = LABELS
        .iter()
        .filter(|(word, _)| word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
        .map(|(word, zh)| (word.to_string(), serde_json::Value::from(*zh)))
        .collect();
    serde_json::Value::Object(words).to_string()
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

#[cfg(test)]
mod check;
