//! The norms in GraphQL: a staffing office sets a unit's profile and reads its jurisdiction's
//! norms (sectors, units, the redistribution of long-vacant slots); anyone reading the unit's
//! establishment reads its own proposal.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::enums::InstitutionStatus;
use entity::{institution, norm_parameter};
use sea_orm::{ColumnTrait, QueryFilter};

use super::profile::{UnitProfileInput, set_profile};
use super::view::{Normed, NormedUnit, SectorNorm, SuggestedMove, load};
use crate::error::{ApiError, Result};
use crate::graphql::context::{actor, db, parse_id, scope};

/// Most units or moves one page gives.
const MOST: i32 = 500;

fn window<T: Clone>(list: &[T], first: i32, offset: i32) -> Result<Vec<T>> {
    if !(0..=MOST).contains(&first) || offset < 0 {
        return Err(ApiError::bad_input(format!("`first` may be 0 to {MOST} and `offset` not negative")));
    }
    let start = (offset as usize).min(list.len());
    let end = start.saturating_add(first as usize).min(list.len());
    Ok(list[start..end].to_vec())
}

/// A norm parameter with its source.
#[derive(SimpleObject)]
pub struct NormParameter {
    pub code: String,
    pub value: f64,
    pub name: String,
    pub source: String,
}

impl From<norm_parameter::Model> for NormParameter {
    fn from(row: norm_parameter::Model) -> Self {
        Self { code: row.code, value: row.value, name: row.name, source: row.source }
    }
}

/// A page of profiled units.
#[derive(SimpleObject)]
pub struct NormedUnitPage {
    pub total_count: i32,
    pub items: Vec<NormedUnit>,
}

/// A page of suggested moves.
#[derive(SimpleObject)]
pub struct SuggestedMovePage {
    pub total_count: i32,
    /// Slots the moves give in all.
    pub slots: i32,
    pub items: Vec<SuggestedMove>,
}

/// The norms over a jurisdiction (and those below it, when asked).
pub struct NormView(Normed);

#[Object]
impl NormView {
    /// Each sector's norm (over its profiled units) beside its approved, occupied and vacant
    /// establishment; the last row, without a sector, is the total.
    async fn sectors(&self) -> Vec<SectorNorm> {
        self.0.sectors()
    }
    /// The profiled units with their proposals, in institution order, or only those below
    /// their norm (largest shortfall first).
    async fn units(
        &self,
        #[graphql(default = false)] below_norm_only: bool,
        #[graphql(default = 50)] first: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> Result<NormedUnitPage> {
        let list: Vec<&NormedUnit> = if below_norm_only { self.0.below_norm() } else { self.0.units.iter().collect() };
        let items = window(&list, first, offset)?.into_iter().cloned().collect();
        Ok(NormedUnitPage { total_count: list.len() as i32, items })
    }
    /// The report's problem 3 answered: long-vacant slots (`vacantMonths` or more) of units not
    /// below their norm, suggested for the units below it. A suggestion only; each move is
    /// made, if the office so decides, by the decision it names.
    async fn redistribution(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 24)] vacant_months: i32,
        #[graphql(default = 50)] first: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> Result<SuggestedMovePage> {
        if !(0..=600).contains(&vacant_months) {
            return Err(ApiError::bad_input("`vacantMonths` may be 0 to 600"));
        }
        let moves = self.0.redistribution(db(ctx), vacant_months as u32).await?;
        Ok(SuggestedMovePage {
            total_count: moves.len() as i32,
            slots: moves.iter().map(|m| m.slots).sum(),
            items: window(&moves, first, offset)?,
        })
    }
    /// The parameters the proposals use, each with its source.
    async fn parameters(&self) -> Vec<NormParameter> {
        self.0.parameters.all().into_iter().map(NormParameter::from).collect()
    }
}

#[derive(Default)]
pub struct NormsQuery;

#[Object]
impl NormsQuery {
    /// Staffing norms for schools, kindergartens and township health centres over a
    /// jurisdiction (and, with `includeDescendants`, those below it), for staffing offices.
    async fn staffing_norms(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        #[graphql(default = false)] include_descendants: bool,
    ) -> Result<NormView> {
        let scope = scope(ctx);
        scope.office()?;
        let ids = scope.narrow(db(ctx), &jurisdiction, include_descendants).await?;
        let rows = scope
            .institutions_in(&ids)?
            .filter(institution::Column::Status.eq(InstitutionStatus::Active))
            .all(db(ctx))
            .await?;
        Ok(NormView(load(db(ctx), rows).await?))
    }

    /// One unit's profile and proposal beside its establishment, for whoever reads the unit's
    /// establishment; none when it has no profile.
    async fn unit_norm(&self, ctx: &Context<'_>, institution_id: ID) -> Result<Option<NormedUnit>> {
        unit_norm(ctx, parse_id(&institution_id)?).await
    }
}

async fn unit_norm(ctx: &Context<'_>, id: i32) -> Result<Option<NormedUnit>> {
    let scope = scope(ctx);
    scope.require_internal()?;
    let row = scope
        .institutions()
        .filter(institution::Column::Id.eq(id))
        .one(db(ctx))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("institution {id} not found")))?;
    Ok(load(db(ctx), vec![row]).await?.units.pop())
}

#[derive(Default)]
pub struct NormsMutation;

#[Object]
impl NormsMutation {
    /// Sets a school's, kindergarten's or township health centre's profile (what it serves),
    /// which its staffing norm is applied to; answers the unit with its proposal.
    async fn set_unit_profile(&self, ctx: &Context<'_>, input: UnitProfileInput) -> Result<NormedUnit> {
        let saved = set_profile(db(ctx), scope(ctx), &actor(ctx), input).await?;
        unit_norm(ctx, saved.institution_id)
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("profile {} saved but not read back", saved.id)))
    }
}
