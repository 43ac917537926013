//! Results of a round, computed in one pass over its scores: per indicator the mean of the
//! members' scores (dropping the highest and the lowest when five or more scored; within each
//! group first when the set weighs the committee's groups), the weighted total out of 100, the
//! grade, the rank within the sector, and completeness. A grade is earned: an institution with
//! an indicator (or a weighted group) nobody scored has no total and no grade.

use std::collections::{HashMap, HashSet};

use entity::enums::{Grade, IndicatorCategory, MemberGroup, Sector};
use entity::{group_weight, indicator, indicator_set};

/// Whether an indicator applies to an institution of `sector`.
pub fn applies(indicator: &indicator::Model, sector: Sector) -> bool {
    match indicator.category {
        IndicatorCategory::Common | IndicatorCategory::Public => true,
        IndicatorCategory::Sector => sectors_of(indicator).contains(&sector),
    }
}

pub fn sectors_of(indicator: &indicator::Model) -> Vec<Sector> {
    let words: Vec<String> = serde_json::from_str(&indicator.sectors).unwrap_or_default();
    words.iter().filter_map(|w| Sector::from_word(w)).collect()
}

/// The sectors whose applicable weights do not sum to 100, with their sums.
pub fn weight_errors(indicators: &[indicator::Model], sectors: &[Sector]) -> Vec<(Sector, f64)> {
    let mut errors = Vec::new();
    for sector in sectors {
        let sum: f64 = indicators.iter().filter(|i| applies(i, *sector)).map(|i| i.weight).sum();
        if (sum - 100.0).abs() > 1e-6 {
            errors.push((*sector, sum));
        }
    }
    errors
}

pub fn grade(total: f64, set: &indicator_set::Model) -> Grade {
    if total >= set.excellent_threshold {
        Grade::Excellent
    } else if total >= set.good_threshold {
        Grade::Good
    } else if total >= set.pass_threshold {
        Grade::Pass
    } else {
        Grade::Fail
    }
}

/// The mean used for an indicator: with five or more scores the highest and the lowest are
/// dropped first.
pub fn trimmed_mean(scores: &[f64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let kept = if sorted.len() >= 5 { &sorted[1..sorted.len() - 1] } else { &sorted[..] };
    Some(kept.iter().sum::<f64>() / kept.len() as f64)
}

/// The groups whose scores an indicator combines, with their weights: the indicator's own
/// weights if it has any, else its category's; `None` pools every member's score alike.
pub fn group_weights_of<'a>(
    indicator: &indicator::Model,
    weights: &'a [group_weight::Model],
) -> Option<Vec<&'a group_weight::Model>> {
    let own: Vec<&group_weight::Model> = weights.iter().filter(|w| w.indicator_id == Some(indicator.id)).collect();
    if !own.is_empty() {
        return Some(own);
    }
    let category: Vec<&group_weight::Model> =
        weights.iter().filter(|w| w.indicator_id.is_none() && w.category == Some(indicator.category)).collect();
    (!category.is_empty()).then_some(category)
}

#[derive(Debug, Clone)]
pub struct GroupMean {
    pub group: MemberGroup,
    pub weight: f64,
    pub mean: Option<f64>,
    pub scored_by: usize,
}

#[derive(Debug, Clone)]
pub struct IndicatorMean {
    pub indicator_id: i32,
    /// Over every group that scored (weighted when the set weighs groups); `None` when nobody did.
    pub mean: Option<f64>,
    pub scored_by: usize,
    /// Per weighted group: its weight, its own (trimmed) mean and how many scored.
    pub groups: Vec<GroupMean>,
    /// Weighted groups nobody of which scored: the indicator is incomplete.
    pub missing_groups: Vec<MemberGroup>,
}

impl IndicatorMean {
    pub fn complete(&self) -> bool {
        self.mean.is_some() && self.missing_groups.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct InstitutionResult {
    pub institution_id: i32,
    pub sector: Sector,
    pub indicators: Vec<IndicatorMean>,
    /// Weighted total out of 100: only for an institution every applicable indicator (and each
    /// weighted group) was scored for, and not excluded.
    pub total: Option<f64>,
    pub grade: Option<Grade>,
    pub sector_rank: Option<i32>,
    pub complete: bool,
    /// Why the office left it out of the results.
    pub excluded: Option<String>,
    /// The scores the figures stand on.
    pub score_count: usize,
}

pub struct RoundInputs<'a> {
    pub set: &'a indicator_set::Model,
    pub indicators: &'a [indicator::Model],
    pub weights: &'a [group_weight::Model],
    /// (institution id, sector, excluded with this reason)
    pub institutions: &'a [(i32, Sector, Option<String>)],
    /// The committee's members and their groups.
    pub members: &'a HashMap<i32, MemberGroup>,
    /// (member id, institution id): recused pairs, whose scores never count.
    pub recusals: &'a HashSet<(i32, i32)>,
    /// (member id, institution id, indicator id, value), corrections applied.
    pub scores: &'a [(i32, i32, i32, f64)],
}

/// One indicator's mean at one institution: the trimmed mean of all scores, or, when the set
/// weighs groups, the trimmed mean within each group combined by the groups' weights (over the
/// groups that scored; the others are reported missing).
fn indicator_mean(
    indicator: &indicator::Model,
    scores: &[(MemberGroup, f64)],
    weights: &[group_weight::Model],
) -> IndicatorMean {
    let all: Vec<f64> = scores.iter().map(|(_, v)| *v).collect();
    let Some(groups) = group_weights_of(indicator, weights) else {
        return IndicatorMean {
            indicator_id: indicator.id,
            mean: trimmed_mean(&all),
            scored_by: all.len(),
            groups: Vec::new(),
            missing_groups: Vec::new(),
        };
    };
    let mut means = Vec::new();
    let mut missing = Vec::new();
    let (mut sum, mut weight_scored) = (0.0, 0.0);
    for w in groups.iter().filter(|w| w.weight > 0.0) {
        let own: Vec<f64> = scores.iter().filter(|(g, _)| *g == w.member_group).map(|(_, v)| *v).collect();
        let mean = trimmed_mean(&own);
        match mean {
            Some(m) => {
                sum += w.weight * m;
                weight_scored += w.weight;
            }
            None => missing.push(w.member_group),
        }
        means.push(GroupMean { group: w.member_group, weight: w.weight, mean, scored_by: own.len() });
    }
    let counted: usize = means.iter().map(|g| g.scored_by).sum();
    IndicatorMean {
        indicator_id: indicator.id,
        mean: (weight_scored > 0.0).then(|| sum / weight_scored),
        scored_by: counted,
        groups: means,
        missing_groups: missing,
    }
}

pub fn compute(inputs: &RoundInputs<'_>) -> Vec<InstitutionResult> {
    let mut by_cell: HashMap<(i32, i32), Vec<(MemberGroup, f64)>> = HashMap::new();
    for (member, institution, indicator, value) in inputs.scores {
        if inputs.recusals.contains(&(*member, *institution)) {
            continue;
        }
        // A score of someone no longer on the committee does not count.
        let Some(group) = inputs.members.get(member) else { continue };
        by_cell.entry((*institution, *indicator)).or_default().push((*group, *value));
    }
    let mut results: Vec<InstitutionResult> = inputs
        .institutions
        .iter()
        .map(|(institution_id, sector, excluded)| {
            let indicators: Vec<IndicatorMean> = inputs
                .indicators
                .iter()
                .filter(|i| applies(i, *sector))
                .map(|i| {
                    let scores = by_cell.get(&(*institution_id, i.id)).map_or(&[][..], Vec::as_slice);
                    indicator_mean(i, scores, inputs.weights)
                })
                .collect();
            let complete = indicators.iter().all(IndicatorMean::complete);
            let score_count = indicators.iter().map(|m| m.scored_by).sum();
            let total = (complete && excluded.is_none()).then(|| {
                let sum: f64 = indicators
                    .iter()
                    .zip(inputs.indicators.iter().filter(|i| applies(i, *sector)))
                    .map(|(m, i)| {
                        i.weight * (m.mean.unwrap_or(i.min_score) - i.min_score) / (i.max_score - i.min_score)
                    })
                    .sum();
                (sum * 100.0).round() / 100.0
            });
            InstitutionResult {
                institution_id: *institution_id,
                sector: *sector,
                indicators,
                total,
                grade: total.map(|t| grade(t, inputs.set)),
                sector_rank: None,
                complete,
                excluded: excluded.clone(),
                score_count,
            }
        })
        .collect();
    // Competition ranking within each sector among the graded: equal totals share a rank.
    let totals: Vec<(Sector, f64)> = results.iter().filter_map(|r| Some((r.sector, r.total?))).collect();
    for result in results.iter_mut() {
        if let Some(total) = result.total {
            let better = totals.iter().filter(|(s, t)| *s == result.sector && *t > total).count();
            result.sector_rank = Some(better as i32 + 1);
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_or_more_scores_drop_the_extremes() {
        assert_eq!(trimmed_mean(&[80.0, 90.0, 70.0, 100.0, 60.0]), Some(80.0));
        assert_eq!(trimmed_mean(&[80.0, 90.0, 70.0, 100.0]), Some(85.0));
        assert_eq!(trimmed_mean(&[]), None);
    }
}
