//! The demo's plan alone (no database) against the report: section 1's figures, its sector
//! establishment, its named units, and what a reader of the report would notice.

use std::collections::HashSet;

use entity::enums::{
    Classification, EventKind, Funding, FundingForm, Level, ManagementMode, Sector, StaffBasis, StaffCategory,
    StaffStatus,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::history::city_history;
use super::names::stem;
use super::plan::{NAMED, NAMED_PRODUCTION, NAMED_SELF_FINANCED, PlannedInstitution, Targets, plan};
use crate::figures::SizeBand;

fn city() -> Vec<PlannedInstitution> {
    plan(&Targets::zhangye_city(), &mut ChaCha8Rng::seed_from_u64(620700))
}

fn unit<'a>(list: &'a [PlannedInstitution], name: &str) -> &'a PlannedInstitution {
    list.iter().find(|i| i.unit == name).unwrap_or_else(|| panic!("{name} is in the plan"))
}

fn count<T: PartialEq>(items: impl Iterator<Item = T>, value: T) -> usize {
    items.filter(|v| *v == value).count()
}

/// The plan alone (no database) meets every figure of the report's section 1.
#[test]
fn city_plan_meets_the_report() {
    let list = city();
    assert_eq!(list.len(), 236);
    let levels = [Level::Division, Level::DeputyDivision, Level::Section];
    assert_eq!(levels.map(|l| count(list.iter().map(|i| i.level), l)), [68, 26, 142]);
    let forms = [FundingForm::FullAppropriation, FundingForm::DifferentialAppropriation, FundingForm::SelfFinanced];
    assert_eq!(forms.map(|f| count(list.iter().map(|i| i.funding_form), f)), [198, 4, 34]);
    assert_eq!(count(list.iter().map(|i| i.management_mode), ManagementMode::CivilServantReferenced), 97);
    let classes: Vec<usize> =
        Classification::all().iter().map(|c| count(list.iter().map(|i| i.classification), *c)).collect();
    assert_eq!(classes, vec![160, 11, 7, 8, 44, 6]);
    let bands: Vec<usize> =
        SizeBand::ALL.iter().map(|b| count(list.iter().map(|i| SizeBand::of(i.in_establishment as i64)), *b)).collect();
    assert_eq!(bands, vec![5, 13, 23, 50, 57, 88]);
    assert_eq!(list.iter().map(|i| i.approved_fiscal).sum::<i32>(), 3605);
    assert_eq!(list.iter().map(|i| i.approved_self).sum::<i32>(), 553);
    let people: Vec<_> = list.iter().flat_map(|i| i.people.iter()).collect();
    let holding = |basis| people.iter().filter(|p| p.basis == basis && p.status.holds_slot()).count();
    assert_eq!(holding(StaffBasis::Fiscal), 3353);
    assert_eq!(holding(StaffBasis::SelfFinanced), 627);
    let in_est: Vec<_> = people.iter().filter(|p| p.basis != StaffBasis::Temporary && p.status.holds_slot()).collect();
    let categories = [StaffCategory::Management, StaffCategory::ProfessionalTechnical, StaffCategory::LogisticsService]
        .map(|c| in_est.iter().filter(|p| p.category == c).count());
    assert_eq!(categories, [1298, 1794, 888]);
    assert_eq!(people.iter().filter(|p| p.basis == StaffBasis::Temporary).count(), 480);
    assert_eq!(count(list.iter().map(|i| i.sector), Sector::AgricultureForestryWaterLivestock), 32);
    assert_eq!(count(list.iter().map(|i| i.sector), Sector::Health), 13);
    let names: HashSet<&str> = list.iter().map(|i| i.unit.as_str()).collect();
    assert_eq!(names.len(), 236, "institution names are unique");
}

/// Each sector's establishment is the report's (section 1): education 885 and health 384,
/// agriculture 975, industry 352, culture 210, civil affairs 102; the rest share 1,250.
#[test]
fn sector_establishment_is_the_reports() {
    let list = city();
    let approved = |sector: Sector| -> i32 {
        list.iter().filter(|i| i.sector == sector).map(|i| i.approved_fiscal + i.approved_self).sum()
    };
    assert_eq!(approved(Sector::Education), 885);
    assert_eq!(approved(Sector::Health), 384);
    assert_eq!(approved(Sector::AgricultureForestryWaterLivestock), 975);
    assert_eq!(approved(Sector::IndustryTransport), 352);
    assert_eq!(approved(Sector::CultureTourismSports), 210);
    assert_eq!(approved(Sector::CivilAffairsSocialWelfare), 102);
    let share = f64::from(approved(Sector::Education) + approved(Sector::Health)) / 4158.0;
    assert!((share - 0.305).abs() < 0.001, "{share}");
}

/// The units the report names carry its figures.
#[test]
fn the_reports_named_units_carry_its_figures() {
    let list = city();
    for named in NAMED {
        let inst = unit(&list, named.unit);
        assert_eq!(inst.in_establishment, named.staff, "{}", named.unit);
        let holding: Vec<_> =
            inst.people.iter().filter(|p| p.basis != StaffBasis::Temporary && p.status.holds_slot()).collect();
        let workers = holding.iter().filter(|p| p.category == StaffCategory::LogisticsService).count() as i32;
        assert_eq!(workers, named.logistics, "{}", named.unit);
        assert_eq!(inst.frozen, named.frozen, "{}", named.unit);
        assert!(inst.approved_fiscal - inst.in_establishment >= inst.frozen, "frozen slots are vacant ones");
    }
    for name in NAMED_SELF_FINANCED {
        assert_eq!(unit(&list, name).funding_form, FundingForm::SelfFinanced, "{name}");
    }
    for name in NAMED_PRODUCTION {
        assert_eq!(unit(&list, name).classification, Classification::ProductionOperation, "{name}");
    }
    let bank = unit(&list, "世行贷款畜牧综合开发项目办公室");
    assert!(chrono::Datelike::year(&bank.established_on) >= 1996, "a project office after its project");
}

/// A reader of the report would notice: no self-financed unit in public welfare class I, no
/// division-level institution in a county, no truncated names, secondments with a destination.
#[test]
fn the_demo_reads_like_the_reports_city() {
    let list = city();
    assert!(
        !list
            .iter()
            .any(|i| i.funding_form == FundingForm::SelfFinanced && i.classification == Classification::PublicWelfareI)
    );
    for factor in [0.18, 0.42] {
        let county =
            plan(&Targets::zhangye_city().scaled(factor).county_shaped(), &mut ChaCha8Rng::seed_from_u64(620722));
        assert!(county.iter().all(|i| !matches!(i.level, Level::Division | Level::DeputyDivision)));
    }
    assert_eq!(stem("市发展和改革委员会"), "发展改革");
    assert_eq!(stem("市总工会"), "工会");
    assert_eq!(stem("市委组织部"), "组织");
    assert!(list.iter().all(|i| !i.unit.contains("委员事务") && !i.unit.contains("总工服务")), "no truncated names");
    let seconded: Vec<_> =
        list.iter().flat_map(|i| i.people.iter()).filter(|p| p.status == StaffStatus::SecondedOut).collect();
    assert_eq!(seconded.len(), 46);
    assert!(seconded.iter().all(|p| p.seconded.is_some()));
}

/// The history: 123 self-financed slots cut in six units, the water engineering bureau among
/// them; every unit set up before 1990 adjusted since, except the planned economy's logistics units.
#[test]
fn the_history_cuts_123_self_financed_slots_and_leaves_only_logistics_units_unadjusted() {
    let mut list = city();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    city_history(&mut list, &mut rng);
    let cuts: Vec<(&str, i32)> = list
        .iter()
        .flat_map(|i| {
            i.history
                .iter()
                .filter(|a| a.kind == EventKind::Reduce && a.funding == Funding::SelfFinanced && a.delta < -1)
                .map(move |a| (i.unit.as_str(), a.delta))
        })
        .collect();
    assert_eq!(cuts.len(), 6);
    assert_eq!(cuts.iter().map(|(_, d)| d).sum::<i32>(), -123);
    assert!(cuts.iter().any(|(u, _)| *u == "水利水电工程局"));
    let never: HashSet<&str> = list
        .iter()
        .filter(|i| chrono::Datelike::year(&i.established_on) < 1990 && i.history.is_empty())
        .map(|i| i.unit.as_str())
        .collect();
    assert!(never.contains("农业局后勤服务管理站") && never.contains("水务局后勤事务中心"), "{never:?}");
    assert!(never.iter().all(|u| u.contains("后勤")), "{never:?}");
}
