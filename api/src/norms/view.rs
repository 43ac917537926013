//! The norms over a jurisdiction: each profiled unit's proposal beside its approved and occupied
//! establishment, each sector's sums, and the report's problem 3 answered with numbers: units
//! below their norm while others hold long-vacant slots, with a redistribution the office may
//! turn into decisions (a transfer within a jurisdiction, control figures across them). Nothing
//! here writes.

use std::collections::HashMap;

use async_graphql::{Enum, SimpleObject};
use entity::enums::{Funding, Sector};
use entity::{establishment_balance, institution, unit_profile};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::profile::UnitProfile;
use super::{NormProposal, Parameters, propose};
use crate::error::ApiResult;
use crate::establishment::balance::vacant;
use crate::institution::Institution;

/// SQLite accepts at most 32,766 bound values; stay well below.
const CHUNK: usize = 5_000;

/// One unit with a profile: its norm beside its establishment.
#[derive(SimpleObject, Clone)]
pub struct NormedUnit {
    pub institution: Institution,
    pub profile: UnitProfile,
    pub proposal: NormProposal,
    /// Approved establishment, every funding kind.
    pub approved: i32,
    /// People holding a slot.
    pub occupied: i32,
    /// The norm less the approved establishment: above zero, the unit is below its norm.
    pub shortfall: i32,
}

/// A sector's sums: the norm over its profiled units, the establishment over all of them.
#[derive(SimpleObject, Clone, Default)]
pub struct SectorNorm {
    pub sector: Option<Sector>,
    pub units: i32,
    pub profiled_units: i32,
    /// Sums of the profiled units' proposals.
    pub low: i32,
    pub norm: i32,
    pub high: i32,
    /// Approved and occupied establishment of the profiled units.
    pub approved_profiled: i32,
    pub occupied_profiled: i32,
    /// Approved, occupied and vacant establishment of every unit of the sector.
    pub approved: i32,
    pub occupied: i32,
    pub vacant: i32,
    pub units_below_norm: i32,
    /// Slots the units below their norm lack, summed.
    pub shortfall: i32,
}

/// The decision a suggested move needs.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MoveDecision {
    /// Both units are in one jurisdiction: `transferEstablishment` (划转).
    TransferEstablishment,
    /// The units are in different jurisdictions: the level above redistributes their control
    /// figures (`handDownControlFigures`, 统筹调剂) before the slots are reclaimed and approved.
    ControlFigures,
}

/// One suggested move of long-vacant slots to a unit below its norm. A suggestion only: the
/// office decides, and records the decision with its document number.
#[derive(SimpleObject, Clone)]
pub struct SuggestedMove {
    pub from: Institution,
    pub to: Institution,
    pub funding: Funding,
    pub slots: i32,
    pub decision: MoveDecision,
}

/// The units of a jurisdiction with their establishment, profiles and proposals.
pub struct Normed {
    pub units: Vec<NormedUnit>,
    /// Every active unit of the scope, with its balances.
    rows: Vec<institution::Model>,
    balances: HashMap<i32, Vec<establishment_balance::Model>>,
    /// The parameters the proposals were made with.
    pub parameters: Parameters,
}

/// Loads the norms over `rows` (active units the caller reads).
pub async fn load<C: ConnectionTrait>(db: &C, rows: Vec<institution::Model>) -> ApiResult<Normed> {
    let parameters = Parameters::load(db).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut balances: HashMap<i32, Vec<establishment_balance::Model>> = HashMap::new();
    let mut profiles: HashMap<i32, unit_profile::Model> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for row in establishment_balance::Entity::find()
            .filter(establishment_balance::Column::InstitutionId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            balances.entry(row.institution_id).or_default().push(row);
        }
        for row in unit_profile::Entity::find()
            .filter(unit_profile::Column::InstitutionId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            profiles.insert(row.institution_id, row);
        }
    }
    let mut units = Vec::new();
    for row in &rows {
        let Some(profile) = profiles.get(&row.id) else { continue };
        let proposal = propose(profile, &parameters)?;
        let own = balances.get(&row.id).map(Vec::as_slice).unwrap_or_default();
        let approved = own.iter().map(|b| b.approved).sum();
        let occupied = own.iter().map(|b| b.occupied).sum();
        units.push(NormedUnit {
            institution: Institution(row.clone()),
            profile: profile.into(),
            shortfall: proposal.norm - approved,
            proposal,
            approved,
            occupied,
        });
    }
    Ok(Normed { units, rows, balances, parameters })
}

impl Normed {
    /// Each sector's sums, in the order sectors are declared, and their total last.
    pub fn sectors(&self) -> Vec<SectorNorm> {
        let mut by: HashMap<Sector, SectorNorm> = HashMap::new();
        for row in &self.rows {
            let sums =
                by.entry(row.sector).or_insert_with(|| SectorNorm { sector: Some(row.sector), ..Default::default() });
            sums.units += 1;
            for b in self.balances.get(&row.id).map(Vec::as_slice).unwrap_or_default() {
                sums.approved += b.approved;
                sums.occupied += b.occupied;
                sums.vacant += vacant(b);
            }
        }
        for unit in &self.units {
            let Some(sums) = by.get_mut(&unit.institution.0.sector) else { continue };
            sums.profiled_units += 1;
            sums.low += unit.proposal.low;
            sums.norm += unit.proposal.norm;
            sums.high += unit.proposal.high;
            sums.approved_profiled += unit.approved;
            sums.occupied_profiled += unit.occupied;
            if unit.shortfall > 0 {
                sums.units_below_norm += 1;
                sums.shortfall += unit.shortfall;
            }
        }
        let mut out: Vec<SectorNorm> = Sector::all().iter().filter_map(|s| by.remove(s)).collect();
        let mut total = SectorNorm::default();
        for s in &out {
            total.units += s.units;
            total.profiled_units += s.profiled_units;
            total.low += s.low;
            total.norm += s.norm;
            total.high += s.high;
            total.approved_profiled += s.approved_profiled;
            total.occupied_profiled += s.occupied_profiled;
            total.approved += s.approved;
            total.occupied += s.occupied;
            total.vacant += s.vacant;
            total.units_below_norm += s.units_below_norm;
            total.shortfall += s.shortfall;
        }
        out.push(total);
        out
    }

    /// Units below their norm, the largest shortfall first.
    pub fn below_norm(&self) -> Vec<&NormedUnit> {
        let mut below: Vec<&NormedUnit> = self.units.iter().filter(|u| u.shortfall > 0).collect();
        below.sort_by_key(|u| (-u.shortfall, u.institution.0.id));
        below
    }

    /// The funding kind a unit mostly holds (fiscal when it holds none).
    fn main_funding(&self, id: i32) -> Funding {
        let own = self.balances.get(&id).map(Vec::as_slice).unwrap_or_default();
        own.iter().max_by_key(|b| (b.approved, b.funding == Funding::Fiscal)).map_or(Funding::Fiscal, |b| b.funding)
    }

    /// Moves of long-vacant slots (`vacant_months` or more) to the units below their norm: the
    /// largest shortfall first, from its own jurisdiction's units first, each donor giving its
    /// longest-vacant slots of the receiving unit's main funding kind, and a profiled donor never
    /// going below its own norm.
    pub async fn redistribution<C: ConnectionTrait>(
        &self,
        db: &C,
        vacant_months: u32,
    ) -> ApiResult<Vec<SuggestedMove>> {
        let below = self.below_norm();
        if below.is_empty() {
            return Ok(Vec::new());
        }
        let receiving: std::collections::HashSet<i32> = below.iter().map(|u| u.institution.0.id).collect();
        let donors: Vec<&institution::Model> = self.rows.iter().filter(|r| !receiving.contains(&r.id)).collect();
        let ids: Vec<i32> = donors.iter().map(|r| r.id).collect();
        let vacancies = crate::establishment::vacancies_of(db, &ids).await?;
        let today = chrono::Utc::now().date_naive();
        let room: HashMap<i32, i32> = self.units.iter().map(|u| (u.institution.0.id, -u.shortfall)).collect();
        // Long-vacant slots each donor may give, by funding kind.
        let mut free: HashMap<(i32, Funding), i32> = HashMap::new();
        for donor in &donors {
            let mut left = room.get(&donor.id).copied().unwrap_or(i32::MAX);
            for v in vacancies.get(&donor.id).map(Vec::as_slice).unwrap_or_default() {
                if left > 0 && v.months_on(today) >= vacant_months {
                    *free.entry((donor.id, v.funding)).or_default() += 1;
                    left -= 1;
                }
            }
        }
        let mut moves = Vec::new();
        for unit in below {
            let to = &unit.institution.0;
            let funding = self.main_funding(to.id);
            let mut candidates: Vec<(&institution::Model, i32)> = donors
                .iter()
                .filter_map(|d| free.get(&(d.id, funding)).filter(|n| **n > 0).map(|n| (*d, *n)))
                .collect();
            candidates.sort_by_key(|(d, n)| (d.jurisdiction_id != to.jurisdiction_id, -n, d.id));
            let mut wanted = unit.shortfall;
            for (donor, available) in candidates {
                if wanted == 0 {
                    break;
                }
                let slots = available.min(wanted);
                wanted -= slots;
                if let Some(n) = free.get_mut(&(donor.id, funding)) {
                    *n -= slots;
                }
                let decision = if donor.jurisdiction_id == to.jurisdiction_id {
                    MoveDecision::TransferEstablishment
                } else {
                    MoveDecision::ControlFigures
                };
                moves.push(SuggestedMove {
                    from: Institution(donor.clone()),
                    to: Institution(to.clone()),
                    funding,
                    slots,
                    decision,
                });
            }
        }
        Ok(moves)
    }
}
