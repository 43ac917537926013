//! Overlapping responsibilities (职责交叉): institutions of one jurisdiction whose duty texts
//! say the same thing. Each responsibilities text is split into its duties; two duties
//! overlap when their wording (character bigrams, with the words every duty uses removed)
//! mostly coincides. Candidate pairs come from an inverted index over the bigrams, so the
//! work grows with the overlaps there are, not with the square of the institutions.

use std::collections::{HashMap, HashSet};

use async_graphql::SimpleObject;
use entity::institution;

use crate::institution::Institution;

/// Words that carry no duty of their own: verbs of office, place words, "work".
const FILLER: [&str; 16] = [
    "负责", "承担", "开展", "组织", "全市", "全县", "全区", "本市", "本县", "工作", "相关", "有关", "协助", "参与",
    "落实", "等",
];

/// One duty of an institution that coincides with one of the other's.
#[derive(SimpleObject, Clone, Debug)]
pub struct DutyPair {
    pub duty: String,
    pub other_duty: String,
    pub similarity: f64,
}

/// A pair of institutions whose duties overlap, with the duties that do.
#[derive(SimpleObject)]
pub struct Overlap {
    pub institution: Institution,
    pub other: Institution,
    /// The share of the smaller duty list that overlaps the other's.
    pub figure: f64,
    pub detail: String,
    pub duties: Vec<DutyPair>,
}

/// The duties of a responsibilities text: its sentences and clauses.
pub fn split_duties(text: &str) -> Vec<String> {
    text.split(['；', ';', '。', '\n'])
        .map(|d| without_number(d.trim()))
        .filter(|d| d.chars().count() >= 4)
        .map(str::to_string)
        .collect()
}

/// A duty without its leading number: "（一）", "1.", "二、".
fn without_number(duty: &str) -> &str {
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let rest = duty.trim_start_matches(['（', '(']);
    let after = rest.trim_start_matches(numeral);
    if after.len() == rest.len() {
        return duty;
    }
    match after.strip_prefix(['）', ')', '、', '.', '．']) {
        Some(text) => text.trim(),
        None => duty,
    }
}

fn bigrams(duty: &str) -> HashSet<String> {
    let mut text = duty.to_string();
    for word in FILLER {
        text = text.replace(word, " ");
    }
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| w.iter().all(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !"，、：".contains(*c)))
        .map(|w| w.iter().collect())
        .collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 { 0.0 } else { a.intersection(b).count() as f64 / union as f64 }
}

struct Duty {
    institution: usize,
    text: String,
    grams: HashSet<String>,
}

/// Overlapping pairs among `rows` (compared within each jurisdiction only), best first.
pub fn overlaps(rows: &[institution::Model], min_similarity: f64) -> Vec<Overlap> {
    let mut duties: Vec<Duty> = Vec::new();
    let mut count: Vec<usize> = vec![0; rows.len()];
    for (i, row) in rows.iter().enumerate() {
        for text in split_duties(&row.responsibilities) {
            let grams = bigrams(&text);
            if grams.len() >= 2 {
                duties.push(Duty { institution: i, text, grams });
                count[i] += 1;
            }
        }
    }
    // Inverted index per jurisdiction: bigram -> duties using it.
    let mut index: HashMap<(i32, &str), Vec<usize>> = HashMap::new();
    for (d, duty) in duties.iter().enumerate() {
        let place = rows[duty.institution].jurisdiction_id;
        for gram in &duty.grams {
            index.entry((place, gram.as_str())).or_default().push(d);
        }
    }
    let mut pairs: HashMap<(usize, usize), Vec<DutyPair>> = HashMap::new();
    for (d, duty) in duties.iter().enumerate() {
        let place = rows[duty.institution].jurisdiction_id;
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for gram in &duty.grams {
            for &e in &index[&(place, gram.as_str())] {
                if e > d && duties[e].institution != duty.institution {
                    *shared.entry(e).or_default() += 1;
                }
            }
        }
        for (e, n) in shared {
            let other = &duties[e];
            // Jaccard can reach the threshold only when enough bigrams are shared.
            if (n as f64) < min_similarity * duty.grams.len().max(other.grams.len()) as f64 {
                continue;
            }
            let similarity = jaccard(&duty.grams, &other.grams);
            if similarity >= min_similarity {
                let (a, b) = (duty.institution, other.institution);
                let (key, pair) = if a < b {
                    ((a, b), DutyPair { duty: duty.text.clone(), other_duty: other.text.clone(), similarity })
                } else {
                    ((b, a), DutyPair { duty: other.text.clone(), other_duty: duty.text.clone(), similarity })
                };
                pairs.entry(key).or_default().push(pair);
            }
        }
    }
    let mut out: Vec<Overlap> = pairs
        .into_iter()
        .map(|((a, b), mut list)| {
            list.sort_by(|x, y| y.similarity.total_cmp(&x.similarity));
            for pair in &mut list {
                pair.similarity = (pair.similarity * 1000.0).round() / 1000.0;
            }
            let overlapping: HashSet<&str> = list.iter().map(|p| p.duty.as_str()).collect();
            let smaller = count[a].min(count[b]).max(1);
            let figure = (overlapping.len().min(smaller) as f64 / smaller as f64 * 1000.0).round() / 1000.0;
            let quoted: Vec<String> = list.iter().map(|p| format!("「{}」/「{}」", p.duty, p.other_duty)).collect();
            let detail = format!(
                "{} of {}'s {} duties overlap {}: {}",
                overlapping.len(),
                rows[a].name,
                count[a],
                rows[b].name,
                quoted.join("; ")
            );
            Overlap {
                institution: Institution(rows[a].clone()),
                other: Institution(rows[b].clone()),
                figure,
                detail,
                duties: list,
            }
        })
        .collect();
    out.sort_by(|x, y| y.figure.total_cmp(&x.figure).then_with(|| x.institution.0.name.cmp(&y.institution.0.name)));
    out.truncate(200);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duties_split_on_chinese_and_ascii_separators_and_lose_their_numbers() {
        let duties =
            split_duties("（一）组织开展群众文化活动；2.负责书画展览。\n三、承担文艺培训；一站式办理政务服务事项");
        assert_eq!(duties, vec!["组织开展群众文化活动", "负责书画展览", "承担文艺培训", "一站式办理政务服务事项"]);
    }

    #[test]
    fn near_identical_duties_are_similar_and_different_ones_are_not() {
        let a = bigrams("组织开展群众性书画创作、展览和交流活动");
        let b = bigrams("组织开展群众书画创作和展览交流活动");
        let c = bigrams("负责全市农作物病虫害监测预报和防控技术指导");
        assert!(jaccard(&a, &b) >= 0.5, "{}", jaccard(&a, &b));
        assert!(jaccard(&a, &c) < 0.1);
    }
}
