//! Sound suppression (CONTRACT.md, "Disclosure releases"): which records of a release withhold
//! their people figures, and the audit showing that nothing withheld can be recovered, exactly
//! or within less than the threshold, from what is public.
//!
//! What the public is assumed to know (the attacker's knowledge, stated in the README):
//! - per record, staff = management + professional-technical + logistics, and
//!   staff + vacant − over establishment = the record's usable slots (approved and borrowed,
//!   less frozen and deposited: decided in public documents, so taken as known);
//! - per column, every published total of the release;
//! - the previous release's published figures, and, for each record whose figures did not
//!   change between the two, that they did not (the strongest reading of `releaseChanges`);
//! - that every count is at least zero.
//!
//! A record is withheld whole: staff, its three categories, temporary staff, vacancies and the
//! size band. Each withheld figure's feasible interval is found by linear programming. Records
//! are coupled only through column totals, and the withheld records of one group (withheld in
//! the new release only, in the previous only, or in both unchanged) sum to a set of the same
//! shape with their usable slots summed: any such sum splits back into records (over
//! establishment all to one record, then staff against vacancies and the categories against
//! staff are transport problems with matching totals). So each bound is a program over the
//! figure's own record and at most three group sums, about thirty variables however large the
//! release.

use std::collections::{HashMap, HashSet};

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

/// Which release of the audited pair a bound belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Side {
    New,
    Previous,
}

/// A withheld figure's feasible interval: `high` is `None` when nothing public bounds it.
#[derive(Clone, Debug)]
pub struct Bound {
    pub side: Side,
    pub institution_id: i32,
    pub field: usize,
    pub value: i64,
    pub low: i64,
    pub high: Option<i64>,
}

impl Bound {
    pub fn width(&self) -> Option<i64> {
        self.high.map(|h| h - self.low)
    }

    fn narrower_than(&self, threshold: i64) -> bool {
        self.width().is_some_and(|w| w < threshold)
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Group {
    /// Withheld in both releases, unchanged: one set of unknowns in both.
    Both,
    /// Withheld in the new release only (or changed since).
    New,
    /// Withheld in the previous release only (or changed since).
    Previous,
}

/// The withheld records sorted into groups, and the records withheld in vain (their figures
/// are known from the other release).
struct Joint<'a> {
    new: &'a Basis,
    previous: Option<&'a Basis>,
    members: Vec<(Group, &'a Record)>,
    exposed: Vec<(Side, &'a Record)>,
    usable: HashMap<GroupKey, i64>,
    residual_new: [Option<i64>; FIGURES],
    residual_previous: [Option<i64>; FIGURES],
}

type GroupKey = u8;

fn key(g: Group) -> GroupKey {
    match g {
        Group::Both => 0,
        Group::New => 1,
        Group::Previous => 2,
    }
}

impl<'a> Joint<'a> {
    fn of(new: &'a Basis, previous: Option<&'a Basis>) -> Self {
        let before: HashMap<i32, &Record> =
            previous.map(|p| p.records.iter().map(|r| (r.institution_id, r)).collect()).unwrap_or_default();
        let after: HashMap<i32, &Record> = new.records.iter().map(|r| (r.institution_id, r)).collect();
        let mut members = Vec::new();
        let mut exposed = Vec::new();
        for r in new.records.iter().filter(|r| r.hidden) {
            match before.get(&r.institution_id) {
                Some(p) if !p.hidden && p.same_published(r) => exposed.push((Side::New, r)),
                Some(p) if p.hidden && p.unchanged(r) => members.push((Group::Both, r)),
                _ => members.push((Group::New, r)),
            }
        }
        for p in previous.iter().flat_map(|p| p.records.iter()).filter(|r| r.hidden) {
            match after.get(&p.institution_id) {
                Some(r) if !r.hidden && r.same_published(p) => exposed.push((Side::Previous, p)),
                Some(r) if r.hidden && r.unchanged(p) => {}
                _ => members.push((Group::Previous, p)),
            }
        }
        let mut usable: HashMap<GroupKey, i64> = HashMap::new();
        for (g, r) in &members {
            *usable.entry(key(*g)).or_default() += r.usable;
        }
        let residual = |totals: &[Option<i64>; FIGURES], groups: [Group; 2]| {
            let mut out = [None; FIGURES];
            for (f, total) in totals.iter().enumerate() {
                if total.is_some() {
                    out[f] = Some(members.iter().filter(|(g, _)| groups.contains(g)).map(|(_, r)| r.values[f]).sum());
                }
            }
            out
        };
        let residual_new = residual(&new.totals, [Group::Both, Group::New]);
        let residual_previous =
            previous.map(|p| residual(&p.totals, [Group::Both, Group::Previous])).unwrap_or([None; FIGURES]);
        Self { new, previous, members, exposed, usable, residual_new, residual_previous }
    }

    fn count(&self, g: Group) -> usize {
        self.members.iter().filter(|(m, _)| *m == g).count()
    }

    /// One figure's bound in one direction: `None` when unbounded.
    fn extreme(&self, group: Group, record: &Record, field: usize, direction: OptimizationDirection) -> Option<f64> {
        let mut p = Problem::new(direction);
        let own = block(&mut p, Some(field), record.usable as f64);
        let mut sums: Vec<(Group, [Variable; FIGURES])> = Vec::new();
        for g in [Group::Both, Group::New, Group::Previous] {
            let others = self.count(g) - usize::from(g == group);
            if others > 0 {
                let usable =
                    self.usable.get(&key(g)).copied().unwrap_or(0) - if g == group { record.usable } else { 0 };
                sums.push((g, block(&mut p, None, usable as f64)));
            }
        }
        let systems = [
            (&self.residual_new, [Group::Both, Group::New]),
            (&self.residual_previous, [Group::Both, Group::Previous]),
        ];
        for (residual, groups) in systems {
            for (f, total) in residual.iter().enumerate() {
                let Some(total) = total else { continue };
                let mut terms: Vec<(Variable, f64)> = Vec::new();
                if groups.contains(&group) {
                    terms.push((own[f], 1.0));
                }
                terms.extend(sums.iter().filter(|(g, _)| groups.contains(g)).map(|(_, v)| (v[f], 1.0)));
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
            .flat_map(|(side, r)| {
                (0..PUBLISHED).map(move |f| Bound {
                    side: *side,
                    institution_id: r.institution_id,
                    field: f,
                    value: r.values[f],
                    low: r.values[f],
                    high: Some(r.values[f]),
                })
            })
            .collect();
        for (group, r) in &self.members {
            for f in 0..PUBLISHED {
                let low = self.extreme(*group, r, f, OptimizationDirection::Minimize).unwrap_or(0.0);
                let high = self.extreme(*group, r, f, OptimizationDirection::Maximize);
                out.push(Bound {
                    side: if *group == Group::Previous { Side::Previous } else { Side::New },
                    institution_id: r.institution_id,
                    field: f,
                    value: r.values[f],
                    low: (low - 1e-6).ceil().max(0.0) as i64,
                    high: high.map(|h| (h + 1e-6).floor() as i64),
                });
            }
        }
        out
    }

    fn threshold(&self, side: Side) -> i64 {
        match side {
            Side::New => self.new.threshold,
            Side::Previous => self.previous.map_or(0, |p| p.threshold),
        }
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

/// The audit of a release against the one before it: every withheld figure's interval, and
/// whether each is at least its release's threshold wide.
pub struct Audit {
    pub bounds: Vec<Bound>,
    pub new_threshold: i64,
    pub previous_threshold: i64,
}

impl Audit {
    pub fn of(new: &Basis, previous: Option<&Basis>) -> Self {
        let joint = Joint::of(new, previous);
        Audit {
            bounds: joint.bounds(),
            new_threshold: joint.threshold(Side::New),
            previous_threshold: joint.threshold(Side::Previous),
        }
    }

    pub fn threshold(&self, side: Side) -> i64 {
        match side {
            Side::New => self.new_threshold,
            Side::Previous => self.previous_threshold,
        }
    }

    pub fn failing(&self) -> impl Iterator<Item = &Bound> {
        self.bounds.iter().filter(|b| b.narrower_than(self.threshold(b.side)))
    }

    pub fn sound(&self) -> bool {
        self.failing().next().is_none()
    }
}

/// Chooses which records withhold their people figures: those with a count below the
/// threshold, those withheld last time whose figures did not change, and then partners until
/// the audit finds every withheld figure at least the threshold wide. Fails with the
/// institutions that no choice protects (then only a lower threshold, or none, can publish).
pub fn choose(
    records: Vec<Record>,
    totals: [Option<i64>; FIGURES],
    threshold: i64,
    previous: Option<&Basis>,
) -> Result<Basis, Vec<i32>> {
    let mut basis = Basis { threshold, records, totals };
    if threshold == 0 {
        return Ok(basis);
    }
    let before: HashMap<i32, &Record> =
        previous.map(|p| p.records.iter().map(|r| (r.institution_id, r)).collect()).unwrap_or_default();
    for r in basis.records.iter_mut() {
        let sticky = before.get(&r.institution_id).is_some_and(|p| p.hidden && p.unchanged(r));
        r.hidden = r.small(threshold) || sticky;
    }
    // Records whose figures the previous release published unchanged protect nothing.
    let known: HashSet<i32> = basis
        .records
        .iter()
        .filter(|r| before.get(&r.institution_id).is_some_and(|p| !p.hidden && p.same_published(r)))
        .map(|r| r.institution_id)
        .collect();
    for _ in 0..=basis.records.len() {
        let audit = Audit::of(&basis, previous);
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
            let need = threshold - bound.width().unwrap_or(threshold);
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
        let basis = choose(records, t, 5, None).expect("protectable");
        assert!(basis.records[0].hidden);
        assert!(basis.records.iter().filter(|r| r.hidden).count() >= 2);
        let audit = Audit::of(&basis, None);
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
        let audit = Audit::of(&Basis { threshold: 5, records, totals: t }, None);
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
        let audit = Audit::of(&Basis { threshold: 5, records: before, totals: t }, Some(&previous));
        assert!(!audit.sound());
        // And choosing refuses: the figures were already made public.
        let again = vec![record(1, [1, 1, 0], 0, 2, 0), record(2, [10, 20, 5], 6, 4, 0)];
        assert!(choose(again, t, 5, Some(&previous)).is_err());
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
        let previous = choose(first.clone(), t1, 5, None).unwrap();
        // A departure makes record 4 small in one category; the rest is unchanged.
        first[3] = record(4, [12, 15, 3], 9, 11, 0);
        let t2 = totals(&first);
        let basis = choose(first, t2, 5, Some(&previous)).unwrap();
        let audit = Audit::of(&basis, Some(&previous));
        assert!(audit.sound(), "{:?}", audit.failing().collect::<Vec<_>>());
        assert!(basis.records[3].hidden);
    }
}
