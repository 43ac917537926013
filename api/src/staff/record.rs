//! The person's record beyond the slot: education and degree, ethnicity, political status,
//! post grade and duty, the day work began and the day the person entered the establishment.
//! Each coded fact takes a code of its national list, kept as data in `codes/` with its
//! source; a file or a form may give the code or its label.
//!
//! Who reads what (docs/personal-data.md): ethnicity, political status, education and degree
//! are personal data, read only where the national ID is read in full (the person's own
//! staffing office); post grade, duty and the two dates are facts of the post, read by whoever
//! reads the person.

use std::sync::LazyLock;

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::NaiveDate;
use entity::enums::StaffCategory;
use entity::staff;
use sea_orm::Set;

use crate::error::{ApiError, ApiResult};
use crate::graphql::date::Day;

/// The national code lists a person's record uses.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CodeListName {
    /// 学历, GB/T 4658-2006.
    Education,
    /// 学位, GB/T 6864-2003.
    Degree,
    /// 民族, GB 3304-1991.
    Ethnicity,
    /// 政治面貌, GB/T 4762-1984.
    PoliticalStatus,
    /// 岗位等级, 国人部发〔2006〕70号.
    PostGrade,
}

/// One entry of a code list.
#[derive(SimpleObject, Clone, Debug)]
pub struct Code {
    pub code: String,
    pub label: String,
    /// The band the annual statistics count by (研究生, 大学本科...; 正高级, 副高级...).
    pub group: String,
    /// A post grade's staff category.
    pub category: Option<StaffCategory>,
}

/// A code list with its source.
#[derive(SimpleObject, Clone, Debug)]
pub struct CodeList {
    pub name: CodeListName,
    pub source: String,
    pub codes: Vec<Code>,
}

/// The band an education code is counted in: its first digit's level.
fn education_group(code: &str) -> &'static str {
    match code.as_bytes().first() {
        Some(b'1') => "研究生",
        Some(b'2') => "大学本科",
        Some(b'3') => "大学专科",
        Some(b'4') => "中专",
        Some(b'6') => "高中",
        _ => "初中及以下",
    }
}

fn parse_list(name: CodeListName, text: &str) -> CodeList {
    let mut source = String::new();
    let mut codes = Vec::new();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix('#') {
            if source.is_empty() {
                source = comment.trim().trim_end_matches('.').to_string();
            }
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let code = match (name, cells.as_slice()) {
            (CodeListName::PostGrade, [code, category, label, group]) => Code {
                code: code.to_string(),
                label: label.to_string(),
                group: group.to_string(),
                category: StaffCategory::from_word(category),
            },
            (CodeListName::Education, [code, label]) => Code {
                code: code.to_string(),
                label: label.to_string(),
                group: education_group(code).into(),
                category: None,
            },
            (_, [code, label]) => {
                Code { code: code.to_string(), label: label.to_string(), group: label.to_string(), category: None }
            }
            _ => continue,
        };
        codes.push(code);
    }
    CodeList { name, source, codes }
}

static LISTS: LazyLock<[CodeList; 5]> = LazyLock::new(|| {
    [
        parse_list(CodeListName::Education, include_str!("codes/education.tsv")),
        parse_list(CodeListName::Degree, include_str!("codes/degree.tsv")),
        parse_list(CodeListName::Ethnicity, include_str!("codes/ethnicity.tsv")),
        parse_list(CodeListName::PoliticalStatus, include_str!("codes/political_status.tsv")),
        parse_list(CodeListName::PostGrade, include_str!("codes/post_grade.tsv")),
    ]
});

/// Every code list, in the order of [`CodeListName`].
pub fn lists() -> &'static [CodeList] {
    LISTS.as_slice()
}

/// A list's entry for a stored code.
pub fn entry(name: CodeListName, code: &str) -> Option<&'static Code> {
    LISTS.iter().find(|l| l.name == name)?.codes.iter().find(|c| c.code == code)
}

/// A code as a form or a file gives it: the code itself or its label (汉族, 大学本科毕业).
pub fn parse_code(name: CodeListName, field: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    let list = LISTS.iter().find(|l| l.name == name).expect("every list is loaded");
    list.codes
        .iter()
        .find(|c| c.code == text || c.label == text || c.code == text.to_ascii_uppercase())
        .map(|c| c.code.clone())
        .ok_or_else(|| format!("{field}: not a code of its national list: {text}"))
}

/// The record's facts as a form, a hire or a file gives them. An absent field is left as it
/// is; an empty text clears it.
#[derive(InputObject, Default, Clone, Debug)]
pub struct PersonFactsInput {
    /// 学历: a GB/T 4658 code or its label.
    pub education: Option<String>,
    /// 学位: a GB/T 6864 code or its label.
    pub degree: Option<String>,
    /// 民族: a GB 3304 code or its label.
    pub ethnicity: Option<String>,
    /// 政治面貌: a GB/T 4762 code or its label.
    pub political_status: Option<String>,
    /// 岗位等级 (M1-M10, P1-P13, W0-W5, or the label): of the person's category.
    pub post_grade: Option<String>,
    /// 职务 (院长, 校长, 科长...).
    pub duty: Option<String>,
    /// 参加工作时间.
    pub work_started_on: Option<Day>,
    /// 入编时间.
    pub entered_establishment_on: Option<Day>,
}

/// A fact to set: `None` leaves it, `Some(None)` clears it.
type Change<T> = Option<Option<T>>;

/// The facts, checked.
#[derive(Default, Clone, Debug)]
pub struct PersonFacts {
    pub education: Change<String>,
    pub degree: Change<String>,
    pub ethnicity: Change<String>,
    pub political_status: Change<String>,
    pub post_grade: Change<String>,
    pub duty: Change<String>,
    pub work_started_on: Option<NaiveDate>,
    pub entered_establishment_on: Option<NaiveDate>,
}

fn coded(name: CodeListName, field: &str, raw: &Option<String>) -> Result<Change<String>, String> {
    match raw.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(text) => parse_code(name, field, text).map(|c| Some(Some(c))),
    }
}

impl PersonFactsInput {
    /// Checks the facts of a person of `category` born on `born`.
    pub fn check(&self, category: StaffCategory, born: NaiveDate) -> Result<PersonFacts, String> {
        let facts = PersonFacts {
            education: coded(CodeListName::Education, "education", &self.education)?,
            degree: coded(CodeListName::Degree, "degree", &self.degree)?,
            ethnicity: coded(CodeListName::Ethnicity, "ethnicity", &self.ethnicity)?,
            political_status: coded(CodeListName::PoliticalStatus, "politicalStatus", &self.political_status)?,
            post_grade: coded(CodeListName::PostGrade, "postGrade", &self.post_grade)?,
            duty: match self.duty.as_deref().map(str::trim) {
                None => None,
                Some("") => Some(None),
                Some(text) => Some(Some(crate::codes::name("duty", text)?)),
            },
            work_started_on: self.work_started_on.map(NaiveDate::from),
            entered_establishment_on: self.entered_establishment_on.map(NaiveDate::from),
        };
        if let Some(Some(grade)) = &facts.post_grade {
            check_grade(grade, category)?;
        }
        let today = chrono::Utc::now().date_naive();
        let sixteen = born.checked_add_months(chrono::Months::new(16 * 12)).unwrap_or(born);
        for (field, day) in
            [("workStartedOn", facts.work_started_on), ("enteredEstablishmentOn", facts.entered_establishment_on)]
        {
            match day {
                Some(day) if day > today => return Err(format!("{field}: the date is in the future")),
                Some(day) if day < sixteen => {
                    return Err(format!("{field}: before the person's sixteenth birthday (the lawful working age)"));
                }
                _ => {}
            }
        }
        if let (Some(started), Some(entered)) = (facts.work_started_on, facts.entered_establishment_on)
            && entered < started
        {
            return Err("enteredEstablishmentOn: before the day the person started work".into());
        }
        Ok(facts)
    }
}

/// A post grade belongs to one staff category: a manager holds a management grade.
pub fn check_grade(grade: &str, category: StaffCategory) -> Result<(), String> {
    match entry(CodeListName::PostGrade, grade).and_then(|c| c.category) {
        Some(of) if of == category => Ok(()),
        _ => Err(format!("postGrade: not a post grade of the person's category: {grade}")),
    }
}

impl PersonFacts {
    /// Writes the facts onto a person's row.
    pub fn apply(self, row: &mut staff::ActiveModel) {
        let fields = [
            (self.education, &mut row.education),
            (self.degree, &mut row.degree),
            (self.ethnicity, &mut row.ethnicity),
            (self.political_status, &mut row.political_status),
            (self.post_grade, &mut row.post_grade),
            (self.duty, &mut row.duty),
        ];
        for (value, column) in fields {
            if let Some(value) = value {
                *column = Set(value);
            }
        }
        if let Some(day) = self.work_started_on {
            row.work_started_on = Set(Some(day));
        }
        if let Some(day) = self.entered_establishment_on {
            row.entered_establishment_on = Set(Some(day));
        }
    }

    /// Whether any fact is given.
    pub fn is_empty(&self) -> bool {
        self.education.is_none()
            && self.degree.is_none()
            && self.ethnicity.is_none()
            && self.political_status.is_none()
            && self.post_grade.is_none()
            && self.duty.is_none()
            && self.work_started_on.is_none()
            && self.entered_establishment_on.is_none()
    }
}

/// A category change keeps the post grade only when it still fits.
pub fn check_category_change(person: &staff::Model, category: StaffCategory) -> ApiResult<()> {
    match &person.post_grade {
        Some(grade) if check_grade(grade, category).is_err() => Err(ApiError::conflict(
            "the person's post grade belongs to their present category: record the new post grade with the change",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_read_whole_with_its_source() {
        let sizes: Vec<usize> = lists().iter().map(|l| l.codes.len()).collect();
        assert_eq!(sizes, vec![33, 4, 58, 13, 29]);
        assert!(lists().iter().all(|l| l.source.contains("GB") || l.source.contains("国人部发")));
        assert_eq!(parse_code(CodeListName::Ethnicity, "ethnicity", "回族").unwrap(), "03");
        assert_eq!(parse_code(CodeListName::Education, "education", "21").unwrap(), "21");
        assert_eq!(entry(CodeListName::Education, "14").unwrap().group, "研究生");
        assert!(parse_code(CodeListName::Ethnicity, "ethnicity", "57").is_err());
        assert_eq!(parse_code(CodeListName::PostGrade, "postGrade", "p7").unwrap(), "P7");
    }

    #[test]
    fn a_grade_fits_its_category_only() {
        assert!(check_grade("M8", StaffCategory::Management).is_ok());
        assert!(check_grade("M8", StaffCategory::ProfessionalTechnical).is_err());
        assert!(check_grade("W0", StaffCategory::LogisticsService).is_ok());
    }
}
