//! Working age: who may be hired, and when each person reaches the statutory retirement age
//! (法定退休年龄), with the gradual raise that began on 1 January 2025.
//!
//! Source: Decision of the Standing Committee of the National People's Congress on Implementing
//! the Gradual Postponement of the Statutory Retirement Age (全国人民代表大会常务委员会关于实施渐进式
//! 延迟法定退休年龄的决定, 13 September 2024), and its annexed tables: from 1 January 2025, over
//! fifteen years, men's age rises from 60 to 63 and women's from 55 to 58 (cadres) and from 50 to
//! 55 (workers). Men and women cadres born in or after the first cohort retire one month later for
//! every four months of birth (the first cohort one month later), women workers one month later
//! for every two months. In public institutions, women in management and professional-technical
//! posts retire as cadres, women in logistics and skilled-service posts (工勤技能) as workers.

use async_graphql::{Enum, SimpleObject};
use chrono::{Datelike, Months, NaiveDate};
use entity::enums::{RetirementBasis, StaffCategory};

use crate::codes::NationalId;
use crate::error::{ApiError, ApiResult};

/// The youngest age at which a person may be hired into a post (劳动法: 16 is the legal working
/// age; public institutions recruit adults).
pub const MIN_HIRE_AGE: u32 = 18;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RetirementGroup {
    /// Men, whatever their post.
    Men,
    /// Women in management or professional-technical posts (女干部).
    WomenCadres,
    /// Women in logistics and skilled-service posts (女工人).
    WomenWorkers,
}

/// One line of the retirement table: the age before the raise, the first birth cohort the
/// raise applies to, how many months of birth add one month, and the most it adds.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct RetirementRule {
    pub group: RetirementGroup,
    /// Retirement age before 2025, in years.
    pub original_age: u32,
    /// First birth cohort whose retirement is postponed (year and month).
    pub first_cohort_year: i32,
    pub first_cohort_month: u32,
    /// Months of birth that add one month to the retirement age.
    pub months_per_step: u32,
    /// The most the raise adds, in months.
    pub max_raise_months: u32,
    /// Where the figures come from.
    pub source: &'static str,
}

const SOURCE: &str = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13), 附件1-3";

/// The statutory table, as data.
pub const RULES: [RetirementRule; 3] = [
    RetirementRule {
        group: RetirementGroup::Men,
        original_age: 60,
        first_cohort_year: 1965,
        first_cohort_month: 1,
        months_per_step: 4,
        max_raise_months: 36,
        source: SOURCE,
    },
    RetirementRule {
        group: RetirementGroup::WomenCadres,
        original_age: 55,
        first_cohort_year: 1970,
        first_cohort_month: 1,
        months_per_step: 4,
        max_raise_months: 36,
        source: SOURCE,
    },
    RetirementRule {
        group: RetirementGroup::WomenWorkers,
        original_age: 50,
        first_cohort_year: 1975,
        first_cohort_month: 1,
        months_per_step: 2,
        max_raise_months: 60,
        source: SOURCE,
    },
];

/// The sex a national ID number records: its 17th digit, odd for men.
pub fn sex_of(id: &NationalId) -> Sex {
    let digit = id.as_str().as_bytes().get(16).map_or(0, |b| b.wrapping_sub(b'0'));
    if digit % 2 == 1 { Sex::Male } else { Sex::Female }
}

pub fn group_of(sex: Sex, category: StaffCategory) -> RetirementGroup {
    match (sex, category) {
        (Sex::Male, _) => RetirementGroup::Men,
        (Sex::Female, StaffCategory::LogisticsService) => RetirementGroup::WomenWorkers,
        (Sex::Female, _) => RetirementGroup::WomenCadres,
    }
}

impl RetirementRule {
    pub fn of(group: RetirementGroup) -> &'static RetirementRule {
        RULES.iter().find(|r| r.group == group).unwrap_or(&RULES[0])
    }

    /// The retirement age, in months, of a person born in `birth`'s month.
    pub fn age_in_months(&self, birth: NaiveDate) -> u32 {
        let cohort =
            (birth.year() - self.first_cohort_year) * 12 + birth.month() as i32 - self.first_cohort_month as i32;
        let raise = if cohort < 0 { 0 } else { (cohort as u32 / self.months_per_step + 1).min(self.max_raise_months) };
        self.original_age * 12 + raise
    }
}

/// The day a person reaches retirement age: the day they turn the age, in months.
pub fn retirement_date(birth: NaiveDate, sex: Sex, category: StaffCategory) -> NaiveDate {
    let months = RetirementRule::of(group_of(sex, category)).age_in_months(birth);
    birth.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// The most a retirement moves from the statutory day either way, by the 2024 decision: flexible
/// early retirement (弹性提前退休) and agreed postponement (弹性延迟退休), each up to three years.
pub const FLEXIBLE_MONTHS: u32 = 36;

/// The earliest day a person may retire without an early-retirement basis: the statutory day
/// less three years, never before the age that applied before 2025.
pub fn earliest_retirement(birth: NaiveDate, sex: Sex, category: StaffCategory) -> NaiveDate {
    let rule = RetirementRule::of(group_of(sex, category));
    let months = rule.age_in_months(birth).saturating_sub(FLEXIBLE_MONTHS).max(rule.original_age * 12);
    birth.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// The youngest age an early-retirement basis allows (国发〔1978〕104号 and the special-work
/// rules), if any.
fn basis_floor(basis: RetirementBasis, sex: Sex) -> Option<i32> {
    match (basis, sex) {
        (RetirementBasis::Illness, Sex::Male) => Some(50),
        (RetirementBasis::SpecialWork, Sex::Male) => Some(55),
        (RetirementBasis::Illness | RetirementBasis::SpecialWork, Sex::Female) => Some(45),
        (RetirementBasis::WorkInjury, _) => None,
    }
}

/// A retirement on `on`: from the earliest lawful day it needs nothing more; before it, a basis
/// (病退, 特殊工种, 因工致残) from its own youngest age, with the approving document. A basis given
/// for a retirement that needs none is kept as the document says it.
pub fn check_retirement(
    id: &NationalId,
    category: StaffCategory,
    on: NaiveDate,
    basis: Option<RetirementBasis>,
    document_no: Option<&str>,
) -> ApiResult<()> {
    let (birth, sex) = (id.birth_date(), sex_of(id));
    let earliest = earliest_retirement(birth, sex, category);
    let age = age_on(birth, on);
    let Some(basis) = basis else {
        if on >= earliest {
            return Ok(());
        }
        return Err(ApiError::bad_input(format!(
            "the person is {age} on {on}, before the earliest lawful retirement ({earliest}): an early retirement \
             needs its basis (`retirementBasis`: ILLNESS 病退, SPECIAL_WORK 特殊工种, WORK_INJURY 因工致残) and \
             the approving document"
        )));
    };
    if let Some(floor) = basis_floor(basis, sex).filter(|floor| age < *floor) {
        return Err(ApiError::bad_input(format!(
            "the person is {age} on {on}: {} allows retirement from {floor}",
            basis.word()
        )));
    }
    if document_no.is_none() {
        return Err(ApiError::bad_input("an early retirement needs the approving document (`documentNo`)"));
    }
    Ok(())
}

/// An agreed postponement (弹性延迟退休) runs past the statutory day, by at most three years.
pub fn check_extension(id: &NationalId, category: StaffCategory, until: NaiveDate) -> ApiResult<()> {
    let statutory = retirement_date(id.birth_date(), sex_of(id), category);
    let latest = statutory.checked_add_months(Months::new(FLEXIBLE_MONTHS)).unwrap_or(NaiveDate::MAX);
    if until <= statutory || until > latest {
        return Err(ApiError::bad_input(format!(
            "a postponement runs past the statutory retirement day ({statutory}) by at most three years, to {latest}"
        )));
    }
    Ok(())
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// A hire needs an adult below retirement age, on the hire date and today.
pub fn check_working_age(id: &NationalId, category: StaffCategory, hired_on: NaiveDate) -> ApiResult<()> {
    if check_inherited_age(id, category, hired_on)? {
        let retires = retirement_date(id.birth_date(), sex_of(id), category);
        return Err(ApiError::bad_input(format!(
            "the person reached the statutory retirement age on {retires}; they cannot be hired"
        )));
    }
    Ok(())
}

/// The working age of a person on an inherited list (an import): hired at 18 or older and before
/// the statutory retirement age, as any hire; but being past that age today is a fact of the
/// old system (弹性延迟, paperwork pending), recorded and counted, not refused. Answers whether
/// the person is past the age today.
pub fn check_inherited_age(id: &NationalId, category: StaffCategory, hired_on: NaiveDate) -> ApiResult<bool> {
    let birth = id.birth_date();
    if age_on(birth, hired_on) < MIN_HIRE_AGE as i32 {
        return Err(ApiError::bad_input(format!(
            "the person is {} on the hire date; a hire needs an age of at least {MIN_HIRE_AGE}",
            age_on(birth, hired_on).max(0)
        )));
    }
    let retires = retirement_date(birth, sex_of(id), category);
    if hired_on >= retires {
        return Err(ApiError::bad_input(format!(
            "the person reached the statutory retirement age on {retires}; they cannot be hired"
        )));
    }
    Ok(chrono::Utc::now().date_naive() >= retires)
}

/// One calendar year of an institution's retirement forecast.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct RetirementYear {
    pub year: i32,
    pub management: i32,
    pub professional_technical: i32,
    pub logistics_service: i32,
    pub total: i32,
}

/// Who in an institution's establishment reaches retirement age, year by year: the slots that
/// will free up, and so the basis of its recruitment plans.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct RetirementForecast {
    /// People in establishment already past their retirement age (to be retired).
    pub past_retirement_age: i32,
    /// This year and the years after it.
    pub years: Vec<RetirementYear>,
}

/// A person in establishment as the forecast needs them.
#[derive(Clone, Copy, Debug)]
pub struct WorkingLife {
    pub birth: NaiveDate,
    pub sex: Sex,
    pub category: StaffCategory,
}

impl RetirementForecast {
    pub fn of(people: &[WorkingLife], today: NaiveDate, years: u32) -> Self {
        let first = today.year();
        let mut forecast = Self {
            past_retirement_age: 0,
            years: (0..years as i32).map(|i| RetirementYear { year: first + i, ..Default::default() }).collect(),
        };
        for person in people {
            let retires = retirement_date(person.birth, person.sex, person.category);
            if retires <= today {
                forecast.past_retirement_age += 1;
                continue;
            }
            let Some(year) = forecast.years.get_mut((retires.year() - first) as usize) else { continue };
            match person.category {
                StaffCategory::Management => year.management += 1,
                StaffCategory::ProfessionalTechnical => year.professional_technical += 1,
                StaffCategory::LogisticsService => year.logistics_service += 1,
            }
            year.total += 1;
        }
        forecast
    }
}

/// The working lives of the people in establishment (active or seconded out, fiscally
/// funded or self-financed) of many institutions. Birth date and sex come from the sealed
/// national ID number, opened here and kept nowhere.
pub struct WorkingLives {
    pub db: sea_orm::DatabaseConnection,
    pub pii: crate::pii::PiiCipher,
}

impl async_graphql::dataloader::Loader<i32> for WorkingLives {
    type Value = Vec<WorkingLife>;
    type Error = std::sync::Arc<ApiError>;

    async fn load(&self, keys: &[i32]) -> Result<std::collections::HashMap<i32, Self::Value>, Self::Error> {
        use entity::enums::{StaffBasis, StaffStatus};
        use entity::staff;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        let mut found: std::collections::HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for chunk in keys.chunks(5_000) {
            let rows: Vec<(i32, String, StaffCategory)> = staff::Entity::find()
                .select_only()
                .column(staff::Column::InstitutionId)
                .column(staff::Column::NationalIdCipher)
                .column(staff::Column::Category)
                .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
                .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
                .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced]))
                .into_tuple()
                .all(&self.db)
                .await
                .map_err(|e| std::sync::Arc::new(e.into()))?;
            for (institution, cipher, category) in rows {
                let number = self.pii.decrypt(&cipher).map_err(|e| std::sync::Arc::new(ApiError::internal(e)))?;
                let id = NationalId::parse(&number)
                    .map_err(|e| std::sync::Arc::new(ApiError::internal(anyhow::anyhow!(e))))?;
                let life = WorkingLife { birth: id.birth_date(), sex: sex_of(&id), category };
                found.entry(institution).or_default().push(life);
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_annexed_tables_come_out() {
        let men = RetirementRule::of(RetirementGroup::Men);
        // 附件1: born 1964-12 retires at 60; 1965-01 at 60y1m; 1965-05 at 60y2m; from 1976-09 at 63.
        assert_eq!(men.age_in_months(date(1964, 12, 1)), 720);
        assert_eq!(men.age_in_months(date(1965, 1, 1)), 721);
        assert_eq!(men.age_in_months(date(1965, 5, 1)), 722);
        assert_eq!(men.age_in_months(date(1976, 9, 1)), 756);
        assert_eq!(men.age_in_months(date(1990, 1, 1)), 756);
        // 附件3 (women workers, 50): 1975-01 at 50y1m, 1975-03 at 50y2m, from 1984-11 at 55.
        let workers = RetirementRule::of(RetirementGroup::WomenWorkers);
        assert_eq!(workers.age_in_months(date(1975, 1, 1)), 601);
        assert_eq!(workers.age_in_months(date(1975, 3, 1)), 602);
        assert_eq!(workers.age_in_months(date(1984, 11, 1)), 660);
        // 附件2 (women cadres, 55): 1970-01 at 55y1m, from 1981-09 at 58.
        let cadres = RetirementRule::of(RetirementGroup::WomenCadres);
        assert_eq!(cadres.age_in_months(date(1970, 1, 1)), 661);
        assert_eq!(cadres.age_in_months(date(1981, 9, 1)), 696);
        // A man born 1965-01-15 retires on 2025-02-15.
        assert_eq!(retirement_date(date(1965, 1, 15), Sex::Male, StaffCategory::Management), date(2025, 2, 15));
    }

    #[test]
    fn a_forecast_counts_each_year_and_those_already_past() {
        let today = date(2026, 12, 1);
        let people = [
            WorkingLife { birth: date(1966, 3, 10), sex: Sex::Male, category: StaffCategory::Management },
            WorkingLife { birth: date(1968, 1, 1), sex: Sex::Male, category: StaffCategory::ProfessionalTechnical },
            WorkingLife { birth: date(1960, 3, 10), sex: Sex::Male, category: StaffCategory::Management },
            WorkingLife { birth: date(1976, 6, 1), sex: Sex::Female, category: StaffCategory::LogisticsService },
        ];
        let forecast = RetirementForecast::of(&people, today, 5);
        assert_eq!(forecast.past_retirement_age, 2);
        // 1966-03 man: 60 + (14/4 + 1 = 4) months -> 2026-07: past already.
        // 1976-06 woman worker: 50 + (17/2 + 1 = 9) months -> 2027-03.
        // 1968-01 man: 60 + (36/4 + 1 = 10) months -> 2028-11.
        assert_eq!(forecast.years.iter().map(|y| y.total).sum::<i32>(), 2);
        assert_eq!(forecast.years[1].logistics_service, 1);
        assert_eq!(forecast.years[2].professional_technical, 1);
        let _ = people;
    }

    #[test]
    fn ages_are_whole_years() {
        assert_eq!(age_on(date(2008, 6, 2), date(2026, 6, 1)), 17);
        assert_eq!(age_on(date(2008, 6, 2), date(2026, 6, 2)), 18);
    }
}
