//! Sound suppression (CONTRACT.md, "Disclosure releases"): which records of a release withhold
//! their people figures, and the audit showing that nothing withheld can be recovered, exactly
//! or within less than the threshold, from what is public.
//!
//! What the public is assumed to know (the attacker's knowledge, stated in docs/offices.md):
//! - per record, staff = management + professional-technical + logistics, and
//!   staff + vacant − over establishment = the record's usable slots (approved and borrowed,
//!   less frozen and deposited: decided in public documents, so taken as known);
//! - per column, every published total of every release of the jurisdiction;
//! - every earlier release's published figures, and, for each record whose figures did not
//!   change from one of its releases to the next, that they did not (the strongest reading of
//!   `releaseChanges`);
//! - that every count is at least zero.
//!
//! A record is withheld whole: staff, its three categories, temporary staff, vacancies and the
//! size band. Each withheld figure's feasible interval is found by linear programming. A record
//! withheld in several releases in a row without changing is one set of unknowns in all of
//! them (a *run*); a run whose figures some release published is known. Runs are coupled only
//! through column totals, and the runs of one group (those withheld in exactly the same
//! releases) sum to a set of the same shape with their usable slots summed: any such sum
//! splits back into records (over establishment all to one record, then staff against
//! vacancies and the categories against staff are transport problems with matching totals).
//! So each bound is a program over the figure's own run and one sum per group, a few dozen
//! variables however large the releases.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::Enum;
use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use serde::{Deserialize, Serialize};

/// Figures of a record, in this order.
pub const STAFF: usize = 0;
pub const MANAGEMENT: usize = 1;
pub const TECHNICAL: usize = 2;
pub const LOGISTICS: usize = 3;
pub const TEMPORARY: usize = 4;
pub const VACANT: usize = 5;
/// Over establishment: never published per record, only as a total.
pub const OVER: usize = 6;
pub const FIGURES: usize = 7;
/// The figures a record publishes (all but over establishment).
const PUBLISHED: usize = 6;
/// The figures whose small values single out people.
const PEOPLE: [usize; 5] = [STAFF, MANAGEMENT, TECHNICAL, LOGISTICS, TEMPORARY];

/// A withheld figure, as the audit names it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AuditField {
    StaffInEstablishment,
    Management,
    ProfessionalTechnical,
    LogisticsService,
    Temporary,
    Vacant,
}

impl AuditField {
    pub const ALL: [AuditField; PUBLISHED] = [
        Self::StaffInEstablishment,
        Self::Management,
        Self::ProfessionalTechnical,
        Self::LogisticsService,
        Self::Temporary,
        Self::Vacant,
    ];
}

/// One record's true figures when the release was made.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    #[serde(rename = "i")]
    pub institution_id: i32,
    #[serde(rename = "f")]
    pub values: [i64; FIGURES],
    /// Usable slots: staff + vacant − over establishment.
    #[serde(rename = "k")]
    pub usable: i64,
    #[serde(rename = "h")]
    pub hidden: bool,
}

impl Record {
    pub fn new(institution_id: i32, values: [i64; FIGURES]) -> Self {
        let usable = values[STAFF] + values[VACANT] - values[OVER];
        Self { institution_id, values, usable, hidden: false }
    }

    /// Whether a person could be singled out by one of its counts.
    fn small(&self, threshold: i64) -> bool {
        PEOPLE.iter().any(|f| (1..threshold).contains(&self.values[*f]))
    }

    fn unchanged(&self, other: &Record) -> bool {
        self.values == other.values && self.usable == other.usable
    }

    fn same_published(&self, other: &Record) -> bool {
        self.values[..PUBLISHED] == other.values[..PUBLISHED]
    }
}

/// What a release was chosen from: its threshold, its records and its published column totals.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct Basis {
    pub threshold: i64,
    pub records: Vec<Record>,
    /// Each figure's published total over the release (`None` where withheld).
    pub totals: [Option<i64>; FIGURES],
}

/// A withheld figure's feasible interval: `high` is `None` when nothing public bounds it.
#[derive(Clone, Debug)]
pub struct Bound {
    /// The release the figure belongs to, as an index into the releases audited together
    /// (the latest release its run is withheld in).
    pub release: usize,
    pub institution_id: i32,
    pub field: usize,
    pub value: i64,
    pub low: i64,
    pub high: Option<i64>,
    /// The width it needs: the highest threshold of the releases that withhold it.
    pub threshold: i64,
}

impl Bound {
    pub fn width(&self) -> Option<i64> {
        self.high.map(|h| h - self.low)
    }

    pub fn sound(&self) -> bool {
        self.width().is_none_or(|w| w >= self.threshold)
    }
}

/// The releases a run is withheld in (indices, ascending): runs of one group appear in exactly
/// the same column totals.
type Group = Vec<usize>;

/// Every release's withheld runs sorted into groups, and the records withheld in vain (their
/// figures are known from a release that published them unchanged).
struct Joint<'a> {
    releases: &'a [&'a Basis],
    members: Vec<(Group, &'a Record)>,
    exposed: Vec<(usize, &'a Record)>,
    /// Usable slots summed per group, and how many runs each has.
    groups: HashMap<Group, (i64, usize)>,
    /// Per release, each figure's withheld total (the published total less what is published).
    residual: Vec<[Option<i64>; FIGURES]>,
}

/// Splits a record's appearances (release index, record) where `same` fails between two in a row.
fn runs<'a>(history: &[(usize, &'a Record)], same: impl Fn(&Record, &Record) -> bool) -> Vec<Vec<(usize, &'a Record)>> {
    let mut out: Vec<Vec<(usize, &Record)>> = Vec::new();
    for &(t, r) in history {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|(_, p)| same(p, r)) => run.push((t, r)),
            _ => out.push(vec![(t, r)]),
        }
    }
    out
}

impl<'a> Joint<'a> {
    fn of(releases: &'a [&'a Basis]) -> Self {
        let mut histories: BTreeMap<i32, Vec<(usize, &Record)>> = BTreeMap::new();
        for (t, basis) in releases.iter().enumerate() {
            for r in &basis.records {
                histories.entry(r.institution_id).or_default().push((t, r));
            }
        }
        let mut members = Vec::new();
        let mut exposed = Vec::new();
        for history in histories.values() {
            // What one release published is known in every release after or before it that
            // publishes the same figures or withholds them unchanged.
            for chain in runs(history, Record::same_published) {
                if chain.iter().any(|(_, r)| !r.hidden) {
                    exposed.extend(chain.iter().filter(|(_, r)| r.hidden).copied());
                    continue;
                }
                for run in runs(&chain, Record::unchanged) {
                    let group: Group = run.iter().map(|(t, _)| *t).collect();
                    members.push((group, run[run.len() - 1].1));
                }
            }
        }
        let mut groups: HashMap<Group, (i64, usize)> = HashMap::new();
        for (g, r) in &members {
            let entry = groups.entry(g.clone()).or_default();
            entry.0 += r.usable;
            entry.1 += 1;
        }
        let residual = releases
            .iter()
            .enumerate()
            .map(|(t, basis)| {
                let mut out = [None; FIGURES];
                for (f, total) in basis.totals.iter().enumerate() {
                    if total.is_some() {
                        out[f] = Some(members.iter().filter(|(g, _)| g.contains(&t)).map(|(_, r)| r.values[f]).sum());
                    }
                }
                out
            })
            .collect();
        Self { releases, members, exposed, groups, residual }
    }

    /// One figure's bound in one direction: `None` when unbounded.
    fn extreme(&self, group: &Group, record: &Record, field: usize, direction: OptimizationDirection) -> Option<f64> {
        let mut p = Problem::new(direction);
        let own = block(&mut p, Some(field), record.usable as f64);
        let mut sums: Vec<(&Group, [Variable; FIGURES])> = Vec::new();
        for (g, (usable, count)) in &self.groups {
            let mine = g == group;
            if count - usize::from(mine) > 0 {
                let usable = usable - if mine { record.usable } else { 0 };
                sums.push((g, block(&mut p, None, usable as f64)));
            }
        }
        for (t, residual) in self.residual.iter().enumerate() {
            for (f, total) in residual.iter().enumerate() {
                let Some(total) = total else { continue };
                let mut terms: Vec<(Variable, f64)> = Vec::new();
                if group.contains(&t) {
                    terms.push((own[f], 1.0));
                }
                terms.extend(sums.iter().filter(|(g, _)| g.contains(&t)).map(|(_, v)| (v[f], 1.0)));
                if !terms.is_empty() {
                    p.add_constraint(terms, ComparisonOp::Eq, *total as f64);
                }
            }
        }
        match p.solve() {
            Ok(outcome) => outcome.into_solution().ok().map(|s| s.objective()),
            Err(microlp::Error::Unbounded) => None,
            // The true figures are a solution, so the program is feasible: a failure here is
            // numerical, and the figure is then counted as exposed.
            Err(_) => Some(record.values[field] as f64),
        }
    }

    fn bounds(&self) -> Vec<Bound> {
        let mut out: Vec<Bound> = self
            .exposed
            .iter()
            .flat_map(|(t, r)| {
                (0..PUBLISHED).map(move |f| Bound {
                    release: *t,
                    institution_id: r.institution_id,
                    field: f,
                    value: r.values[f],
                    low: r.values[f],
                    high: Some(r.values[f]),
                    threshold: self.releases[*t].threshold,
                })
            })
            .collect();
        for (group, r) in &self.members {
            let threshold = group.iter().map(|t| self.releases[*t].threshold).max().unwrap_or(0);
            for f in 0..PUBLISHED {
                let low = self.extreme(group, r, f, OptimizationDirection::Minimize).unwrap_or(0.0);
                let high = self.extreme(group, r, f, OptimizationDirection::Maximize);
                out.push(Bound {
                    release: group.last().copied().unwrap_or(0),
                    institution_id: r.institution_id,
                    field: f,
                    value: r.values[f],
                    low: (low - 1e-6).ceil().max(0.0) as i64,
                    high: high.map(|h| (h + 1e-6).floor() as i64),
                    threshold,
                });
            }
        }
        out
    }
}

/// A record's unknowns, with its two identities.
fn block(p: &mut Problem, objective: Option<usize>, usable: f64) -> [Variable; FIGURES] {
    let v: [Variable; FIGURES] =
        std::array::from_fn(|f| p.add_var(if objective == Some(f) { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)));
    p.add_constraint(
        [(v[STAFF], 1.0), (v[MANAGEMENT], -1.0), (v[TECHNICAL], -1.0), (v[LOGISTICS], -1.0)],
        ComparisonOp::Eq,
        0.0,
    );
    p.add_constraint([(v[STAFF], 1.0), (v[VACANT], 1.0), (v[OVER], -1.0)], ComparisonOp::Eq, usable);
    v
}

/// The audit of a release with every release of its jurisdiction before it: every withheld
/// figure's interval, and whether each is at least its release's threshold wide.
pub struct Audit {
    pub bounds: Vec<Bound>,
}

impl Audit {
    /// Audits `releases`, oldest first (the last is the one audited).
    pub fn of(releases: &[&Basis]) -> Self {
        Audit { bounds: Joint::of(releases).bounds() }
    }

    pub fn failing(&self) -> impl Iterator<Item = &Bound> {
        self.bounds.iter().filter(|b| !b.sound())
    }

    pub fn sound(&self) -> bool {
        self.failing().next().is_none()
    }
}

/// Chooses which records withhold their people figures: those with a count below the
/// threshold, those withheld unchanged in the latest release that had them, and then partners
/// until the audit with every `earlier` release (oldest first) finds every withheld figure at
/// least its threshold wide. Fails with the institutions that no choice protects (then only a
/// lower threshold, or none, can publish).
pub fn choose(
    records: Vec<Record>,
    totals: [Option<i64>; FIGURES],
    threshold: i64,
    earlier: &[Basis],
) -> Result<Basis, Vec<i32>> {
    let mut basis = Basis { threshold, records, totals };
    if threshold == 0 {
        return Ok(basis);
    }
    // Each record's appearances in the earlier releases, oldest first.
    let mut histories: HashMap<i32, Vec<&Record>> = HashMap::new();
    for release in earlier {
        for r in &release.records {
            histories.entry(r.institution_id).or_default().push(r);
        }
    }
    let latest = |r: &Record| histories.get(&r.institution_id).and_then(|h| h.last().copied());
    for r in basis.records.iter_mut() {
        let sticky = latest(r).is_some_and(|p| p.hidden && p.unchanged(r));
        r.hidden = r.small(threshold) || sticky;
    }
    // Records whose figures an earlier release published, the same in every release since,
    // protect nothing.
    let known: HashSet<i32> = basis
        .records
        .iter()
        .filter(|r| {
            let history = histories.get(&r.institution_id).map(Vec::as_slice).unwrap_or_default();
            let mut same_since = history.iter().rev().take_while(|p| p.same_published(r));
            same_since.any(|p| !p.hidden)
        })
        .map(|r| r.institution_id)
        .collect();
    for _ in 0..=basis.records.len() {
        let mut releases: Vec<&Basis> = earlier.iter().collect();
        releases.push(&basis);
        let audit = Audit::of(&releases);
        let failing: Vec<Bound> = audit.failing().cloned().collect();
        if failing.is_empty() {
            return Ok(basis);
        }
        let mut added = 0;
        let mut seen: HashSet<(i32, usize)> = HashSet::new();
        for bound in &failing {
            if !seen.insert((bound.institution_id, bound.field)) || added >= 8 {
                continue;
            }
            let need = bound.threshold - bound.width().unwrap_or(bound.threshold);
            match partner(&basis, &known, bound.field, need) {
                Some(k) => {
                    basis.records[k].hidden = true;
                    added += 1;
                }
                None => break,
            }
        }
        if added == 0 {
            let mut ids: Vec<i32> = failing.iter().map(|b| b.institution_id).collect();
            ids.dedup();
            return Err(ids);
        }
    }
    Err(Vec::new())
}

/// The published record whose withholding adds most usefully to a field's withheld total: the
/// smallest contribution that covers what is missing, else the largest. Over establishment
/// counts toward staff and its parts (it is the slack that lets them exceed usable slots).
fn partner(basis: &Basis, known: &HashSet<i32>, field: usize, need: i64) -> Option<usize> {
    let gain = |r: &Record| r.values[field] + if field == TEMPORARY { 0 } else { r.values[OVER] };
    let open: Vec<(usize, i64)> = basis
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.hidden && !known.contains(&r.institution_id))
        .map(|(k, r)| (k, gain(r)))
        .collect();
    open.iter()
        .filter(|(_, g)| *g >= need)
        .min_by_key(|(k, g)| (*g, *k))
        .or_else(|| open.iter().max_by_key(|(k, g)| (*g, std::cmp::Reverse(*k))))
        .map(|(k, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i32, staff: [i64; 3], temporary: i64, vacant: i64, over: i64) -> Record {
        let s = staff.iter().sum();
        Record::new(id, [s, staff[0], staff[1], staff[2], temporary, vacant, over])
    }

    fn totals(records: &[Record]) -> [Option<i64>; FIGURES] {
        std::array::from_fn(|f| Some(records.iter().map(|r| r.values[f]).sum()))
    }

    #[test]
    fn a_lone_small_record_takes_partners_until_no_figure_is_narrower_than_the_threshold() {
        let records = vec![
            record(1, [1, 1, 0], 0, 2, 0),
            record(2, [10, 20, 5], 6, 4, 0),
            record(3, [8, 30, 6], 7, 0, 3),
            record(4, [12, 15, 9], 9, 5, 0),
        ];
        let t = totals(&records);
        let basis = choose(records, t, 5, &[]).expect("protectable");
        assert!(basis.records[0].hidden);
        assert!(basis.records.iter().filter(|r| r.hidden).count() >= 2);
        let audit = Audit::of(&[&basis]);
        assert!(audit.sound(), "{:?}", audit.failing().collect::<Vec<_>>());
        // The record's staff count (2) is no longer bound by its own usable slots (4) alone:
        // the partner's over establishment can stand in for it.
        let staff = audit.bounds.iter().find(|b| b.institution_id == 1 && b.field == STAFF).unwrap();
        assert!(staff.low == 0 && staff.width().is_none_or(|w| w >= 5), "{staff:?}");
    }

    #[test]
    fn a_record_alone_is_recovered_by_its_identities_and_the_audit_says_so() {
        // Withholding only the small record's staff would leave it equal to the column total
        // less everything published: the audit finds it exact.
        let mut records = vec![record(1, [1, 1, 0], 0, 2, 0), record(2, [10, 20, 5], 6, 4, 0)];
        records[0].hidden = true;
        let t = totals(&records);
        let audit = Audit::of(&[&Basis { threshold: 5, records, totals: t }]);
        let staff = audit.bounds.iter().find(|b| b.field == STAFF).unwrap();
        assert_eq!((staff.low, staff.high), (2, Some(2)));
        assert!(!audit.sound());
    }

    #[test]
    fn an_unchanged_record_published_last_time_exposes_what_it_now_withholds() {
        let mut before = vec![record(1, [1, 1, 0], 0, 2, 0), record(2, [10, 20, 5], 6, 4, 0)];
        let t = totals(&before);
        let previous = Basis { threshold: 0, records: before.clone(), totals: t };
        before[0].hidden = true;
        before[1].hidden = true;
        let audit = Audit::of(&[&previous, &Basis { threshold: 5, records: before, totals: t }]);
        assert!(!audit.sound());
        // And choosing refuses: the figures were already made public.
        let again = vec![record(1, [1, 1, 0], 0, 2, 0), record(2, [10, 20, 5], 6, 4, 0)];
        assert!(choose(again.clone(), t, 5, std::slice::from_ref(&previous)).is_err());
        // However long ago: a release in between that withheld them does not hide them again.
        let mut between = previous.clone();
        between.threshold = 5;
        between.records.iter_mut().for_each(|r| r.hidden = true);
        assert!(choose(again, t, 5, &[previous, between]).is_err());
    }

    #[test]
    fn a_newly_withheld_record_is_not_the_difference_of_two_releases() {
        let mut first = vec![
            record(1, [1, 1, 0], 0, 2, 0),
            record(2, [10, 20, 5], 6, 4, 1),
            record(3, [8, 30, 6], 7, 0, 3),
            record(4, [12, 15, 9], 9, 5, 0),
            record(5, [20, 25, 9], 9, 5, 2),
        ];
        let t1 = totals(&first);
        let previous = choose(first.clone(), t1, 5, &[]).unwrap();
        // A departure makes record 4 small in one category; the rest is unchanged.
        first[3] = record(4, [12, 15, 3], 9, 11, 0);
        let t2 = totals(&first);
        let basis = choose(first, t2, 5, std::slice::from_ref(&previous)).unwrap();
        let audit = Audit::of(&[&previous, &basis]);
        assert!(audit.sound(), "{:?}", audit.failing().collect::<Vec<_>>());
        assert!(basis.records[3].hidden);
    }

    #[test]
    fn three_releases_together_narrow_what_no_two_of_them_do() {
        // A (withheld in releases 0 and 1, unchanged), B (1 and 2), C (0 only, small), D (2 only):
        //   release 0: A + C = t0, release 1: A + B = t1, release 2: B + D = t2.
        // Any two releases leave A between 0 and its total; all three tie it to C, which is small.
        let a = |hidden| Record { hidden, ..record(1, [20, 10, 5], 0, 5, 0) };
        let b = |hidden| Record { hidden, ..record(2, [15, 15, 10], 0, 5, 0) };
        let c = Record { hidden: true, ..record(3, [1, 0, 0], 0, 1, 0) };
        let d = Record { hidden: true, ..record(4, [30, 10, 10], 0, 0, 0) };
        let open = |id| record(id, [10, 10, 10], 5, 5, 0);
        let release = |records: Vec<Record>| {
            let totals = totals(&records);
            Basis { threshold: 5, records, totals }
        };
        let r0 = release(vec![a(true), c, open(9)]);
        let r1 = release(vec![a(true), b(true), open(9)]);
        let r2 = release(vec![b(true), d, open(9)]);
        let width = |releases: &[&Basis]| {
            let audit = Audit::of(releases);
            let staff = |release| {
                audit.bounds.iter().find(|x| x.institution_id == 1 && x.field == STAFF && x.release == release)
            };
            staff(releases.len() - 1).or_else(|| staff(1)).and_then(Bound::width)
        };
        let together = width(&[&r0, &r1, &r2]).unwrap();
        assert!(together < 5, "all three narrow A's staff to {together}");
        assert!(width(&[&r1, &r2]).is_none_or(|w| w >= 5));
        assert!(!Audit::of(&[&r0, &r1, &r2]).sound());
    }
}
