//! The demo's people: each planned institution's staff by category, basis and status, with
//! birth dates within working age and hire dates that fit them.

use chrono::NaiveDate;
use entity::enums::{ManagementMode, Sector, StaffBasis, StaffCategory, StaffStatus};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{NOMINALLY_SELF_FINANCED, Noise, PlannedInstitution, PlannedPerson, Targets, named};

impl Noise for ChaCha8Rng {
    /// A little noise so ties and near-ties fall differently in each jurisdiction.
    fn gn(&mut self) -> f64 {
        self.gen_range(-1.0..1.0)
    }
}

fn category_weights(inst: &PlannedInstitution) -> [f64; 3] {
    match inst.sector {
        Sector::Education | Sector::Health => [0.10, 0.82, 0.08],
        Sector::DirectParty | Sector::DirectGovernment => [0.62, 0.22, 0.16],
        Sector::ScienceResearch => [0.22, 0.55, 0.23],
        _ if inst.management_mode == ManagementMode::CivilServantReferenced => [0.55, 0.25, 0.20],
        _ => [0.24, 0.44, 0.32],
    }
}

fn pick_weighted(weights: &[f64; 3], rng: &mut ChaCha8Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut roll = rng.gen_range(0.0..total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    2
}

const CATEGORIES: [StaffCategory; 3] =
    [StaffCategory::Management, StaffCategory::ProfessionalTechnical, StaffCategory::LogisticsService];

fn title_for(category: StaffCategory, rng: &mut ChaCha8Rng) -> Option<&'static str> {
    let titles: &[&'static str] = match category {
        StaffCategory::Management => &["五级职员", "六级职员", "七级职员", "八级职员", "九级职员"],
        StaffCategory::ProfessionalTechnical => &["正高级", "副高级", "中级", "中级", "初级", "初级"],
        StaffCategory::LogisticsService => &["高级技师", "技师", "高级工", "中级工", "普通工"],
    };
    titles.choose(rng).copied()
}

fn person(
    category: StaffCategory,
    basis: StaffBasis,
    status: StaffStatus,
    ageing: bool,
    rng: &mut ChaCha8Rng,
) -> PlannedPerson {
    use crate::seed::names::{FAMILY_NAMES, GIVEN_CHARS};
    let family = FAMILY_NAMES[(rng.gen_range(0.0f64..1.0).powi(2) * FAMILY_NAMES.len() as f64) as usize];
    let given: String = (0..rng.gen_range(1..=2)).map(|_| *GIVEN_CHARS.choose(rng).unwrap_or(&"明")).collect();
    let age = match status {
        StaffStatus::Retired => rng.gen_range(60..75),
        _ if ageing => rng.gen_range(38..60),
        _ => rng.gen_range(23..60),
    };
    let birth_year = 2026 - age;
    let birth = NaiveDate::from_ymd_opt(birth_year, rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap_or_default();
    let hire_year = rng.gen_range((birth_year + 21).min(2025)..=2025.min(birth_year + 40).max(birth_year + 21));
    let hire_date = NaiveDate::from_ymd_opt(hire_year.min(2025), rng.gen_range(1..=12), 1).unwrap_or_default();
    let sequence = rng.gen_range(1..999);
    let (birth, hire_date) = within_working_age(birth, hire_date, sequence, category, status);
    PlannedPerson {
        name: format!("{family}{given}"),
        birth,
        sequence,
        category,
        basis,
        status,
        hire_date,
        title_level: title_for(category, rng),
        over_establishment: false,
        seconded: None,
        paid_by_budget: false,
    }
}

/// Keeps a working person younger than their retirement age with room to spare (retiring
/// after 2028): someone drawn older is made as many years younger as needed, hired that much
/// later (by 2025 at the latest), so no one on the demo's active lists is past retirement and
/// no one was hired before 18. The sequence's last digit is the national ID's sex digit.
fn within_working_age(
    birth: NaiveDate,
    hire_date: NaiveDate,
    sequence: u16,
    category: StaffCategory,
    status: StaffStatus,
) -> (NaiveDate, NaiveDate) {
    use crate::staff::retirement::{Sex, retirement_date};
    if !matches!(status, StaffStatus::Active | StaffStatus::SecondedOut) {
        return (birth, hire_date);
    }
    let sex = if sequence % 2 == 1 { Sex::Male } else { Sex::Female };
    let horizon = NaiveDate::from_ymd_opt(2029, 1, 1).unwrap_or_default();
    let mut years = 0;
    while retirement_date(birth + chrono::Months::new(12 * years), sex, category) < horizon {
        years += 1;
    }
    if years == 0 {
        return (birth, hire_date);
    }
    let shift = chrono::Months::new(12 * years);
    let latest = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default();
    (birth + shift, (hire_date + shift).min(latest))
}

pub(super) fn assign_people(list: &mut [PlannedInstitution], targets: &Targets, rng: &mut ChaCha8Rng) {
    // Categories per person, drawn from each unit's profile, then nudged to the exact totals.
    // A named unit has exactly the report's logistics workers; they are not nudged.
    let mut slots: Vec<(usize, usize)> = Vec::new();
    let mut pinned: Vec<bool> = Vec::new();
    for (i, inst) in list.iter().enumerate() {
        let weights = category_weights(inst);
        let workers = named(targets, &inst.unit).map(|n| n.logistics);
        for k in 0..inst.in_establishment {
            let category = match workers {
                Some(w) if k < w => 2,
                Some(_) => pick_weighted(&[weights[0], weights[1], 0.0], rng),
                None => pick_weighted(&weights, rng),
            };
            slots.push((i, category));
            pinned.push(workers.is_some());
        }
    }
    loop {
        let mut have = [0i32; 3];
        for (_, c) in &slots {
            have[*c] += 1;
        }
        let over = (0..3).find(|c| have[*c] > targets.categories[*c]);
        let under = (0..3).find(|c| have[*c] < targets.categories[*c]);
        let (Some(from), Some(to)) = (over, under) else { break };
        let candidates: Vec<usize> = (0..slots.len()).filter(|s| slots[*s].1 == from && !pinned[*s]).collect();
        match candidates.choose(rng) {
            Some(&s) => slots[s].1 = to,
            None => break,
        }
    }
    let mut per_institution: Vec<Vec<StaffCategory>> = vec![Vec::new(); list.len()];
    for (i, c) in slots {
        per_institution[i].push(CATEGORIES[c]);
    }
    // Seconded staff come from administrative-looking units, never schools or hospitals.
    let mut secondable: Vec<usize> = (0..list.len())
        .filter(|i| !matches!(list[*i].sector, Sector::Education | Sector::Health) && list[*i].in_establishment > 2)
        .collect();
    secondable.shuffle(rng);
    let mut seconded = vec![0; list.len()];
    let mut left = targets.seconded_out;
    while left > 0 && !secondable.is_empty() {
        for i in &secondable {
            if left > 0 && seconded[*i] < list[*i].in_establishment / 3 {
                seconded[*i] += 1;
                left -= 1;
            }
        }
        if secondable.iter().all(|i| seconded[*i] >= list[*i].in_establishment / 3) {
            break;
        }
    }
    let mut temporary = spread(list, targets.temporary, rng);
    // The units self-financed in name only have temporary staff on the budget.
    let nominal: Vec<usize> = (0..list.len())
        .filter(|i| targets.named && NOMINALLY_SELF_FINANCED.contains(&list[*i].unit.as_str()))
        .collect();
    for i in &nominal {
        while temporary[*i] < 4 {
            let Some(donor) = (0..list.len()).filter(|d| !nominal.contains(d)).max_by_key(|d| temporary[*d]) else {
                break;
            };
            temporary[donor] -= 1;
            temporary[*i] += 1;
        }
    }
    let departed = spread(list, targets.departed, rng);
    for (i, inst) in list.iter_mut().enumerate() {
        let basis = if inst.is_self_financed() { StaffBasis::SelfFinanced } else { StaffBasis::Fiscal };
        let ageing = inst.unit.contains("后勤") || rng.gen_bool(0.1);
        let over = (inst.in_establishment - inst.approved_self.max(inst.approved_fiscal)).max(0);
        for (n, category) in per_institution[i].iter().enumerate() {
            let status = if (n as i32) < seconded[i] { StaffStatus::SecondedOut } else { StaffStatus::Active };
            let mut p = person(*category, basis, status, ageing, rng);
            p.over_establishment = (n as i32) >= inst.in_establishment - over;
            if status == StaffStatus::SecondedOut {
                p.seconded = Some(secondment(rng));
            }
            inst.people.push(p);
        }
        let on_budget = targets.named && NOMINALLY_SELF_FINANCED.contains(&inst.unit.as_str());
        for _ in 0..temporary[i] {
            let category =
                if rng.gen_bool(0.6) { StaffCategory::LogisticsService } else { StaffCategory::ProfessionalTechnical };
            let mut p = person(category, StaffBasis::Temporary, StaffStatus::Active, false, rng);
            p.paid_by_budget = on_budget;
            inst.people.push(p);
        }
        for _ in 0..departed[i] {
            let status = if rng.gen_bool(0.7) { StaffStatus::Retired } else { StaffStatus::Left };
            let category = CATEGORIES[rng.gen_range(0..3)];
            inst.people.push(person(category, basis, status, true, rng));
        }
    }
}

/// Government bodies people are seconded to (without the jurisdiction's name) and when: most
/// secondments are long (the report: "for a long time"), a few are recent.
fn secondment(rng: &mut ChaCha8Rng) -> (&'static str, NaiveDate) {
    const BODIES: [&str; 8] =
        ["委办公室", "政府办公室", "委组织部", "纪委监委", "委宣传部", "发展和改革委员会", "财政局", "信访局"];
    let body = BODIES[rng.gen_range(0..BODIES.len())];
    let year = if rng.gen_bool(0.8) { rng.gen_range(2014..=2024) } else { 2026 };
    let month = if year == 2026 { rng.gen_range(1..=9) } else { rng.gen_range(1..=12) };
    (body, NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default())
}

/// Spreads `total` people over institutions in proportion to their size.
fn spread(list: &[PlannedInstitution], total: i32, rng: &mut ChaCha8Rng) -> Vec<i32> {
    let weights: Vec<f64> = list.iter().map(|i| i.in_establishment as f64 + 0.5).collect();
    let sum: f64 = weights.iter().sum();
    let mut out = vec![0; list.len()];
    for _ in 0..total {
        let mut roll = rng.gen_range(0.0..sum);
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                out[i] += 1;
                break;
            }
            roll -= w;
        }
    }
    out
}
