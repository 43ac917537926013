//! The main duties (主要职责) of the demo city's institutions, and the titles of their heads.
//!
//! Every unit of the catalog has its own duties, so the overlapping-responsibilities finding
//! has something real to compare: parallel units (the schools, the hospitals, the quality
//! supervision stations) each have a profile of their own, and the only overlaps are the ones
//! the report itself describes — the culture units (书画院, 文化馆, 宣传文化中心 and, as in
//! life, 群众艺术馆) and the three family-planning units that kept their pre-merger tasks.
//! Generic units (a department stem plus a kind such as "服务中心") take their duties from the
//! department's lines of work, so two of them differ; only a department with more than two
//! generic kinds repeats a line of work (in another frame), and a round suffix ("第2") repeats
//! the whole unit.
//!
//! Duty templates may hold `{place}` (全市, 全县, 全区) and `{level}` (市, 县, 区).

/// The main duties (主要职责) of a unit, one sentence each, for a place word such as "全市" or "全县".
///
/// `unit` is the unit's name without its jurisdiction (e.g. "植保植检站", "财政服务中心");
/// `stem` is its department's short stem (e.g. "财政"), used for generic units.
pub fn duties(unit: &str, stem: &str, place: &str) -> Vec<String> {
    let level = place.chars().last().map_or_else(|| "市".to_string(), |c| c.to_string());
    let fill = |template: &str| template.replace("{place}", place).replace("{level}", &level);
    if let Some(list) = catalogued(unit) {
        return list.iter().map(|t| fill(t)).collect();
    }
    if let Some(list) = generic(unit, stem) {
        return list.iter().map(|t| fill(t)).collect();
    }
    vec![
        format!("承担{unit}业务范围内的{place}公共服务"),
        format!("负责{unit}相关业务的技术支撑和事务保障"),
        format!("开展{unit}领域的政策宣传和咨询服务"),
    ]
}

/// The title of a unit's head (院长, 校长, 站长, 主任, …), by the kind of unit its name ends with.
pub fn head_title(unit: &str) -> &'static str {
    const ENDINGS: [(&str, &str); 17] = [
        ("幼儿园", "园长"),
        ("支队", "支队长"),
        ("院", "院长"),
        ("学校", "校长"),
        ("中学", "校长"),
        ("小学", "校长"),
        ("校", "校长"),
        ("站", "站长"),
        ("所", "所长"),
        ("馆", "馆长"),
        ("处", "处长"),
        ("局", "局长"),
        ("队", "队长"),
        ("宫", "主任"),
        ("场", "场长"),
        ("园", "园长"),
        ("会", "会长"),
    ];
    let name = without_round(unit);
    ENDINGS.iter().find(|(ending, _)| name.ends_with(ending)).map_or("主任", |&(_, title)| title)
}

/// The deputy's title for a head's title: "院长" → "副院长".
pub fn deputy_title(head: &str) -> String {
    format!("副{head}")
}

/// A generated name's round suffix removed: "财政服务中心第2" → "财政服务中心".
fn without_round(unit: &str) -> &str {
    match unit.rfind('第') {
        Some(i) => {
            let rest = &unit[i + '第'.len_utf8()..];
            if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) { &unit[..i] } else { unit }
        }
        None => unit,
    }
}

/// The duty texts (`data/duties.json`): generic unit kinds, in names::GENERIC_UNITS order, each
/// with three duty frames around a line of work `{x}` (the first also names the department's
/// field, `{dept}`); departments' lines of work, found by a keyword of the stem (kinds of even
/// index take the first three lines, kinds of odd index the last three, each pair in a rotated
/// order, so a department's 服务中心 and 事务中心 do different things); and the duties of each
/// catalogued unit (names::catalog, names::SOCIETIES, and 市政服务管理处).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Texts {
    kinds: Vec<Kind>,
    department_work: Vec<DepartmentWork>,
    catalog: std::collections::HashMap<String, Vec<String>>,
}

#[derive(serde::Deserialize)]
struct Kind {
    kind: String,
    frames: [String; 3],
}

#[derive(serde::Deserialize)]
struct DepartmentWork {
    keys: Vec<String>,
    field: String,
    lines: [String; 6],
}

static TEXTS: std::sync::LazyLock<Texts> = std::sync::LazyLock::new(|| {
    serde_json::from_str(include_str!("data/duties.json")).expect("data/duties.json is valid (a unit test reads it)")
});

/// A generic unit's duties: its kind's frames around its department's lines of work.
fn generic(unit: &str, stem: &str) -> Option<Vec<String>> {
    let name = without_round(unit);
    // The longest kind the name ends with: "咨询服务中心" is not a "服务中心".
    let (k, kind) =
        TEXTS.kinds.iter().enumerate().filter(|(_, k)| name.ends_with(&k.kind)).max_by_key(|(_, k)| k.kind.len())?;
    let known = TEXTS.department_work.iter().find(|w| w.keys.iter().any(|key| stem.contains(key.as_str())));
    let (dept, work): (String, Vec<String>) = match known {
        Some(w) => (w.field.clone(), w.lines.to_vec()),
        // An unknown department: its stem in every line, and "相关" (a word the overlap
        // finding ignores) for its field.
        None => (
            "相关".to_string(),
            ["政务服务事项", "政策法规", "业务数据", "行业发展", "基层站点", "专项资金"]
                .iter()
                .map(|l| format!("{stem}{l}"))
                .collect(),
        ),
    };
    Some(
        kind.frames
            .iter()
            .enumerate()
            .map(|(j, frame)| frame.replace("{dept}", &dept).replace("{x}", &work[3 * (k % 2) + (j + k / 2) % 3]))
            .collect(),
    )
}

/// The duties of a catalogued unit (names::catalog, names::SOCIETIES, and 市政服务管理处).
fn catalogued(unit: &str) -> Option<&'static [String]> {
    TEXTS.catalog.get(unit).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use entity::enums::Sector;

    use super::*;
    use crate::seed::names::{GENERIC_UNITS, SOCIETIES, catalog};

    /// Units whose duties overlap on purpose (the report's own finding, and the family-planning
    /// units that kept their pre-merger tasks).
    const OVERLAPPING: [&[&str]; 2] = [
        &["书画院", "文化馆", "宣传文化中心", "群众艺术馆"],
        &["计划生育技术指导站", "药具管理站", "生殖健康服务中心"],
    ];

    fn all_units() -> Vec<(&'static str, &'static str)> {
        let mut units: Vec<(&str, &str)> =
            Sector::all().iter().flat_map(|s| catalog(*s).iter().copied()).chain(SOCIETIES).collect();
        units.push(("市城市管理局", "市政服务管理处"));
        units
    }

    #[test]
    fn every_catalogued_unit_has_its_own_duties() {
        for (_, unit) in all_units() {
            assert!(catalogued(unit).is_some(), "{unit} is not catalogued");
            let list = duties(unit, "", "全市");
            assert!((3..=5).contains(&list.len()), "{unit}: {list:?}");
            for duty in &list {
                let n = duty.chars().count();
                assert!((15..=40).contains(&n), "{unit}: {duty} ({n} characters)");
                assert!(!duty.contains(['；', '。', ';']), "{unit}: {duty}");
            }
        }
    }

    #[test]
    fn no_two_units_share_a_duty_outside_the_deliberate_overlaps() {
        let group = |unit: &str| OVERLAPPING.iter().position(|g| g.contains(&unit));
        let mut seen: HashMap<String, &str> = HashMap::new();
        let names: HashSet<&str> = all_units().into_iter().map(|(_, u)| u).collect();
        for unit in names {
            for duty in duties(unit, "", "全市") {
                if let Some(other) = seen.insert(duty.clone(), unit) {
                    assert!(
                        other == unit || (group(unit).is_some() && group(unit) == group(other)),
                        "{unit} and {other} share {duty}"
                    );
                }
            }
        }
    }

    #[test]
    fn place_words_fill_in() {
        assert_eq!(duties("植保植检站", "农业农村", "全县")[0], "负责全县农作物病虫害监测预报和统防统治技术指导");
        assert_eq!(duties("委党校", "委办公", "全区")[2], "围绕区委中心工作开展决策咨询和调查研究");
        assert!(duties("第一中学", "教育", "全市").iter().all(|d| !d.contains('{')));
    }

    #[test]
    fn generic_units_differ_by_department_and_by_kind() {
        for kind in GENERIC_UNITS {
            assert!(TEXTS.kinds.iter().any(|k| k.kind == kind), "{kind} has no frames");
        }
        let finance = duties("财政服务中心", "财政", "全市");
        let audit = duties("审计服务中心", "审计", "全市");
        let finance_affairs = duties("财政事务中心", "财政", "全市");
        let advice = duties("财政咨询服务中心", "财政", "全市");
        assert_eq!(finance.len(), 3);
        for (a, b) in [(&finance, &audit), (&finance, &finance_affairs), (&finance, &advice)] {
            assert!(a.iter().all(|d| !b.contains(d)), "{a:?} / {b:?}");
        }
        assert!(finance[0].contains("财政"));
        assert_eq!(duties("财政服务中心第2", "财政", "全市"), finance);
        let unknown = duties("气象服务中心", "气象", "全市");
        assert!(unknown.iter().all(|d| d.contains("气象")), "{unknown:?}");
        let odd = duties("某某站点", "某", "全县");
        assert_eq!(odd.len(), 3);
        assert!(odd[0].contains("某某站点") && odd[0].contains("全县"));
    }

    #[test]
    fn heads_are_titled_by_kind_of_unit() {
        assert_eq!(head_title("第一中学"), "校长");
        assert_eq!(head_title("人民医院"), "院长");
        assert_eq!(head_title("植保植检站"), "站长");
        assert_eq!(head_title("计量测试所"), "所长");
        assert_eq!(head_title("政务服务中心"), "主任");
        assert_eq!(head_title("幼儿园"), "园长");
        assert_eq!(head_title("委党校"), "校长");
        assert_eq!(head_title("档案馆"), "馆长");
        assert_eq!(head_title("公证处"), "处长");
        assert_eq!(head_title("水利水电工程局"), "局长");
        assert_eq!(head_title("文化市场综合执法支队"), "支队长");
        assert_eq!(head_title("城市社会经济调查队"), "队长");
        assert_eq!(head_title("工人文化宫"), "主任");
        assert_eq!(head_title("红十字会"), "会长");
        assert_eq!(head_title("委党史研究室"), "主任");
        assert_eq!(head_title("农业技术推广中心"), "主任");
        assert_eq!(head_title("财政技术服务站第2"), "站长");
        assert_eq!(deputy_title(head_title("妇幼保健院")), "副院长");
    }
}
