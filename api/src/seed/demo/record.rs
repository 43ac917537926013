//! The demo's people's records (学历, 学位, 民族, 政治面貌, 岗位等级, dates), drawn from a hash
//! of each person rather than the plan's random stream, so the rest of the demo (the report's
//! figures) is unchanged. Sunan is the Yugur autonomous county: a quarter of its people are
//! Yugur, a tenth Tibetan; elsewhere in the city nearly everyone is Han, with some Hui.

use chrono::{Datelike, Months, NaiveDate};
use entity::enums::StaffCategory;
use entity::staff;
use sea_orm::Set;

use crate::seed::plan::PlannedPerson;

/// A number from 0 to 99 for the person and a purpose, stable across runs.
fn draw(p: &PlannedPerson, purpose: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ purpose;
    let birth = p.birth.num_days_from_ce() as u64;
    for byte in p.name.bytes().chain(birth.to_le_bytes()).chain(p.sequence.to_le_bytes()) {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % 100
}

/// Picks from `(share, value)` pairs by a draw of 0..100.
fn pick<T: Copy>(d: u64, shares: &[(u64, T)]) -> T {
    let mut total = 0;
    for (share, value) in shares {
        total += share;
        if d < total {
            return *value;
        }
    }
    shares[shares.len() - 1].1
}

fn post_grade(p: &PlannedPerson) -> Option<&'static str> {
    let d = draw(p, 5);
    let grade = match p.title_level? {
        "五级职员" => "M5",
        "六级职员" => "M6",
        "七级职员" => "M7",
        "八级职员" => "M8",
        "九级职员" => "M9",
        "正高级" => pick(d, &[(30, "P2"), (30, "P3"), (40, "P4")]),
        "副高级" => pick(d, &[(30, "P5"), (30, "P6"), (40, "P7")]),
        "中级" => pick(d, &[(30, "P8"), (30, "P9"), (40, "P10")]),
        "初级" => pick(d, &[(50, "P11"), (50, "P12")]),
        "高级技师" => "W1",
        "技师" => "W2",
        "高级工" => "W3",
        "中级工" => "W4",
        "普通工" => "W0",
        _ => return None,
    };
    Some(grade)
}

/// Fills the record of a demo person of the jurisdiction `division`.
pub(super) fn fill(row: &mut staff::ActiveModel, p: &PlannedPerson, division: &str) {
    let ethnicity = if division == "620721" {
        pick(draw(p, 1), &[(25, "48"), (10, "04"), (3, "03"), (62, "01")])
    } else {
        pick(draw(p, 1), &[(2, "03"), (98, "01")])
    };
    let education = match p.category {
        StaffCategory::ProfessionalTechnical => pick(draw(p, 2), &[(10, "14"), (55, "21"), (30, "31"), (5, "41")]),
        StaffCategory::Management => pick(draw(p, 2), &[(10, "14"), (60, "21"), (25, "31"), (5, "61")]),
        StaffCategory::LogisticsService => pick(draw(p, 2), &[(20, "31"), (30, "41"), (40, "61"), (10, "71")]),
    };
    let degree = match education {
        "14" => Some("3"),
        "21" if draw(p, 3) < 80 => Some("4"),
        _ => None,
    };
    let age_at_hire = p.hire_date.year() - p.birth.year();
    let political = pick(draw(p, 4), &[(45, "01"), (if age_at_hire < 28 { 15 } else { 0 }, "03"), (100, "13")]);
    // Work began on the hire day or up to three years before, never before eighteen.
    let adult = p.birth.checked_add_months(Months::new(18 * 12)).unwrap_or(p.birth);
    let earlier = p.hire_date.checked_sub_months(Months::new((draw(p, 6) % 4 * 12) as u32)).unwrap_or(p.hire_date);
    let started: NaiveDate = earlier.max(adult).min(p.hire_date);
    row.ethnicity = Set(Some(ethnicity.into()));
    row.education = Set(Some(education.into()));
    row.degree = Set(degree.map(Into::into));
    row.political_status = Set(Some(political.into()));
    row.post_grade = Set(post_grade(p).map(Into::into));
    row.work_started_on = Set(Some(started));
    row.entered_establishment_on = Set(p.basis.funding().map(|_| p.hire_date));
}
