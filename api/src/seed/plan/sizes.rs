//! The demo's institution sizes: each unit's staff and establishment, matched to the size
//! bands and funding buckets the report gives.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::figures::SizeBand;

use super::{PlannedInstitution, Targets, apportion, band_bounds, bucket, fit, named};

pub(super) fn assign_sizes(list: &mut [PlannedInstitution], targets: &Targets, rng: &mut ChaCha8Rng) {
    let institutions = list.len();
    let self_group: Vec<usize> = (0..institutions).filter(|i| list[*i].is_self_financed()).collect();
    let fiscal_group: Vec<usize> = (0..institutions).filter(|i| !list[*i].is_self_financed()).collect();
    // Bands are shared out between the two funding groups in proportion to their size.
    let self_bands = apportion(&targets.bands, self_group.len());
    let fiscal_bands: Vec<usize> = targets.bands.iter().zip(&self_bands).map(|(all, s)| all - s).collect();
    let mut fixed = vec![false; institutions];
    for (group, bands, staff_target) in
        [(&self_group, &self_bands, targets.staff_self), (&fiscal_group, &fiscal_bands, targets.staff_fiscal)]
    {
        let mut ranked = group.clone();
        ranked.sort_by(|a, b| list[*b].size_score.total_cmp(&list[*a].size_score));
        let mut band_of = Vec::with_capacity(ranked.len());
        for (band, count) in SizeBand::ALL.iter().zip(bands.iter()) {
            band_of.extend(std::iter::repeat_n(*band, *count));
        }
        // A named unit takes the band of its figure, trading places with an unnamed one.
        for k in 0..ranked.len() {
            let Some(pin) = named(targets, &list[ranked[k]].unit) else { continue };
            let want = SizeBand::of(pin.staff.into());
            if band_of[k] != want {
                let other =
                    (0..ranked.len()).find(|m| band_of[*m] == want && named(targets, &list[ranked[*m]].unit).is_none());
                if let Some(m) = other {
                    band_of.swap(k, m);
                }
            }
        }
        let bounds: Vec<(i32, i32)> = ranked
            .iter()
            .zip(&band_of)
            .map(|(i, b)| match named(targets, &list[*i].unit) {
                Some(pin) => (pin.staff, pin.staff),
                None => band_bounds(*b),
            })
            .collect();
        let mut sizes: Vec<i32> = bounds
            .iter()
            .map(|(lo, hi)| if *hi >= 1000 { rng.gen_range(*lo..=lo + 60) } else { rng.gen_range(*lo..=*hi) })
            .collect();
        fit(&mut sizes, &bounds, staff_target, rng);
        for (i, size) in ranked.iter().zip(sizes) {
            list[*i].in_establishment = size;
            fixed[*i] = named(targets, &list[*i].unit).is_some();
        }
    }
    // Approved establishment by sector as the report gives it: staff first, then vacancies.
    let buckets = targets.sector_slots.len() + 1;
    let staff_total = targets.staff_fiscal + targets.staff_self;
    let approved_total = targets.approved_fiscal + targets.approved_self;
    let mut goal: Vec<i32> = targets
        .sector_slots
        .iter()
        .map(|(_, slots)| {
            (f64::from(*slots) * f64::from(staff_total) / f64::from(approved_total.max(1))).round() as i32
        })
        .collect();
    goal.push(staff_total - goal.iter().sum::<i32>());
    match_buckets(list, targets, &fixed, &goal, rng);
    // Self-financed units carry the inherited excess (超编), as the report's figures imply.
    let excess = targets.staff_self - targets.approved_self;
    let mut over: Vec<i32> = vec![0; self_group.len()];
    let caps: Vec<(i32, i32)> = self_group
        .iter()
        .map(|i| (0, (list[*i].in_establishment - 1).clamp(0, list[*i].in_establishment / 4 + 2)))
        .collect();
    fit(&mut over, &caps, excess.max(0), rng);
    for (i, over) in self_group.iter().zip(over) {
        list[*i].approved_self = list[*i].in_establishment - over;
    }
    // Fiscal units carry the vacancies, per bucket so each sector's establishment comes out.
    let vacancies = targets.approved_fiscal - targets.staff_fiscal;
    let mut wanted: Vec<i32> = (0..buckets - 1)
        .map(|b| {
            let approved_now: i32 = (0..institutions)
                .filter(|i| bucket(targets, list[*i].sector) == b)
                .map(|i| if list[i].is_self_financed() { list[i].approved_self } else { list[i].in_establishment })
                .sum();
            targets.sector_slots[b].1 - approved_now
        })
        .collect();
    wanted.push(vacancies - wanted.iter().sum::<i32>());
    for (b, want) in wanted.into_iter().enumerate() {
        let members: Vec<usize> =
            fiscal_group.iter().copied().filter(|i| bucket(targets, list[*i].sector) == b).collect();
        let caps: Vec<(i32, i32)> = members
            .iter()
            .map(|i| {
                let staff = list[*i].in_establishment;
                let frozen = named(targets, &list[*i].unit).map_or(0, |n| n.frozen);
                let low = frozen.max(i32::from(staff == 0));
                (low, (staff / 3).max(3).max(low))
            })
            .collect();
        let mut extra: Vec<i32> = caps.iter().map(|(lo, _)| *lo).collect();
        fit(&mut extra, &caps, want.max(0), rng);
        for (i, vacant) in members.iter().zip(extra) {
            list[*i].approved_fiscal = list[*i].in_establishment + vacant;
            list[*i].frozen = named(targets, &list[*i].unit).map_or(0, |n| n.frozen);
        }
    }
}

/// Moves staff between buckets of sectors until each holds `goal`, within each funding group
/// (so its total is kept) and each institution's size band (so the bands are kept): first by
/// swapping two institutions' sizes, then one person at a time. Named units keep their figure.
fn match_buckets(
    list: &mut [PlannedInstitution],
    targets: &Targets,
    fixed: &[bool],
    goal: &[i32],
    rng: &mut ChaCha8Rng,
) {
    let n = list.len();
    let of: Vec<usize> = list.iter().map(|i| bucket(targets, i.sector)).collect();
    let limits = |i: &PlannedInstitution| band_bounds(SizeBand::of(i.in_establishment.into()));
    'rounds: for _ in 0..20_000 {
        let mut dev: Vec<i32> = goal.iter().map(|g| -g).collect();
        for (i, inst) in list.iter().enumerate() {
            dev[of[i]] += inst.in_establishment;
        }
        // Bucket pairs, the largest possible move first.
        let mut moves: Vec<(usize, usize, i32)> = Vec::new();
        for a in (0..dev.len()).filter(|a| dev[*a] > 0) {
            for b in (0..dev.len()).filter(|b| dev[*b] < 0) {
                moves.push((a, b, dev[a].min(-dev[b])));
            }
        }
        moves.sort_by_key(|m| -m.2);
        for (a, b, amount) in moves {
            // The swap that moves the most without overshooting.
            let mut best: Option<(usize, usize, i32)> = None;
            if amount >= 3 {
                for i in (0..n).filter(|i| of[*i] == a && !fixed[*i]) {
                    for j in (0..n).filter(|j| of[*j] == b && !fixed[*j]) {
                        if list[i].is_self_financed() != list[j].is_self_financed() {
                            continue;
                        }
                        // The bigger size goes to a unit that may plausibly be that big.
                        let plausible = list[j].size_score * 2.0 >= list[i].size_score;
                        let delta = list[i].in_establishment - list[j].in_establishment;
                        if plausible && delta > 0 && delta <= amount && best.is_none_or(|(_, _, d)| delta > d) {
                            best = Some((i, j, delta));
                        }
                    }
                }
            }
            if let Some((i, j, _)) = best {
                let (x, y) = (list[i].in_establishment, list[j].in_establishment);
                list[i].in_establishment = y;
                list[j].in_establishment = x;
                continue 'rounds;
            }
            // One person from a to b, each staying in its band, within one funding group.
            let givers: Vec<usize> = (0..n)
                .filter(|i| of[*i] == a && !fixed[*i] && list[*i].in_establishment > limits(&list[*i]).0)
                .collect();
            let takers: Vec<usize> = (0..n)
                .filter(|j| of[*j] == b && !fixed[*j] && list[*j].in_establishment < limits(&list[*j]).1)
                .collect();
            let pairs: Vec<(usize, usize)> = givers
                .iter()
                .flat_map(|i| takers.iter().map(move |j| (*i, *j)))
                .filter(|(i, j)| list[*i].is_self_financed() == list[*j].is_self_financed())
                .collect();
            if let Some(&(i, j)) = pairs.choose(rng) {
                list[i].in_establishment -= 1;
                list[j].in_establishment += 1;
                continue 'rounds;
            }
        }
        return;
    }
}
