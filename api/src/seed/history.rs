//! The demo city's history since its base year (2019): reforms that removed seven
//! institutions, 391 slots reclaimed into the reserve, 224 allocated from it, reductions, and
//! the 2019 control ceiling of 4,926. Written as ledger rows, so the overview's base-year and
//! reform figures come out of the ledger, not out of constants.

use chrono::NaiveDate;
use entity::enums::{EventKind, Funding, ReformKind, Sector};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::plan::PlannedInstitution;

pub const BASE_YEAR: i32 = 2019;
pub const BASE_TOTAL: i32 = 4926;
const RECLAIMED: i32 = 391;
const ALLOCATED: i32 = 224;

/// A change to a current institution's establishment since the base year.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub kind: EventKind,
    pub funding: Funding,
    pub delta: i32,
    pub on: NaiveDate,
    pub reason: &'static str,
}

impl Adjustment {
    /// Long-vacant fiscal slots taken back into the reserve.
    fn reclaim(slots: i32, on: NaiveDate) -> Self {
        Self { kind: EventKind::Reclaim, funding: Funding::Fiscal, delta: -slots, on, reason: "收回长期空编" }
    }

    /// Fiscal slots allocated from the reserve to schools and hospitals.
    fn allocate(slots: i32, on: NaiveDate) -> Self {
        Self {
            kind: EventKind::Allocate, funding: Funding::Fiscal, delta: slots, on, reason: "调剂编制保障教育卫生"
        }
    }
}

/// An institution that existed in the base year and was removed by a reform.
#[derive(Debug, Clone)]
pub struct Removed {
    pub department: &'static str,
    pub unit: &'static str,
    pub sector: Sector,
    pub funding: Funding,
    pub base: i32,
    pub kind: ReformKind,
    /// The current institution (by unit name) a merged one went into.
    pub merged_into: Option<String>,
    pub on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct CityHistory {
    pub removed: Vec<Removed>,
    pub base_fiscal: i32,
}

/// When what is left in the reserve (reclaimed, not allocated) was cancelled.
pub fn reserve_cancelled_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 30).unwrap_or_default()
}

fn date(rng: &mut ChaCha8Rng, from: i32, to: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(rng.gen_range(from..=to), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap_or_default()
}

/// Spreads `total` over the candidates one slot at a time, each at most `cap(i)`.
fn spread(total: i32, candidates: &[usize], cap: impl Fn(usize) -> i32, rng: &mut ChaCha8Rng) -> Vec<(usize, i32)> {
    let mut given = vec![0; candidates.len()];
    let mut left = total;
    while left > 0 {
        let open: Vec<usize> = (0..candidates.len()).filter(|k| given[*k] < cap(candidates[*k])).collect();
        if open.is_empty() {
            break;
        }
        given[open[rng.gen_range(0..open.len())]] += 1;
        left -= 1;
    }
    candidates.iter().zip(given).filter(|(_, g)| *g > 0).map(|(i, g)| (*i, g)).collect()
}

/// A ledger history for a synthetic jurisdiction in the demo city's proportions: long-vacant
/// fiscal slots reclaimed into the reserve (391 of the city's 4,926 since the base year, about
/// 8%), and as many allocated on to schools and hospitals, so the reserve ends where it began (reclaimed 2019–2021, allocated 2022–2025).
pub fn synthetic_history(list: &mut [PlannedInstitution], rng: &mut ChaCha8Rng) {
    let fiscal = |i: &PlannedInstitution| !i.is_self_financed();
    let urgent_sector = |i: &PlannedInstitution| matches!(i.sector, Sector::Education | Sector::Health);
    let donors: Vec<usize> = (0..list.len())
        .filter(|i| fiscal(&list[*i]) && !urgent_sector(&list[*i]) && !list[*i].unit.contains("后勤"))
        .collect();
    let urgent: Vec<usize> = (0..list.len()).filter(|i| fiscal(&list[*i]) && urgent_sector(&list[*i])).collect();
    let total: i32 = list.iter().map(|i| i.approved_fiscal).sum();
    let caps: Vec<i32> = list.iter().map(|i| i.approved_fiscal / 3).collect();
    let allocated = spread(total * RECLAIMED / BASE_TOTAL, &urgent, |i| caps[i], rng);
    let moved: i32 = allocated.iter().map(|(_, n)| n).sum();
    let reclaimed = spread(moved, &donors, |_| 12, rng);
    // What the donors could give bounds what is allocated, so the reserve nets to zero.
    let mut left = reclaimed.iter().map(|(_, n)| n).sum::<i32>();
    for (i, n) in reclaimed {
        let on = date(rng, 2019, 2021);
        list[i].history.push(Adjustment::reclaim(n, on));
    }
    for (i, n) in allocated {
        let n = n.min(left);
        if n == 0 {
            break;
        }
        left -= n;
        let on = date(rng, 2022, 2025);
        list[i].history.push(Adjustment::allocate(n, on));
    }
    touch_old_units(list, rng);
}

/// Every institution set up before 1990 has been adjusted since, except the logistics units
/// (后勤) still organised as in the planned economy (the report's problem 2): one slot taken
/// back from each other old unit that has no change yet.
pub fn touch_old_units(list: &mut [PlannedInstitution], rng: &mut ChaCha8Rng) {
    for inst in list.iter_mut() {
        let old = chrono::Datelike::year(&inst.established_on) < 1990;
        if !old || inst.unit.contains("后勤") || !inst.history.is_empty() {
            continue;
        }
        let funding = if inst.is_self_financed() { Funding::SelfFinanced } else { Funding::Fiscal };
        let on = date(rng, 2019, 2024);
        inst.history.push(Adjustment { kind: EventKind::Reduce, funding, delta: -1, on, reason: "核减空编" });
    }
}

/// Writes the history into the plan's current institutions and returns what else it needs.
pub fn city_history(list: &mut [PlannedInstitution], rng: &mut ChaCha8Rng) -> CityHistory {
    let find = |list: &[PlannedInstitution], unit: &str| list.iter().position(|i| i.unit == unit);
    let mut removed = vec![
        removed_unit(
            "市科学技术局",
            "科技创新创业指导服务中心",
            Sector::ScienceResearch,
            Funding::Fiscal,
            40,
            ReformKind::Dissolve,
            rng,
        ),
        removed_unit(
            "市政府办公室",
            "接待处",
            Sector::DirectGovernment,
            Funding::Fiscal,
            38,
            ReformKind::Dissolve,
            rng,
        ),
        removed_unit(
            "市交通运输局",
            "公路工程局",
            Sector::IndustryTransport,
            Funding::SelfFinanced,
            60,
            ReformKind::Convert,
            rng,
        ),
        removed_unit("市政府办公室", "张掖饭店", Sector::Other, Funding::SelfFinanced, 45, ReformKind::Convert, rng),
        removed_unit(
            "市农业农村局",
            "玉米原种场",
            Sector::AgricultureForestryWaterLivestock,
            Funding::SelfFinanced,
            35,
            ReformKind::Convert,
            rng,
        ),
    ];
    // Two merges into institutions that exist today; their slots are part of today's figure.
    for (department, unit, sector, target) in [
        ("市农业农村局", "新型农村合作学校", Sector::AgricultureForestryWaterLivestock, "农业广播电视学校"),
        ("市住房和城乡建设局", "房地产信息中心", Sector::IndustryTransport, "房产交易中心"),
    ] {
        let Some(t) = find(list, target) else { continue };
        let (funding, available) = if list[t].approved_fiscal >= list[t].approved_self {
            (Funding::Fiscal, list[t].approved_fiscal)
        } else {
            (Funding::SelfFinanced, list[t].approved_self)
        };
        let base = (available / 2).clamp(1, 30);
        let mut merged = removed_unit(department, unit, sector, funding, base, ReformKind::Merge, rng);
        merged.merged_into = Some(target.to_string());
        list[t].history.push(Adjustment {
            kind: EventKind::TransferIn,
            funding,
            delta: base,
            on: merged.on,
            reason: "机构整合（合并）",
        });
        removed.push(merged);
    }
    let dissolved: i32 = removed.iter().filter(|r| r.kind == ReformKind::Dissolve).map(|r| r.base).sum();

    // Long-vacant slots reclaimed from units outside education and health.
    // The planned economy's logistics units (后勤) were never touched: the report's problem 2.
    let fiscal_units: Vec<usize> = (0..list.len())
        .filter(|i| !list[*i].is_self_financed() && !matches!(list[*i].sector, Sector::Education | Sector::Health))
        .filter(|i| !list[*i].unit.contains("后勤"))
        .collect();
    for (i, n) in spread(RECLAIMED - dissolved, &fiscal_units, |_| 12, rng) {
        let on = date(rng, 2019, 2024);
        list[i].history.push(Adjustment::reclaim(n, on));
    }
    // Allocated from the reserve to schools and hospitals ("second allocation, first use").
    let urgent: Vec<usize> = (0..list.len())
        .filter(|i| !list[*i].is_self_financed() && matches!(list[*i].sector, Sector::Education | Sector::Health))
        .collect();
    let caps: Vec<i32> = list.iter().map(|i| i.approved_fiscal / 3).collect();
    for (i, n) in spread(ALLOCATED, &urgent, |i| caps[i], rng) {
        let on = date(rng, 2020, 2025);
        list[i].history.push(Adjustment::allocate(n, on));
    }
    // 123 self-financed slots cut in six units, the water engineering bureau among them.
    let mut cut: Vec<usize> = (0..list.len()).filter(|i| list[*i].is_self_financed()).collect();
    cut.sort_by_key(|i| (list[*i].unit != "水利水电工程局", -list[*i].approved_self));
    cut.truncate(6);
    for (k, i) in cut.iter().enumerate() {
        let slots = [38, 25, 20, 16, 14, 10][k];
        let on = date(rng, 2020, 2022);
        list[*i].history.push(Adjustment {
            kind: EventKind::Reduce,
            funding: Funding::SelfFinanced,
            delta: -slots,
            on,
            reason: "核减自收自支编制",
        });
    }
    touch_old_units(list, rng);
    // Reductions (核减): whatever else brings the base year's 4,926 down to today's figure.
    let current: i32 = list.iter().map(|i| i.approved_fiscal + i.approved_self).sum();
    let adjustments: i32 = list.iter().flat_map(|i| i.history.iter()).map(|a| a.delta).sum();
    let removed_base: i32 = removed.iter().map(|r| r.base).sum();
    // base = Σ(current − adjustments) + removed; reductions are negative adjustments too.
    let reductions = BASE_TOTAL - (current - adjustments) - removed_base;
    debug_assert!(reductions >= 0, "the base year's figure leaves {reductions} to reduce");
    for (i, n) in spread(reductions.max(0), &fiscal_units, |_| 10, rng) {
        let on = date(rng, 2019, 2025);
        list[i].history.push(Adjustment {
            kind: EventKind::Reduce,
            funding: Funding::Fiscal,
            delta: -n,
            on,
            reason: "减一核一 / 核减空编",
        });
    }
    let base_fiscal = list
        .iter()
        .map(|i| {
            i.approved_fiscal - i.history.iter().filter(|a| a.funding == Funding::Fiscal).map(|a| a.delta).sum::<i32>()
        })
        .sum::<i32>()
        + removed.iter().filter(|r| r.funding == Funding::Fiscal).map(|r| r.base).sum::<i32>();
    CityHistory { removed, base_fiscal }
}

fn removed_unit(
    department: &'static str,
    unit: &'static str,
    sector: Sector,
    funding: Funding,
    base: i32,
    kind: ReformKind,
    rng: &mut ChaCha8Rng,
) -> Removed {
    Removed { department, unit, sector, funding, base, kind, merged_into: None, on: date(rng, 2020, 2023) }
}
