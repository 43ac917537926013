//! The annual establishment statistics (机构编制统计年报) of a jurisdiction, alone or with those
//! below it, as at 31 December of a year (today for the current year): units, establishment,
//! people in establishment and the year's changes, rebuilt from the ledger and the movements
//! by the as-of machinery (`overview::asof`). Facts a person's record keeps without a date
//! (education, post grade, ethnicity, category) are taken as they are now.
//!
//! The central office's current form could not be found through the search tools; the tables
//! follow the list of what the report counts (DOMAIN.md): units by level, type, funding and
//! sector; establishment by type; people by basis, category, education, age band, post grade,
//! sex and ethnicity; the year's changes by reason. Every table's totals are cross-checked
//! before the workbook is written, and the checks are its last sheet.

mod tables;

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use entity::enums::{
    AbsenceKind, Classification, DepartureReason, FundingForm, InstitutionStatus, Level, ManagementMode, MovementKind,
    Recruitment, Sector, StaffBasis, StaffCategory,
};
use entity::{staff, staff_absence};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::error::{ApiError, ApiResult};
use crate::export::{Cell, Sheet};
use crate::overview::asof::{Lists, Stood, rebuild_keeping_lists};
use crate::pii::PiiCipher;
use crate::scope::Scope;
use crate::staff::record::{CodeListName, entry};
use tables::{Block, Check, Table, checks_sheet};

/// The columns of the people tables: all, then by post category.
const BY_CATEGORY: &[&str] = &["合计", "管理人员", "专业技术人员", "工勤技能人员"];
const CATEGORIES: [StaffCategory; 3] =
    [StaffCategory::Management, StaffCategory::ProfessionalTechnical, StaffCategory::LogisticsService];
const NOT_RECORDED: &str = "未填报";

/// The workbook's bytes and the day it is as at.
pub struct Workbook {
    pub name: String,
    pub bytes: Vec<u8>,
    pub as_at: NaiveDate,
}

/// A person in establishment at the day, with the facts the tables count.
struct Counted {
    category: StaffCategory,
    basis: StaffBasis,
    seconded: bool,
    birth_year: i32,
    education: Option<String>,
    post_grade: Option<String>,
    ethnicity: Option<String>,
    female: bool,
    away: Option<AbsenceKind>,
}

/// A tally of people by a key, with a column per post category.
#[derive(Default)]
struct Tally(HashMap<String, [i64; 4]>);

impl Tally {
    fn add(&mut self, key: impl Into<String>, category: StaffCategory) {
        let row = self.0.entry(key.into()).or_default();
        row[0] += 1;
        row[1 + CATEGORIES.iter().position(|c| *c == category).unwrap_or(0)] += 1;
    }

    fn rows(&self, keys: impl IntoIterator<Item = String>) -> Vec<(String, Vec<i64>)> {
        keys.into_iter().map(|k| (k.clone(), self.0.get(&k).copied().unwrap_or_default().to_vec())).collect()
    }

    fn total(&self) -> Vec<i64> {
        let mut total = [0i64; 4];
        for row in self.0.values() {
            for (t, v) in total.iter_mut().zip(row) {
                *t += v;
            }
        }
        total.to_vec()
    }
}

fn zh(word: &str) -> String {
    crate::labels::zh(word).unwrap_or(word).to_string()
}

/// The statistics of `code` (with those below it when asked) for `year`, for a staffing office.
pub async fn annual(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    code: &str,
    year: i32,
    include_descendants: bool,
) -> ApiResult<Workbook> {
    scope.office()?;
    let today = chrono::Utc::now().date_naive();
    if !(2000..=today.year()).contains(&year) {
        return Err(ApiError::bad_input(format!("`year` runs from 2000 to {}", today.year())));
    }
    let as_at = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today).min(today);
    let start = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap_or(as_at);
    let ids = scope.narrow(db, code, include_descendants).await?;
    let clock = std::time::Instant::now();
    let (stood, reserve, lists) = rebuild_keeping_lists(db, &ids, None, as_at).await?;
    tracing::debug!(elapsed = ?clock.elapsed(), "statistics: units rebuilt");
    let within: HashSet<i32> = stood.iter().map(|s| s.row.id).collect();
    let in_establishment = |person: &crate::overview::asof::Person, on: NaiveDate| {
        person.basis.funding().is_some()
            && lists.place(person, on).is_some_and(|(at, status)| within.contains(&at) && status.holds_slot())
    };
    let (mut at_end, mut at_start) = (Vec::new(), Tally::default());
    for person in &lists.people {
        if in_establishment(person, start) {
            at_start.add("", person.category);
        }
        if in_establishment(person, as_at) {
            let seconded =
                lists.place(person, as_at).is_some_and(|(_, s)| !matches!(s, entity::enums::StaffStatus::Active));
            at_end.push((person.id, person.category, person.basis, seconded));
        }
    }
    tracing::debug!(elapsed = ?clock.elapsed(), "statistics: people placed");
    let people = counted(db, pii, &ids, &at_end, as_at).await?;
    tracing::debug!(elapsed = ?clock.elapsed(), "statistics: people counted");
    let changes = changes(&lists, &within, start, as_at);
    let units = units(&stood);
    let establishment = establishment(&stood, reserve);
    let staff = people_table(&people, as_at.year());
    let moves = changes_table(at_start.total(), &changes, staff.total.1.clone());
    let mut checks: Vec<Check> = Vec::new();
    for table in [&units, &establishment, &staff, &moves] {
        checks.extend(table.checks());
    }
    let cross = [
        ("表1单位情况 1行核定编制 = 表2编制情况 1行", units.total.1[1], establishment.total.1[0]),
        ("表1单位情况 1行在编人员 = 表3在编人员 1行合计", units.total.1[2], staff.total.1[0]),
        ("表2编制情况 占用编制 = 表3在编人员 1行合计", establishment_occupied(&stood), staff.total.1[0]),
    ];
    for (formula, left, right) in cross {
        checks.push(Check { table: "表间", formula: formula.to_string(), left, right });
    }
    for (c, column) in BY_CATEGORY.iter().enumerate() {
        checks.push(Check {
            table: "表4人员变动",
            formula: format!("{column}：年初＋本年增加－本年减少 = 年末在编人数（名册，即表3）"),
            left: moves.total.1[c],
            right: moves_end(&moves)[c],
        });
    }
    let jurisdiction =
        entity::jurisdiction::Entity::find_by_id(ids[0]).one(db).await?.map_or_else(|| code.to_string(), |j| j.name);
    let cover = cover(&jurisdiction, code, year, as_at, include_descendants, &checks);
    let sheets = vec![cover, units.sheet(), establishment.sheet(), staff.sheet(), moves.sheet(), checks_sheet(&checks)];
    let bytes = crate::export::xlsx_bytes(&sheets, true).map_err(ApiError::internal)?;
    tracing::debug!(elapsed = ?clock.elapsed(), "statistics: written");
    let suffix = if include_descendants { "-all" } else { "" };
    Ok(Workbook { name: format!("annual-{code}-{year}{suffix}.xlsx"), bytes, as_at })
}

/// The people in establishment at the day with the facts the tables count: their record,
/// sex from the sealed national ID, and their time off post then.
async fn counted(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    jurisdictions: &[i32],
    people: &[(i32, StaffCategory, StaffBasis, bool)],
    on: NaiveDate,
) -> ApiResult<Vec<Counted>> {
    type Facts = (i32, i32, Option<String>, Option<String>, Option<String>, String);
    let facts_of = || {
        staff::Entity::find().select_only().columns([
            staff::Column::Id,
            staff::Column::BirthYear,
            staff::Column::Education,
            staff::Column::PostGrade,
            staff::Column::Ethnicity,
            staff::Column::NationalIdCipher,
        ])
    };
    let absent_then = || {
        staff_absence::Entity::find()
            .select_only()
            .columns([staff_absence::Column::StaffId, staff_absence::Column::Kind])
            .filter(staff_absence::Column::StartedOn.lte(on))
            .filter(
                sea_orm::Condition::any()
                    .add(staff_absence::Column::EndedOn.is_null())
                    .add(staff_absence::Column::EndedOn.gt(on)),
            )
    };
    let wanted: HashSet<i32> = people.iter().map(|p| p.0).collect();
    // The jurisdictions' people in one pass; those who have moved away since, by id.
    let rows: Vec<Facts> =
        facts_of().filter(staff::Column::JurisdictionId.is_in(jurisdictions.to_vec())).into_tuple().all(db).await?;
    let mut facts: HashMap<i32, Facts> = rows.into_iter().filter(|r| wanted.contains(&r.0)).map(|r| (r.0, r)).collect();
    let moved: Vec<i32> = wanted.iter().copied().filter(|id| !facts.contains_key(id)).collect();
    for chunk in moved.chunks(5_000) {
        let rows: Vec<Facts> =
            facts_of().filter(staff::Column::Id.is_in(chunk.iter().copied())).into_tuple().all(db).await?;
        facts.extend(rows.into_iter().map(|r| (r.0, r)));
    }
    let absences: Vec<(i32, AbsenceKind)> = absent_then()
        .filter(staff_absence::Column::JurisdictionId.is_in(jurisdictions.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let mut away: HashMap<i32, AbsenceKind> = absences.into_iter().filter(|(id, _)| wanted.contains(id)).collect();
    for chunk in moved.chunks(5_000) {
        let absences: Vec<(i32, AbsenceKind)> = absent_then()
            .filter(staff_absence::Column::StaffId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        away.extend(absences);
    }
    let mut out = Vec::with_capacity(people.len());
    for (id, category, basis, seconded) in people {
        let Some((_, birth_year, education, post_grade, ethnicity, cipher)) = facts.remove(id) else { continue };
        let number = pii.decrypt(&cipher).map_err(ApiError::internal)?;
        let national_id =
            crate::codes::NationalId::parse(&number).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
        let female = crate::staff::retirement::sex_of(&national_id) == crate::staff::retirement::Sex::Female;
        out.push(Counted {
            category: *category,
            basis: *basis,
            seconded: *seconded,
            birth_year,
            education,
            post_grade,
            ethnicity,
            female,
            away: away.get(id).copied(),
        });
    }
    Ok(out)
}

/// 表1: units by level, classification, funding form, sector and management mode, each with
/// its establishment and its people in establishment.
fn units(stood: &[Stood]) -> Table {
    let active: Vec<&Stood> = stood.iter().filter(|s| s.row.status == InstitutionStatus::Active).collect();
    let figures = |s: &Stood| {
        let approved: i32 = s.balances.iter().map(|b| b.approved).sum();
        [1, i64::from(approved), i64::from(s.staff.in_establishment)]
    };
    let block = |title: &'static str, words: Vec<&'static str>, key: &dyn Fn(&Stood) -> &'static str| {
        let rows = words
            .into_iter()
            .map(|word| {
                let mut sum = vec![0i64; 3];
                for s in active.iter().filter(|s| key(s) == word) {
                    for (t, v) in sum.iter_mut().zip(figures(s)) {
                        *t += v;
                    }
                }
                (zh(word), sum)
            })
            .collect();
        Block::summed(title, rows)
    };
    let mut total = vec![0i64; 3];
    for s in &active {
        for (t, v) in total.iter_mut().zip(figures(s)) {
            *t += v;
        }
    }
    Table {
        name: "表1单位情况",
        columns: &["单位数", "核定编制", "在编人员"],
        total: ("事业单位总数", total),
        blocks: vec![
            block("机构规格", Level::all().iter().map(|v| v.word()).collect(), &|s| s.row.level.word()),
            block("类别", Classification::all().iter().map(|v| v.word()).collect(), &|s| s.row.classification.word()),
            block("经费形式", FundingForm::all().iter().map(|v| v.word()).collect(), &|s| {
                s.row.funding_form.word()
            }),
            block("行业", Sector::all().iter().map(|v| v.word()).collect(), &|s| s.row.sector.word()),
            block("管理方式", ManagementMode::all().iter().map(|v| v.word()).collect(), &|s| {
                s.row.management_mode.word()
            }),
        ],
        columns_split_first: false,
    }
}

fn establishment_occupied(stood: &[Stood]) -> i64 {
    stood
        .iter()
        .filter(|s| s.row.status == InstitutionStatus::Active)
        .flat_map(|s| &s.balances)
        .map(|b| i64::from(b.occupied))
        .sum()
}

/// 表2: establishment by funding, its use, and the people outside it.
fn establishment(stood: &[Stood], reserve: i64) -> Table {
    let active: Vec<&Stood> = stood.iter().filter(|s| s.row.status == InstitutionStatus::Active).collect();
    let sum = |f: &dyn Fn(&entity::establishment_balance::Model) -> i32| -> i64 {
        active.iter().flat_map(|s| &s.balances).map(|b| i64::from(f(b))).sum()
    };
    let fiscal = sum(&|b| if b.funding == entity::enums::Funding::Fiscal { b.approved } else { 0 });
    let approved = sum(&|b| b.approved);
    let vacant =
        sum(&|b| crate::establishment::balance::vacant_of(b.approved, b.borrowed, b.frozen, b.deposited, b.occupied));
    let over = sum(&|b| crate::establishment::balance::excess_of(b.approved, b.borrowed, b.occupied));
    let temporary: i64 = stood.iter().map(|s| i64::from(s.staff.temporary)).sum();
    let filed: i64 = stood.iter().map(|s| i64::from(s.staff.filed)).sum();
    let one = |label: &str, n: i64| (label.to_string(), vec![n]);
    Table {
        name: "表2编制情况",
        columns: &["数量"],
        total: ("核定编制", vec![approved]),
        blocks: vec![
            Block::summed("按经费", vec![one("财政拨款编制", fiscal), one("自收自支编制", approved - fiscal)]),
            Block::of_which(
                "使用",
                vec![
                    one("占用编制", establishment_occupied(stood)),
                    one("冻结编制", sum(&|b| b.frozen)),
                    one("空编", vacant),
                    one("超编人员", over),
                ],
            ),
            Block::of_which(
                "其他",
                vec![one("收回待分配编制", reserve), one("编外人员", temporary), one("备案制人员", filed)],
            ),
        ],
        columns_split_first: false,
    }
}

fn age_band(age: i32) -> &'static str {
    match age {
        ..=35 => "35岁及以下",
        36..=40 => "36至40岁",
        41..=45 => "41至45岁",
        46..=50 => "46至50岁",
        51..=54 => "51至54岁",
        _ => "55岁及以上",
    }
}

const AGE_BANDS: [&str; 6] = ["35岁及以下", "36至40岁", "41至45岁", "46至50岁", "51至54岁", "55岁及以上"];

/// The bands of a code list, in the list's order, then 未填报.
fn bands(list: CodeListName) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in crate::staff::record::lists().iter().filter(|l| l.name == list).flat_map(|l| &l.codes) {
        if !out.contains(&code.group) {
            out.push(code.group.clone());
        }
    }
    out.push(NOT_RECORDED.to_string());
    out
}

fn band_of(list: CodeListName, code: &Option<String>) -> String {
    code.as_deref().and_then(|c| entry(list, c)).map_or_else(|| NOT_RECORDED.to_string(), |c| c.group.clone())
}

/// 表3: the people in establishment by basis, education, age band, post grade, sex,
/// ethnicity and whether in post, each split by post category.
fn people_table(people: &[Counted], year: i32) -> Table {
    let mut tallies: [Tally; 8] = Default::default();
    for p in people {
        let c = p.category;
        tallies[0].add(zh(p.basis.word()), c);
        tallies[1].add(band_of(CodeListName::Education, &p.education), c);
        tallies[2].add(age_band(year - p.birth_year), c);
        tallies[3].add(band_of(CodeListName::PostGrade, &p.post_grade), c);
        tallies[4].add(if p.female { "女" } else { "男" }, c);
        let ethnicity = match p.ethnicity.as_deref() {
            None => NOT_RECORDED.to_string(),
            Some("01") => "汉族".to_string(),
            Some(_) => "少数民族".to_string(),
        };
        tallies[5].add(ethnicity, c);
        if let Some(code) = p.ethnicity.as_deref().filter(|c| *c != "01") {
            tallies[6].add(entry(CodeListName::Ethnicity, code).map_or(code, |e| e.label.as_str()), c);
        }
        let post = match (p.seconded, p.away) {
            (true, _) => "借调".to_string(),
            (false, Some(kind)) => format!("在编不在岗：{}", zh(kind.word())),
            (false, None) => "在岗".to_string(),
        };
        tallies[7].add(post, c);
    }
    let mut minorities: Vec<String> = tallies[6].0.keys().cloned().collect();
    minorities.sort();
    let post_rows = std::iter::once("在岗".to_string())
        .chain(std::iter::once("借调".to_string()))
        .chain(AbsenceKind::all().iter().map(|k| format!("在编不在岗：{}", zh(k.word()))));
    let mut total = Tally::default();
    for p in people {
        total.add("", p.category);
    }
    Table {
        name: "表3在编人员",
        columns: BY_CATEGORY,
        total: ("在编人员合计", total.total()),
        blocks: vec![
            Block::summed("用编类型", tallies[0].rows([zh("FISCAL"), zh("SELF_FINANCED")])),
            Block::summed("学历", tallies[1].rows(bands(CodeListName::Education))),
            Block::summed("年龄", tallies[2].rows(AGE_BANDS.iter().map(|s| s.to_string()))),
            Block::summed("岗位等级", tallies[3].rows(bands(CodeListName::PostGrade))),
            Block::summed("性别", tallies[4].rows(["男".to_string(), "女".to_string()])),
            Block::summed(
                "民族",
                tallies[5].rows(["汉族".to_string(), "少数民族".to_string(), NOT_RECORDED.to_string()]),
            ),
            Block::of_which("少数民族", tallies[6].rows(minorities)),
            Block::summed("在岗情况", tallies[7].rows(post_rows)),
        ],
        columns_split_first: true,
    }
}

/// The year's arrivals into and departures from the establishment of the jurisdiction(s),
/// by reason and post category; a transfer between two of its own institutions is neither.
#[derive(Default)]
struct Changes {
    arrivals: Tally,
    departures: Tally,
}

fn changes(lists: &Lists, within: &HashSet<i32>, start: NaiveDate, end: NaiveDate) -> Changes {
    let mut out = Changes::default();
    for person in lists.people.iter().filter(|p| p.basis.funding().is_some()) {
        let movements = lists.movements(person.id);
        if movements.is_empty() {
            // Nothing dated but the hire: arrived then, if still on a list (as the as-of
            // machinery places them).
            if person.hire_date > start
                && person.hire_date <= end
                && person.status.holds_slot()
                && within.contains(&person.institution_id)
            {
                out.arrivals.add(NOT_RECORDED, person.category);
            }
            continue;
        }
        let in_year: Vec<_> = movements.iter().filter(|m| m.occurred_on > start && m.occurred_on <= end).collect();
        let internal = |m: &entity::staff_movement::Model, other: MovementKind| {
            in_year
                .iter()
                .any(|o| o.kind == other && o.occurred_on == m.occurred_on && within.contains(&o.institution_id))
        };
        for m in in_year.iter().filter(|m| within.contains(&m.institution_id)) {
            let reason = || m.reason.as_deref().map_or_else(|| NOT_RECORDED.to_string(), zh);
            match m.kind {
                MovementKind::Hire => out.arrivals.add(reason(), person.category),
                MovementKind::TransferIn if !internal(m, MovementKind::TransferOut) => {
                    out.arrivals.add(zh(Recruitment::TransferIn.word()), person.category)
                }
                MovementKind::TransferOut if !internal(m, MovementKind::TransferIn) => {
                    out.departures.add(zh(DepartureReason::TransferOut.word()), person.category)
                }
                MovementKind::Retire | MovementKind::Leave => out.departures.add(reason(), person.category),
                _ => {}
            }
        }
    }
    out
}

/// 表4's roster row at the year's end.
fn moves_end(moves: &Table) -> Vec<i64> {
    moves.blocks.last().and_then(|b| b.rows.first()).map_or_else(|| vec![0; 4], |(_, v)| v.clone())
}

/// 表4: the people in establishment at the start of the year, the year's arrivals and
/// departures by reason, and at its end; start + arrivals - departures = end is checked.
fn changes_table(start: Vec<i64>, changes: &Changes, end: Vec<i64>) -> Table {
    let arrivals: Vec<String> =
        Recruitment::all().iter().map(|r| zh(r.word())).chain(std::iter::once(NOT_RECORDED.to_string())).collect();
    let departures: Vec<String> =
        DepartureReason::all().iter().map(|r| zh(r.word())).chain(std::iter::once(NOT_RECORDED.to_string())).collect();
    let (added, removed) = (changes.arrivals.total(), changes.departures.total());
    let computed: Vec<i64> = (0..4).map(|c| start[c] + added[c] - removed[c]).collect();
    Table {
        name: "表4人员变动",
        columns: BY_CATEGORY,
        total: ("年末在编人数（年初＋增加－减少）", computed),
        blocks: vec![
            Block::line("年初在编人数", start),
            Block::line("本年增加", added),
            Block::of_which("本年增加", changes.arrivals.rows(arrivals)),
            Block::line("本年减少", removed),
            Block::of_which("本年减少", changes.departures.rows(departures)),
            Block::line("年末在编人数（名册）", end),
        ],
        columns_split_first: true,
    }
}

/// The first sheet: whose statistics, as at when, and whether every check agrees.
fn cover(name: &str, code: &str, year: i32, as_at: NaiveDate, below: bool, checks: &[Check]) -> Sheet {
    let failed = checks.iter().filter(|c| c.left != c.right).count();
    let scope = if below { "本级及所辖地区" } else { "本级" };
    let rows = [
        ("统计地区", format!("{name}（{code}）")),
        ("统计范围", scope.to_string()),
        ("统计年度", format!("{year}年")),
        ("统计时点", format!("{}年{}月{}日", as_at.year(), as_at.month(), as_at.day())),
        (
            "审核",
            if failed == 0 {
                format!("{} 项全部一致", checks.len())
            } else {
                format!("{failed} 项不一致，见“审核”表")
            },
        ),
        (
            "说明",
            "单位、编制按台账和决定还原至统计时点；人员按名册变动还原；学历、岗位等级、民族等个人信息取当前记录。"
                .to_string(),
        ),
    ];
    Sheet {
        name: "封面",
        headers: vec![("item", "项目"), ("value", "内容")],
        rows: rows.into_iter().map(|(k, v)| vec![Cell::Text(k.into()), Cell::Text(v)]).collect(),
    }
}
