//! The demo's old-system vacant-since dates (空编起始日期).

use chrono::NaiveDate;

use crate::seed::plan::PlannedInstitution;

/// Since when the old system says a unit's vacancies have stood (空编起始日期), as the report's
/// city has them: schools and hospitals fill theirs within the year, while agriculture, water
/// and the rest hold slots idle for years (the resources the turnover pool exists to use).
/// Derived from the unit's name, so the demo stays the same from one load to the next.
pub(super) fn vacant_since(inst: &PlannedInstitution, name: &str, today: NaiveDate) -> Option<NaiveDate> {
    use entity::enums::Sector;
    if inst.approved_fiscal + inst.approved_self == 0 {
        return None;
    }
    let h = name.chars().fold(0_u32, |h, c| h.wrapping_mul(31).wrapping_add(c as u32));
    let months = match inst.sector {
        Sector::Education | Sector::Health => 1 + h % 10,
        Sector::AgricultureForestryWaterLivestock => 14 + h % 48,
        _ => 2 + h % 48,
    };
    let since = today.checked_sub_months(chrono::Months::new(months)).unwrap_or(today);
    Some(since.max(inst.established_on))
}
