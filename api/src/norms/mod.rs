//! Staffing norms for schools, kindergartens and township health centres (the hospital norm is
//! in [`crate::filing`]): each parameter is a row of `norm_parameter` with its source, each unit
//! a profile of what it serves, and a proposal the norm applied to the profile, term by term.
//!
//! Where the source gives a point (a pupil ratio, staff per thousand served) the proposal's low,
//! norm and high are that point; where it gives a range (kindergartens' 1:5-1:7) they are the
//! range and its middle; where it leaves an addition to the office's discretion (boarders, a
//! sparse area) the addition widens the high end only.

use std::collections::HashMap;

use async_graphql::SimpleObject;
use entity::enums::NormKind;
use entity::{norm_parameter, unit_profile};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::{ApiError, ApiResult};

pub mod graphql;
pub mod profile;
pub mod view;

/// The parameters as stored, by code.
pub struct Parameters(HashMap<String, norm_parameter::Model>);

impl Parameters {
    pub async fn load<C: ConnectionTrait>(db: &C) -> ApiResult<Self> {
        let rows = norm_parameter::Entity::find().all(db).await?;
        Ok(Self(rows.into_iter().map(|row| (row.code.clone(), row)).collect()))
    }

    /// Every parameter, in code order.
    pub fn all(&self) -> Vec<norm_parameter::Model> {
        let mut rows: Vec<_> = self.0.values().cloned().collect();
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        rows
    }

    /// The parameter `code`: its value and source. A missing or non-positive one is the
    /// deployment's fault, not the caller's.
    fn get(&self, code: &str) -> ApiResult<(f64, &str)> {
        match self.0.get(code) {
            Some(row) if row.value > 0.0 => Ok((row.value, row.source.as_str())),
            _ => Err(ApiError::internal(anyhow::anyhow!("staffing norm parameter {code} is missing or not positive"))),
        }
    }
}

/// One term of a proposal: what it counts, how, and the source of the figure used.
#[derive(SimpleObject, Clone, Debug, serde::Serialize)]
pub struct NormTerm {
    /// What the term counts, in Chinese (高中, 寄宿生增配, ...).
    pub label: String,
    /// The computation with its figures, e.g. `1250 ÷ 12.5 = 100.0`.
    pub formula: String,
    /// Staff the term gives, unrounded.
    pub staff: f64,
    /// Whether it counts towards the high end only (what the source leaves to discretion).
    pub high_only: bool,
    pub source: String,
}

/// A unit's staffing under its norm: the lowest, the norm itself and the highest the norm
/// allows, with the terms they are summed from.
#[derive(SimpleObject, Clone, Debug, serde::Serialize)]
pub struct NormProposal {
    pub kind: NormKind,
    pub low: i32,
    pub norm: i32,
    pub high: i32,
    pub terms: Vec<NormTerm>,
}

/// Rounds half up, after clearing the float noise of a division.
fn whole(x: f64) -> i32 {
    ((x * 1e6).round() / 1e6).round() as i32
}

fn one_place(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn term(label: &str, formula: String, staff: f64, high_only: bool, source: &str) -> NormTerm {
    NormTerm { label: label.into(), formula, staff: one_place(staff), high_only, source: source.into() }
}

/// The norm applied to a profile.
pub fn propose(profile: &unit_profile::Model, parameters: &Parameters) -> ApiResult<NormProposal> {
    match profile.kind {
        NormKind::School => school(profile, parameters),
        NormKind::Kindergarten => kindergarten(profile, parameters),
        NormKind::HealthCentre => health_centre(profile, parameters),
    }
}

/// 中央编办发〔2014〕72号: pupils by stage over the stage's ratio; a village school's primary
/// stage by pupils or by classes, whichever gives more; boarders widen the high end.
fn school(p: &unit_profile::Model, parameters: &Parameters) -> ApiResult<NormProposal> {
    let mut terms = Vec::new();
    let mut by_pupils = 0.0;
    let mut norm = 0.0;
    for (pupils, code, label) in [
        (p.pupils_senior, "school.senior.pupils_per_staff", "高中"),
        (p.pupils_junior, "school.junior.pupils_per_staff", "初中"),
        (p.pupils_primary, "school.primary.pupils_per_staff", "小学"),
    ] {
        if pupils == 0 {
            continue;
        }
        let (ratio, source) = parameters.get(code)?;
        let staff = f64::from(pupils) / ratio;
        by_pupils += staff;
        terms.push(term(label, format!("{pupils} ÷ {ratio} = {:.1}", staff), staff, false, source));
        if label == "小学" && p.village && p.classes > 0 {
            let (per_class, source) = parameters.get("school.village.staff_per_class")?;
            let by_classes = f64::from(p.classes) * per_class;
            if by_classes > staff {
                let extra = by_classes - staff;
                terms.push(term(
                    "村小、教学点按班师比补足",
                    format!("{} × {per_class} = {:.1}，较按生师比多 {:.1}", p.classes, by_classes, extra),
                    extra,
                    false,
                    source,
                ));
                norm += extra;
            }
        }
    }
    norm += by_pupils;
    let mut high = norm;
    if p.boarders > 0 {
        let (per_staff, source) = parameters.get("school.boarding.boarders_per_staff")?;
        let extra = f64::from(p.boarders) / per_staff;
        terms.push(term("寄宿生增配", format!("{} ÷ {per_staff} = {:.1}", p.boarders, extra), extra, true, source));
        high += extra;
    }
    Ok(NormProposal { kind: p.kind, low: whole(by_pupils), norm: whole(norm), high: whole(high), terms })
}

/// 教师〔2013〕1号: children over the range of its ratio (full-day or half-day); a boarding
/// kindergarten adds staff per class to all three; a single class has at least its minimum.
fn kindergarten(p: &unit_profile::Model, parameters: &Parameters) -> ApiResult<NormProposal> {
    let day = if p.half_day { "half_day" } else { "full_day" };
    let label = if p.half_day { "半日制幼儿" } else { "全日制幼儿" };
    let (fewest, source) = parameters.get(&format!("kindergarten.{day}.children_per_staff_low"))?;
    let (middle, _) = parameters.get(&format!("kindergarten.{day}.children_per_staff"))?;
    let (most, _) = parameters.get(&format!("kindergarten.{day}.children_per_staff_high"))?;
    let children = f64::from(p.children);
    let mut range = [children / fewest, children / middle, children / most];
    let mut terms = vec![term(
        label,
        format!("{} ÷ {middle} = {:.1}（{} ÷ {fewest} 至 {} ÷ {most}）", p.children, range[1], p.children, p.children),
        range[1],
        false,
        source,
    )];
    if p.boarders > 0 && p.classes > 0 {
        let (per_class, source) = parameters.get("kindergarten.boarding.staff_per_class")?;
        let extra = f64::from(p.classes) * per_class;
        terms.push(term("寄宿制每班增配", format!("{} × {per_class} = {:.1}", p.classes, extra), extra, false, source));
        range = range.map(|x| x + extra);
    }
    if p.classes == 1 {
        let (least, source) = parameters.get("kindergarten.single_class.min_staff")?;
        if range[0] < least {
            terms.push(term("单班最少配备", format!("至少 {least}"), (least - range[1]).max(0.0), false, source));
        }
        range = range.map(|x| x.max(least));
    }
    Ok(NormProposal { kind: p.kind, low: whole(range[0]), norm: whole(range[1]), high: whole(range[2]), terms })
}

/// The 2011 guideline: about 1 per 1,000 served; a sparse area's higher rate widens the high end.
fn health_centre(p: &unit_profile::Model, parameters: &Parameters) -> ApiResult<NormProposal> {
    let (rate, source) = parameters.get("health_centre.staff_per_thousand")?;
    let served = f64::from(p.population_served);
    let norm = served / 1000.0 * rate;
    let mut terms =
        vec![term("服务人口", format!("{} ÷ 1000 × {rate} = {:.1}", p.population_served, norm), norm, false, source)];
    let mut high = norm;
    if p.sparse {
        let (sparse, source) = parameters.get("health_centre.sparse_staff_per_thousand")?;
        let extra = (served / 1000.0 * sparse - norm).max(0.0);
        terms.push(term(
            "地广人稀上浮",
            format!("{} ÷ 1000 × {sparse} − {:.1} = {:.1}", p.population_served, norm, extra),
            extra,
            true,
            source,
        ));
        high += extra;
    }
    Ok(NormProposal { kind: p.kind, low: whole(norm), norm: whole(norm), high: whole(high), terms })
}
