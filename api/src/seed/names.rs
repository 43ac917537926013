//! Names that read like a real prefecture-level city's institutions, by sector, with their
//! supervising departments. The report names many of them (e.g. 市农业科学研究院, 市文化馆,
//! 市水利水电工程局, 市交通职工培训中心).

use std::collections::HashMap;
use std::sync::LazyLock;

use entity::enums::Sector;

/// (supervising department, unit) pairs a sector draws its institutions from, most typical
/// first (`data/names.json`). A name is the jurisdiction's name followed by the unit.
pub fn catalog(sector: Sector) -> &'static [(&'static str, &'static str)] {
    CATALOG.get(sector.word()).map(Vec::as_slice).unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct Names {
    catalog: HashMap<String, Vec<Unit>>,
}

#[derive(serde::Deserialize)]
struct Unit {
    department: String,
    unit: String,
}

/// The catalog by sector word. Read once; its texts live as long as the process, as the
/// constants they were.
static CATALOG: LazyLock<HashMap<String, Vec<(&'static str, &'static str)>>> = LazyLock::new(|| {
    let names: Names =
        serde_json::from_str(include_str!("data/names.json")).expect("data/names.json is valid (a unit test reads it)");
    let keep = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    names
        .catalog
        .into_iter()
        .map(|(sector, units)| (sector, units.into_iter().map(|u| (keep(u.department), keep(u.unit))).collect()))
        .collect()
});

/// Societies and associations excluded from classification (不纳入分类).
pub const SOCIETIES: [(&str, &str); 8] = [
    ("市民政局", "红十字会"),
    ("市卫生健康委员会", "计划生育协会"),
    ("市文化广电和旅游局", "老年体育协会"),
    ("市科学技术协会", "农学会"),
    ("市民政局", "慈善协会"),
    ("市总工会", "职工技术协会"),
    ("市文学艺术界联合会", "书法家协会"),
    ("市残疾人联合会", "残疾人福利基金会"),
];

/// A department's short name, for the units named after it: 市发展和改革委员会 → 发展改革,
/// 市总工会 → 工会, 市委组织部 → 组织, 市残疾人联合会 → 残联.
pub fn stem(department: &str) -> String {
    const SHORT: [(&str, &str); 12] = [
        ("总工会", "工会"),
        ("妇女联合会", "妇联"),
        ("残疾人联合会", "残联"),
        ("文学艺术界联合会", "文联"),
        ("科学技术协会", "科协"),
        ("纪委监委", "纪检监察"),
        ("委编办", "机构编制"),
        ("委政法委", "政法"),
        ("委政研室", "政策研究"),
        ("委办公室", "党委办公"),
        ("政府办公室", "政府办公"),
        ("供销合作社", "供销合作"),
    ];
    let name = department.strip_prefix('市').unwrap_or(department);
    if let Some((_, short)) = SHORT.iter().find(|(long, _)| *long == name) {
        return (*short).to_string();
    }
    if name.starts_with("共青团") {
        return "共青团".to_string();
    }
    let name = name.strip_prefix('委').unwrap_or(name);
    let name =
        name.strip_suffix("委员会").or_else(|| name.strip_suffix(['局', '部', '室', '社', '会'])).unwrap_or(name);
    name.replace('和', "")
}

/// Generic unit kinds used when a sector needs more institutions than its catalog holds.
pub const GENERIC_UNITS: [&str; 10] = [
    "服务中心",
    "事务中心",
    "信息中心",
    "综合保障中心",
    "发展研究中心",
    "技术服务站",
    "监测中心",
    "培训中心",
    "咨询服务中心",
    "档案管理中心",
];

/// Family names in rough order of frequency in Gansu, and given-name characters.
pub const FAMILY_NAMES: [&str; 40] = [
    "王", "张", "李", "刘", "陈", "杨", "赵", "马", "魏", "何", "郭", "孙", "朱", "高", "徐", "胡", "周", "吴", "罗",
    "田", "郑", "梁", "韩", "宋", "唐", "冯", "董", "程", "曹", "袁", "邓", "许", "傅", "沈", "彭", "吕", "苏", "蒋",
    "蔡", "贾",
];
pub const GIVEN_CHARS: [&str; 48] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "兰", "文", "辉", "建", "国", "红", "燕", "亮", "斌", "晨", "宁", "鹏", "海",
    "波", "峰", "婷", "雪", "琳", "瑞", "博", "凯", "慧", "欣",
];
