//! The demo's figures, planned in memory before anything is written: deterministic (fixed
//! seed), with every marginal the report gives met exactly for the city, and plausible
//! correlations (hospitals and schools are large, self-financed units are engineering and
//! design bureaus, micro-institutions hang off departments).

use chrono::NaiveDate;
use entity::enums::{
    Classification, FundingForm, Level, ManagementMode, Sector, StaffBasis, StaffCategory, StaffStatus,
};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::names::{GENERIC_UNITS, SOCIETIES, catalog};
use crate::figures::SizeBand;

mod people;
mod sizes;

use people::assign_people;
use sizes::assign_sizes;

/// The levels the report counts, in the order of [`Targets::levels`] (the demo plans no 股级).
const PLANNED_LEVELS: [Level; 5] =
    [Level::Division, Level::DeputyDivision, Level::Section, Level::DeputySection, Level::Unranked];

/// Every figure the plan must meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub sectors: Vec<(Sector, usize)>,
    /// Approved establishment (fiscal and self-financed) of the sectors the report gives it
    /// for; the other sectors share the rest.
    pub sector_slots: Vec<(Sector, i32)>,
    /// In [`PLANNED_LEVELS`] order: DIVISION, DEPUTY_DIVISION, SECTION, DEPUTY_SECTION, UNRANKED.
    pub levels: [usize; 5],
    /// FULL, DIFFERENTIAL, SELF_FINANCED.
    pub funding: [usize; 3],
    pub referenced: usize,
    /// In `Classification::all()` order.
    pub classification: [usize; 6],
    /// In `SizeBand::ALL` order.
    pub bands: [usize; 6],
    pub approved_fiscal: i32,
    pub approved_self: i32,
    pub staff_fiscal: i32,
    pub staff_self: i32,
    /// MANAGEMENT, PROFESSIONAL_TECHNICAL, LOGISTICS_SERVICE.
    pub categories: [i32; 3],
    pub temporary: i32,
    pub seconded_out: i32,
    pub departed: i32,
    /// The units the report names carry its figures (the city only).
    pub named: bool,
    /// A county: its health units include township health centres (乡镇卫生院).
    pub county: bool,
}

impl Targets {
    /// Zhangye's municipal institutions as the report counts them (section 1). The report
    /// prints 1,299 management staff, which makes 3,981; 1,298 makes its own 3,980.
    ///
    /// Its sector counts (4 + 12 directly under the party committee and the government, 32
    /// agriculture, forestry, water and livestock, 16 education, 13 health, 12 culture, 12 civil
    /// affairs, 119 others) sum to 220 of its 236 institutions: the 119 others are placed as 29
    /// industry, IT and transport, 12 science and research and 78 other, and the 16 the list
    /// misses with industry, IT and transport (45 in all), the one sector the report gives
    /// establishment for (352 slots) but no count. Its establishment by sector (section 1):
    /// education 885 and health 384 (1,269, printed as 30.4 %; it is 30.5 % of 4,158),
    /// agriculture 975, industry 352, culture, tourism and sports 210, civil affairs 102.
    pub fn zhangye_city() -> Self {
        Self {
            sectors: vec![
                (Sector::DirectParty, 4),
                (Sector::DirectGovernment, 12),
                (Sector::AgricultureForestryWaterLivestock, 32),
                (Sector::Education, 16),
                (Sector::Health, 13),
                (Sector::CultureTourismSports, 12),
                (Sector::CivilAffairsSocialWelfare, 12),
                (Sector::IndustryTransport, 45),
                (Sector::ScienceResearch, 12),
                (Sector::Other, 78),
            ],
            sector_slots: vec![
                (Sector::Education, 885),
                (Sector::Health, 384),
                (Sector::AgricultureForestryWaterLivestock, 975),
                (Sector::IndustryTransport, 352),
                (Sector::CultureTourismSports, 210),
                (Sector::CivilAffairsSocialWelfare, 102),
            ],
            levels: [68, 26, 142, 0, 0],
            funding: [198, 4, 34],
            referenced: 97,
            classification: [160, 11, 7, 8, 44, 6],
            bands: [5, 13, 23, 50, 57, 88],
            approved_fiscal: 3605,
            approved_self: 553,
            staff_fiscal: 3353,
            staff_self: 627,
            categories: [1298, 1794, 888],
            temporary: 480,
            seconded_out: 46,
            departed: 120,
            named: true,
            county: false,
        }
    }

    /// A county or district: no division-level institutions; its own are section level
    /// (正科级), deputy section level or unranked (股级).
    pub fn county_shaped(mut self) -> Self {
        let n = self.institutions();
        let shares = apportion(&[0, 0, 35, 45, 20], n);
        self.levels = [shares[0], shares[1], shares[2], shares[3], shares[4]];
        self.county = true;
        self
    }

    pub fn institutions(&self) -> usize {
        self.sectors.iter().map(|(_, n)| n).sum()
    }

    /// A smaller jurisdiction with the same shape: every marginal scaled by `factor` and
    /// apportioned by largest remainder so each still sums to the institution count.
    pub fn scaled(&self, factor: f64) -> Self {
        let total = ((self.institutions() as f64) * factor).round().max(6.0) as usize;
        let apportion = |counts: &[usize]| -> Vec<usize> { apportion(counts, total) };
        let sector_counts: Vec<usize> = self.sectors.iter().map(|(_, n)| *n).collect();
        let sectors = self.sectors.iter().map(|(s, _)| *s).zip(apportion(&sector_counts)).collect();
        let scale = |v: i32| ((v as f64) * factor).round() as i32;
        let to3 = |v: Vec<usize>| [v[0], v[1], v[2]];
        let to5 = |v: Vec<usize>| [v[0], v[1], v[2], v[3], v[4]];
        let to6 = |v: Vec<usize>| [v[0], v[1], v[2], v[3], v[4], v[5]];
        let staff_fiscal = scale(self.staff_fiscal);
        let staff_self = scale(self.staff_self);
        let staff = staff_fiscal + staff_self;
        let categories = apportion_i32(&self.categories, staff);
        Self {
            sectors,
            sector_slots: self.sector_slots.iter().map(|(s, n)| (*s, scale(*n))).collect(),
            levels: to5(apportion(&self.levels)),
            funding: to3(apportion(&self.funding)),
            referenced: ((self.referenced as f64) * factor).round() as usize,
            classification: to6(apportion(&self.classification)),
            bands: to6(apportion(&self.bands)),
            approved_fiscal: scale(self.approved_fiscal),
            approved_self: scale(self.approved_self),
            staff_fiscal,
            staff_self,
            categories: [categories[0], categories[1], categories[2]],
            temporary: scale(self.temporary),
            seconded_out: scale(self.seconded_out),
            departed: scale(self.departed),
            named: false,
            county: self.county,
        }
    }
}

/// Largest-remainder apportionment of `counts` onto `total`.
fn apportion(counts: &[usize], total: usize) -> Vec<usize> {
    let sum: usize = counts.iter().sum();
    let exact: Vec<f64> = counts.iter().map(|c| *c as f64 * total as f64 / sum.max(1) as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|a, b| (exact[*b] - exact[*b].floor()).total_cmp(&(exact[*a] - exact[*a].floor())));
    let mut missing = total - out.iter().sum::<usize>();
    for i in order.into_iter().cycle() {
        if missing == 0 {
            break;
        }
        out[i] += 1;
        missing -= 1;
    }
    out
}

fn apportion_i32(counts: &[i32; 3], total: i32) -> Vec<i32> {
    let as_usize: Vec<usize> = counts.iter().map(|c| *c as usize).collect();
    apportion(&as_usize, total.max(0) as usize).into_iter().map(|v| v as i32).collect()
}

#[derive(Debug, Clone)]
pub struct PlannedPerson {
    pub name: String,
    pub birth: NaiveDate,
    pub sequence: u16,
    pub category: StaffCategory,
    pub basis: StaffBasis,
    pub status: StaffStatus,
    pub hire_date: NaiveDate,
    pub title_level: Option<&'static str>,
    pub over_establishment: bool,
    /// Seconded out (借调): to which body (without the jurisdiction's name) and since when.
    pub seconded: Option<(&'static str, NaiveDate)>,
    /// A temporary person paid from the budget.
    pub paid_by_budget: bool,
}

#[derive(Debug, Clone)]
pub struct PlannedInstitution {
    pub sector: Sector,
    pub department: &'static str,
    pub unit: String,
    pub level: Level,
    pub funding_form: FundingForm,
    pub management_mode: ManagementMode,
    pub classification: Classification,
    pub established_on: NaiveDate,
    pub legal_person: bool,
    pub approved_fiscal: i32,
    pub approved_self: i32,
    /// Fiscal slots frozen (冻结) by the office.
    pub frozen: i32,
    /// Staff in establishment holding a slot (active or seconded out).
    pub in_establishment: i32,
    pub people: Vec<PlannedPerson>,
    /// Changes since the base year; the base approval is today's figure less these.
    pub history: Vec<super::history::Adjustment>,
    size_score: f64,
}

impl PlannedInstitution {
    pub fn is_self_financed(&self) -> bool {
        self.funding_form == FundingForm::SelfFinanced
    }
}

fn band_bounds(band: SizeBand) -> (i32, i32) {
    match band {
        SizeBand::Over100 => (101, 1000),
        SizeBand::From50To100 => (50, 100),
        SizeBand::From20To50 => (20, 49),
        SizeBand::From10To20 => (10, 19),
        SizeBand::From5To10 => (5, 9),
        SizeBand::Under5 => (1, 4),
    }
}

/// Moves values within their bounds, one at a time at random, until they sum to `target`
/// (or no value can move further).
fn fit(values: &mut [i32], bounds: &[(i32, i32)], target: i32, rng: &mut ChaCha8Rng) {
    let mut sum: i32 = values.iter().sum();
    while sum != target {
        let up = sum < target;
        let movable: Vec<usize> = (0..values.len())
            .filter(|i| if up { values[*i] < bounds[*i].1 } else { values[*i] > bounds[*i].0 })
            .collect();
        let Some(&i) = movable.choose(rng) else { break };
        values[i] += if up { 1 } else { -1 };
        sum += if up { 1 } else { -1 };
    }
}

/// Picks `n` of `candidates` with the highest score (ties broken by the order given).
fn top_n(candidates: &[usize], n: usize, score: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut ranked: Vec<(usize, f64)> = candidates.iter().map(|i| (*i, score(*i))).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked.into_iter().take(n).map(|(i, _)| i).collect()
}

fn size_weight(sector: Sector, unit: &str) -> f64 {
    // Hospitals' staff are mostly filed (备案), not establishment: the report's 13 health
    // institutions hold 384 slots, its 16 schools and education units 885.
    if unit.contains("医院") || unit.contains("保健院") {
        return 3.5;
    }
    if unit.contains("中学") || unit.contains("职业技术") || unit.contains("科学研究院") {
        return 4.5;
    }
    match sector {
        Sector::Education => 3.0,
        Sector::Health => 2.0,
        Sector::AgricultureForestryWaterLivestock => 1.6,
        Sector::IndustryTransport => 1.4,
        Sector::CultureTourismSports | Sector::ScienceResearch => 1.2,
        _ => 1.0,
    }
}

/// A county's health units, most typical first: its hospitals and its township health centres
/// (乡镇卫生院), which hold much of a county's health establishment.
const COUNTY_HEALTH: [&str; 5] = ["人民医院", "中医医院", "城关镇中心卫生院", "妇幼保健院", "新华镇卫生院"];

/// Unit names for a sector, skipping any another sector already took.
fn units_for(
    sector: Sector,
    count: usize,
    societies: usize,
    county: bool,
    used: &mut std::collections::HashSet<String>,
) -> Vec<(&'static str, String)> {
    let mut candidates: Vec<(&'static str, String)> = Vec::new();
    if sector == Sector::Other {
        candidates.extend(SOCIETIES.iter().take(societies.min(count)).map(|(d, u)| (*d, u.to_string())));
    }
    if sector == Sector::Health && county {
        candidates.extend(COUNTY_HEALTH.iter().map(|u| ("市卫生健康委员会", u.to_string())));
    }
    let base = catalog(sector);
    candidates.extend(base.iter().map(|(d, u)| (*d, u.to_string())));
    let mut units: Vec<(&'static str, String)> = Vec::new();
    for (department, unit) in candidates {
        if units.len() < count && used.insert(unit.clone()) {
            units.push((department, unit));
        }
    }
    let mut generic = 0;
    while units.len() < count {
        let (department, _) = base[generic % base.len()];
        let stem = super::names::stem(department);
        let kind = GENERIC_UNITS[(generic / base.len()) % GENERIC_UNITS.len()];
        let round = generic / (base.len() * GENERIC_UNITS.len());
        let suffix = if round == 0 { String::new() } else { format!("第{}", round + 1) };
        let unit = format!("{stem}{kind}{suffix}");
        if used.insert(unit.clone()) {
            units.push((department, unit));
        }
        generic += 1;
    }
    units
}

/// Plans a jurisdiction's institutions and people.
pub fn plan(targets: &Targets, rng: &mut ChaCha8Rng) -> Vec<PlannedInstitution> {
    let mut list: Vec<PlannedInstitution> = Vec::new();
    let mut used = std::collections::HashSet::new();
    for (sector, count) in &targets.sectors {
        for (department, unit) in units_for(*sector, *count, targets.classification[5], targets.county, &mut used) {
            let size_score = size_weight(*sector, &unit) * rng.gen_range(0.6..1.4);
            list.push(PlannedInstitution {
                sector: *sector,
                department,
                unit,
                level: Level::Section,
                funding_form: FundingForm::FullAppropriation,
                management_mode: ManagementMode::Regular,
                classification: Classification::PublicWelfareI,
                established_on: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
                legal_person: true,
                approved_fiscal: 0,
                approved_self: 0,
                frozen: 0,
                in_establishment: 0,
                people: Vec::new(),
                history: Vec::new(),
                size_score,
            });
        }
    }
    let all: Vec<usize> = (0..list.len()).collect();
    assign_funding(&mut list, targets, &all, rng);
    assign_sizes(&mut list, targets, rng);
    assign_levels_and_modes(&mut list, targets, &all, rng);
    assign_classification(&mut list, targets, &all, rng);
    for inst in list.iter_mut() {
        let (from, to) = founding_window(&inst.unit);
        let year = rng.gen_range(from..=to);
        inst.established_on =
            NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap_or_default();
        inst.legal_person = !inst.unit.contains("后勤") && rng.gen_bool(0.92);
    }
    assign_people(&mut list, targets, rng);
    list
}

/// The years a unit of this kind can have been set up in: never before what it serves existed
/// (a World Bank project office after the project, a real-estate registration centre after the
/// 2015 unified registration). The report's two logistics units date from the 1970s and 1980s.
fn founding_window(unit: &str) -> (i32, i32) {
    const WINDOWS: [(&str, i32, i32); 22] = [
        ("农业局后勤服务管理站", 1978, 1978),
        ("水务局后勤事务中心", 1983, 1983),
        ("后勤", 1972, 1989),
        ("中学", 1950, 1985),
        ("医院", 1950, 1985),
        ("世行贷款", 1996, 2001),
        ("项目", 1995, 2012),
        ("救助基金", 2010, 2016),
        ("不动产登记", 2015, 2017),
        ("大数据", 2017, 2019),
        ("融媒体", 2018, 2019),
        ("退役军人", 2018, 2019),
        ("医疗保障", 2018, 2019),
        ("公共资源交易", 2011, 2016),
        ("政务服务", 2001, 2012),
        ("乡村振兴", 2018, 2019),
        ("住房公积金", 1992, 2000),
        ("互联网", 2012, 2018),
        ("信息", 1995, 2015),
        ("综合执法", 2005, 2018),
        ("知识产权", 2000, 2015),
        ("社区矫正", 2010, 2016),
    ];
    WINDOWS.iter().find(|(w, _, _)| unit.contains(w)).map_or((1965, 2018), |(_, from, to)| (*from, *to))
}

fn assign_funding(list: &mut [PlannedInstitution], targets: &Targets, all: &[usize], rng: &mut ChaCha8Rng) {
    let [_, differential, self_financed] = targets.funding;
    let noise: Vec<f64> = all.iter().map(|_| rng.gn()).collect();
    let diff = top_n(all, differential, |i| {
        let hospital = list[i].unit.contains("医院") || list[i].unit.contains("保健院");
        (if hospital {
            10.0
        } else if list[i].sector == Sector::Health {
            3.0
        } else {
            0.0
        }) + noise[i]
    });
    for i in &diff {
        list[*i].funding_form = FundingForm::DifferentialAppropriation;
    }
    let rest: Vec<usize> = all.iter().copied().filter(|i| !diff.contains(i)).collect();
    let selfs = top_n(&rest, self_financed, |i| {
        let unit = &list[i].unit;
        if targets.named && NAMED_SELF_FINANCED.contains(&unit.as_str()) {
            return 100.0;
        }
        if named(targets, unit).is_some() {
            return -100.0;
        }
        let engineering = ["工程", "设计", "勘测", "检验", "检测", "测绘", "交易", "培训", "评价", "登记", "公积金"]
            .iter()
            .any(|k| unit.contains(k));
        let base = match list[i].sector {
            Sector::IndustryTransport => 1.0,
            Sector::Other | Sector::ScienceResearch => 0.8,
            Sector::AgricultureForestryWaterLivestock => 0.6,
            Sector::Education | Sector::Health | Sector::DirectParty | Sector::DirectGovernment => -5.0,
            _ => 0.2,
        };
        base + if engineering { 3.0 } else { 0.0 } + noise[i]
    });
    for i in selfs {
        list[i].funding_form = FundingForm::SelfFinanced;
    }
}

/// A unit the report names, with the figures it gives (its problem 4 and its freezes): staff
/// in establishment, logistics workers among them, slots frozen. The forestry academy's
/// 52.9 % of 69 cannot be a share of 69 people (36 of 68 is); it keeps its 69 with 36 workers.
pub struct Named {
    pub unit: &'static str,
    pub staff: i32,
    pub logistics: i32,
    pub frozen: i32,
}

pub const NAMED: [Named; 3] = [
    Named { unit: "农业科学研究院", staff: 107, logistics: 35, frozen: 8 },
    Named { unit: "林业科学研究院", staff: 69, logistics: 36, frozen: 5 },
    Named { unit: "市政服务管理处", staff: 59, logistics: 35, frozen: 0 },
];

/// Self-financed units the report names: the water engineering bureau (one of the six whose
/// 123 self-financed slots were cut) and the transport staff training centre (two of its eight
/// production and operation units), and its three examples of units self-financed in name only.
pub const NAMED_SELF_FINANCED: [&str; 5] =
    ["水利水电工程局", "交通职工培训中心", "不动产登记中心", "地震安全性评价所", "安全生产检验研究培训中心"];
pub const NAMED_PRODUCTION: [&str; 2] = ["水利水电工程局", "交通职工培训中心"];
/// Self-financed in name only (收支两条线): their spending comes back from the budget, and
/// their temporary staff are paid by it.
pub const NOMINALLY_SELF_FINANCED: [&str; 3] = ["不动产登记中心", "地震安全性评价所", "安全生产检验研究培训中心"];

fn named<'a>(targets: &Targets, unit: &str) -> Option<&'a Named> {
    if targets.named { NAMED.iter().find(|n| n.unit == unit) } else { None }
}

/// The staff bucket of a sector: one of the sectors with a slot target, or the rest.
fn bucket(targets: &Targets, sector: Sector) -> usize {
    targets.sector_slots.iter().position(|(s, _)| *s == sector).unwrap_or(targets.sector_slots.len())
}

fn assign_levels_and_modes(list: &mut [PlannedInstitution], targets: &Targets, all: &[usize], rng: &mut ChaCha8Rng) {
    let noise: Vec<f64> = all.iter().map(|_| rng.gen_range(0.0..12.0)).collect();
    let ranked = top_n(all, list.len(), |i| list[i].in_establishment as f64 + noise[i]);
    let mut levels = Vec::with_capacity(list.len());
    for (level, count) in PLANNED_LEVELS.iter().zip(targets.levels) {
        levels.extend(std::iter::repeat_n(*level, count));
    }
    for (i, level) in ranked.into_iter().zip(levels) {
        list[i].level = level;
    }
    let noise: Vec<f64> = all.iter().map(|_| rng.gn()).collect();
    let referenced = top_n(all, targets.referenced, |i| {
        let unit = &list[i].unit;
        let administrative = ["执法", "监督", "监察", "管理局", "管理处", "中心"].iter().any(|k| unit.contains(k));
        let base = match list[i].sector {
            Sector::DirectParty | Sector::DirectGovernment => 3.0,
            Sector::Other => 1.5,
            Sector::AgricultureForestryWaterLivestock | Sector::IndustryTransport => 1.0,
            Sector::Education | Sector::Health => -6.0,
            _ => 0.0,
        };
        let funding = if list[i].funding_form == FundingForm::FullAppropriation { 0.0 } else { -6.0 };
        base + funding + if administrative { 1.0 } else { 0.0 } + noise[i]
    });
    for i in referenced {
        list[i].management_mode = ManagementMode::CivilServantReferenced;
    }
}

/// Takes the `n` best-scoring of `free` out of it.
fn pick(free: &mut Vec<usize>, n: usize, score: impl Fn(usize) -> f64) -> Vec<usize> {
    let chosen = top_n(free, n, score);
    free.retain(|i| !chosen.contains(i));
    chosen
}

fn assign_classification(list: &mut [PlannedInstitution], targets: &Targets, all: &[usize], rng: &mut ChaCha8Rng) {
    let [_, class_ii, administrative, production, unclassified, excluded] = targets.classification;
    let noise: Vec<f64> = all.iter().map(|_| rng.gn()).collect();
    let shuffle: Vec<f64> = all.iter().map(|_| rng.gen_range(0.0..1.0)).collect();
    let view: &[PlannedInstitution] = list;
    let mut free: Vec<usize> = all.to_vec();
    let society = |i: usize| SOCIETIES.iter().any(|(_, u)| view[i].unit == *u);
    let mut decided: Vec<(Vec<usize>, Classification)> = Vec::new();
    let chosen = pick(&mut free, excluded, |i| if society(i) { 10.0 + noise[i] } else { noise[i] - 10.0 });
    decided.push((chosen, Classification::Excluded));
    let chosen = pick(&mut free, production, |i| {
        if targets.named && NAMED_PRODUCTION.contains(&view[i].unit.as_str()) {
            return 100.0;
        }
        let self_financed = view[i].funding_form == FundingForm::SelfFinanced;
        (if self_financed { 5.0 } else { -5.0 })
            + if view[i].sector == Sector::IndustryTransport { 2.0 } else { 0.0 }
            + noise[i]
    });
    decided.push((chosen, Classification::ProductionOperation));
    let chosen = pick(&mut free, class_ii, |i| {
        let base = match view[i].funding_form {
            FundingForm::DifferentialAppropriation => 8.0,
            FundingForm::SelfFinanced => 4.0,
            FundingForm::FullAppropriation => 0.0,
        };
        base + if view[i].sector == Sector::CultureTourismSports { 1.0 } else { 0.0 } + noise[i]
    });
    decided.push((chosen, Classification::PublicWelfareII));
    let chosen = pick(&mut free, administrative, |i| {
        let enforcement = ["执法", "监督", "监察"].iter().any(|k| view[i].unit.contains(k));
        (if enforcement { 6.0 } else { 0.0 })
            + if view[i].management_mode == ManagementMode::CivilServantReferenced { 3.0 } else { -3.0 }
            + noise[i]
    });
    decided.push((chosen, Classification::Administrative));
    // A self-financed unit is never public welfare class I (which has no business income):
    // those not classified otherwise are still to be classified.
    let chosen = pick(&mut free, unclassified, |i| {
        let referenced = view[i].management_mode == ManagementMode::CivilServantReferenced;
        let self_financed = view[i].funding_form == FundingForm::SelfFinanced;
        shuffle[i] + if referenced { 0.5 } else { 0.0 } + if self_financed { 10.0 } else { 0.0 }
    });
    decided.push((chosen, Classification::Unclassified));
    decided.push((free, Classification::PublicWelfareI));
    for (indices, class) in decided {
        for i in indices {
            list[i].classification = class;
        }
    }
}

trait Noise {
    fn gn(&mut self) -> f64;
}
