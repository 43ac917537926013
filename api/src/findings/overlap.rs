//! Overlapping responsibilities (职责交叉): institutions of one jurisdiction whose duty texts
//! say the same thing. Each responsibilities text is split into its duties; two duties
//! overlap when their wording (character bigrams, with the words every duty uses removed)
//! mostly coincides. Candidate pairs come from an inverted index over each duty's rarest
//! bigrams only (prefix filtering: a pair that reaches the threshold must share one of them),
//! so words many duties use do not make every duty a candidate of every other.

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
#[graphql(complex)]
pub struct Overlap {
    pub institution: Institution,
    pub other: Institution,
    /// The share of the smaller duty list that overlaps the other's.
    pub figure: f64,
    #[graphql(skip)]
    pub detail_zh: String,
    #[graphql(skip)]
    pub detail_en: String,
    pub duties: Vec<DutyPair>,
}

#[async_graphql::ComplexObject]
impl Overlap {
    /// The overlap in a sentence, in the client's language (Chinese with `Accept-Language: zh…`).
    async fn detail(&self, ctx: &async_graphql::Context<'_>) -> &str {
        if super::reads_chinese(ctx) { &self.detail_zh } else { &self.detail_en }
    }
    async fn detail_zh(&self) -> &str {
        &self.detail_zh
    }
    async fn detail_en(&self) -> &str {
        &self.detail_en
    }
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

/// Jaccard similarity of two sorted, distinct id lists.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    if union == 0 { 0.0 } else { shared as f64 / union as f64 }
}

struct Duty {
    institution: usize,
    text: String,
    /// Its bigrams as ids, rarest first (the order the prefix filter needs).
    grams: Vec<u32>,
}

/// How many of a duty's rarest bigrams another duty must share one of to reach `threshold`:
/// two sets with Jaccard at least t share at least ceil(t·n) of the n bigrams of each, so the
/// first n - ceil(t·n) + 1 of each (in one global order) have one in common (prefix filtering).
fn prefix_len(n: usize, threshold: f64) -> usize {
    if threshold <= 0.0 {
        return n;
    }
    // A hair below the product, so float error can only lengthen the prefix.
    let needed = ((threshold * n as f64) - 1e-9).ceil().max(0.0) as usize;
    (n + 1).saturating_sub(needed).clamp(1, n.max(1))
}

/// Each pair of institutions (by index, smaller first) with the duties of theirs that reach
/// `min_similarity`, comparing institutions of one place only; and how many duties each has.
type Matches = (HashMap<(usize, usize), Vec<DutyPair>>, Vec<usize>);

/// The matching duties among institutions given as (place, responsibilities text).
fn matching_duties(institutions: &[(i32, &str)], min_similarity: f64) -> Matches {
    let mut texts: Vec<(usize, String, HashSet<String>)> = Vec::new();
    let mut count: Vec<usize> = vec![0; institutions.len()];
    let mut frequency: HashMap<String, usize> = HashMap::new();
    for (i, (_, responsibilities)) in institutions.iter().enumerate() {
        for text in split_duties(responsibilities) {
            let grams = bigrams(&text);
            if grams.len() >= 2 {
                for gram in &grams {
                    *frequency.entry(gram.clone()).or_default() += 1;
                }
                texts.push((i, text, grams));
                count[i] += 1;
            }
        }
    }
    // Bigram ids by ascending frequency: id order is rarest first.
    let mut order: Vec<(&String, &usize)> = frequency.iter().collect();
    order.sort_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(b.0)));
    let ids: HashMap<&str, u32> = order.iter().enumerate().map(|(n, (gram, _))| (gram.as_str(), n as u32)).collect();
    let duties: Vec<Duty> = texts
        .iter()
        .map(|(institution, text, grams)| {
            let mut list: Vec<u32> = grams.iter().map(|g| ids[g.as_str()]).collect();
            list.sort_unstable();
            Duty { institution: *institution, text: text.clone(), grams: list }
        })
        .collect();

    // Each duty is compared with the earlier duties of its jurisdiction that share a bigram
    // of its prefix, then its own prefix is indexed.
    let mut index: HashMap<(i32, u32), Vec<usize>> = HashMap::new();
    let mut pairs: HashMap<(usize, usize), Vec<DutyPair>> = HashMap::new();
    for (d, duty) in duties.iter().enumerate() {
        let place = institutions[duty.institution].0;
        let prefix = &duty.grams[..prefix_len(duty.grams.len(), min_similarity)];
        let mut candidates: HashSet<usize> = HashSet::new();
        for gram in prefix {
            if let Some(list) = index.get(&(place, *gram)) {
                candidates.extend(list.iter().copied().filter(|e| duties[*e].institution != duty.institution));
            }
            index.entry((place, *gram)).or_default().push(d);
        }
        for e in candidates {
            let other = &duties[e];
            let (small, large) = {
                let (x, y) = (duty.grams.len(), other.grams.len());
                (x.min(y) as f64, x.max(y) as f64)
            };
            // Jaccard is at most the ratio of the sizes.
            if small < min_similarity * large {
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
    (pairs, count)
}

/// Overlapping pairs among `rows` (compared within each jurisdiction only), best first.
pub fn overlaps(rows: &[institution::Model], min_similarity: f64) -> Vec<Overlap> {
    let places: Vec<(i32, &str)> = rows.iter().map(|r| (r.jurisdiction_id, r.responsibilities.as_str())).collect();
    let (pairs, count) = matching_duties(&places, min_similarity);
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
            let (n, of) = (overlapping.len(), count[a]);
            let detail_zh =
                format!("{}的{of}项职责中有{n}项与{}交叉：{}", rows[a].name, rows[b].name, quoted.join("；"));
            let detail_en =
                format!("{n} of {}'s {of} duties overlap {}: {}", rows[a].name, rows[b].name, quoted.join("; "));
            Overlap {
                institution: Institution(rows[a].clone()),
                other: Institution(rows[b].clone()),
                figure,
                detail_zh,
                detail_en,
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

    /// The prefix filter finds exactly the pairs comparing every duty with every other does.
    #[test]
    fn the_prefix_filter_misses_no_pair_that_comparing_everything_finds() {
        // Duties drawn from a small vocabulary, so many share bigrams and many overlap.
        let vocabulary = ["文化", "体育", "卫生", "监测", "服务", "培训", "检验", "推广", "水利", "农业"];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let texts: Vec<String> = (0..60)
            .map(|_| {
                (0..3)
                    .map(|_| (0..2 + next(4)).map(|_| vocabulary[next(vocabulary.len())]).collect::<String>())
                    .collect::<Vec<_>>()
                    .join("；")
            })
            .collect();
        let institutions: Vec<(i32, &str)> =
            texts.iter().enumerate().map(|(i, t)| ((i % 2) as i32, t.as_str())).collect();
        for threshold in [0.2, 0.34, 0.5, 0.75, 1.0] {
            let (found, _) = matching_duties(&institutions, threshold);
            let mut expected: HashSet<(usize, usize, String, String)> = HashSet::new();
            for a in 0..institutions.len() {
                for b in a + 1..institutions.len() {
                    if institutions[a].0 != institutions[b].0 {
                        continue;
                    }
                    for x in split_duties(institutions[a].1) {
                        for y in split_duties(institutions[b].1) {
                            let (gx, gy) = (bigrams(&x), bigrams(&y));
                            if gx.len() < 2 || gy.len() < 2 {
                                continue;
                            }
                            let union = gx.union(&gy).count();
                            let similarity = gx.intersection(&gy).count() as f64 / union as f64;
                            if similarity >= threshold {
                                expected.insert((a, b, x.clone(), y.clone()));
                            }
                        }
                    }
                }
            }
            let got: HashSet<(usize, usize, String, String)> = found
                .iter()
                .flat_map(|((a, b), list)| list.iter().map(|p| (*a, *b, p.duty.clone(), p.other_duty.clone())))
                .collect();
            assert!(!expected.is_empty(), "the sample must overlap at {threshold}");
            assert_eq!(got, expected, "threshold {threshold}");
        }
    }

    #[test]
    fn near_identical_duties_are_similar_and_different_ones_are_not() {
        let texts = [
            "组织开展群众性书画创作、展览和交流活动",
            "组织开展群众书画创作和展览交流活动",
            "负责全市农作物病虫害监测预报和防控技术指导",
        ];
        let mut ids: HashMap<String, u32> = HashMap::new();
        let sets: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| {
                let mut list: Vec<u32> = bigrams(t)
                    .into_iter()
                    .map(|g| {
                        let next = ids.len() as u32;
                        *ids.entry(g).or_insert(next)
                    })
                    .collect();
                list.sort_unstable();
                list
            })
            .collect();
        assert!(jaccard(&sets[0], &sets[1]) >= 0.5, "{}", jaccard(&sets[0], &sets[1]));
        assert!(jaccard(&sets[0], &sets[2]) < 0.1);
    }
}
