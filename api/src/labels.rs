//! Chinese labels of the words the system stores and exports (enumerations, the overview's
//! tables and keys, the findings), for exports in Chinese and for reading offices' files.

/// (word, Chinese label). A word shared by two enumerations has one label that fits both.
const LABELS: &[(&str, &str)] = &[
    // Level
    ("DIVISION", "县处级"),
    ("DEPUTY_DIVISION", "副县处级"),
    ("SECTION", "乡科级"),
    ("DEPUTY_SECTION", "副乡科级"),
    ("UNRANKED", "不定级"),
    // Funding form and funding
    ("FULL_APPROPRIATION", "全额拨款"),
    ("DIFFERENTIAL_APPROPRIATION", "差额拨款"),
    ("SELF_FINANCED", "自收自支"),
    ("FISCAL", "财政拨款"),
    // Management mode
    ("CIVIL_SERVANT_REFERENCED", "参照公务员法管理"),
    ("REGULAR", "非参公管理"),
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
    ("nominally_self_financed", "名为自收自支"),
    ("technical_units_under_civil_servant_law", "技术单位参公管理"),
    ("unclassified", "未分类单位"),
    ("inconsistent_classification", "分类标准不一"),
];

/// The Chinese label of a stored word, if it has one.
pub fn zh(word: &str) -> Option<&'static str> {
    LABELS.iter().find(|(w, _)| *w == word).map(|(_, label)| *label)
}

/// The word a Chinese label (or the word itself) stands for, among `words`.
pub fn word_of<'a>(text: &str, words: &[&'a str]) -> Option<&'a str> {
    let text = text.trim();
    words.iter().find(|w| **w == text || zh(w) == Some(text)).copied()
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
            crate::overview::SizeBand::ALL.iter().map(|v| v.word()).collect(),
        ]
        .concat();
        for word in words {
            assert!(zh(word).is_some(), "{word} has no Chinese label");
        }
        assert_eq!(
            word_of("公益一类", Classification::all().iter().map(|c| c.word()).collect::<Vec<_>>().as_slice()),
            Some("PUBLIC_WELFARE_I")
        );
    }
}
