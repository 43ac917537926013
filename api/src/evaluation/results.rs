//! Results of a round, computed in one pass over its scores: per indicator the mean of the
//! members' scores (dropping the highest and the lowest when five or more scored), the
//! weighted total out of 100, the grade, the rank within the sector, and completeness.

use std::collections::{HashMap, HashSet};

use entity::enums::{Grade, IndicatorCategory, Sector};
use entity::{indicator, indicator_set};

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

#[derive(Debug, Clone)]
pub struct IndicatorMean {
    pub indicator_id: i32,
    pub mean: Option<f64>,
    pub scored_by: usize,
}

#[derive(Debug, Clone)]
pub struct InstitutionResult {
    pub institution_id: i32,
    pub sector: Sector,
    pub indicators: Vec<IndicatorMean>,
    pub total: f64,
    pub grade: Grade,
    pub sector_rank: i32,
    /// Every applicable indicator has at least one score.
    pub complete: bool,
}

pub struct RoundInputs<'a> {
    pub set: &'a indicator_set::Model,
    pub indicators: &'a [indicator::Model],
    /// (institution id, sector)
    pub institutions: &'a [(i32, Sector)],
    /// (member id, institution id): recused pairs, whose scores never count.
    pub recusals: &'a HashSet<(i32, i32)>,
    /// (member id, institution id, indicator id, value), corrections applied.
    pub scores: &'a [(i32, i32, i32, f64)],
}

pub fn compute(inputs: &RoundInputs<'_>) -> Vec<InstitutionResult> {
    let mut by_cell: HashMap<(i32, i32), Vec<f64>> = HashMap::new();
    for (member, institution, indicator, value) in inputs.scores {
        if !inputs.recusals.contains(&(*member, *institution)) {
            by_cell.entry((*institution, *indicator)).or_default().push(*value);
        }
    }
    let mut results: Vec<InstitutionResult> = inputs
        .institutions
        .iter()
        .map(|(institution_id, sector)| {
            let mut total = 0.0;
            let mut complete = true;
            let indicators = inputs
                .indicators
                .iter()
                .filter(|i| applies(i, *sector))
                .map(|i| {
                    let scores = by_cell.get(&(*institution_id, i.id)).cloned().unwrap_or_default();
                    let mean = trimmed_mean(&scores);
                    match mean {
                        Some(mean) if i.max_score > i.min_score => {
                            total += i.weight * (mean - i.min_score) / (i.max_score - i.min_score);
                        }
                        Some(_) => {}
                        None => complete = false,
                    }
                    IndicatorMean { indicator_id: i.id, mean, scored_by: scores.len() }
                })
                .collect();
            let total = (total * 100.0).round() / 100.0;
            InstitutionResult {
                institution_id: *institution_id,
                sector: *sector,
                indicators,
                total,
                grade: grade(total, inputs.set),
                sector_rank: 0,
                complete,
            }
        })
        .collect();
    // Competition ranking within each sector: equal totals share a rank.
    let totals: Vec<(Sector, f64)> = results.iter().map(|r| (r.sector, r.total)).collect();
    for result in results.iter_mut() {
        let better = totals.iter().filter(|(s, t)| *s == result.sector && *t > result.total).count();
        result.sector_rank = better as i32 + 1;
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
