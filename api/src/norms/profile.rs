//! A unit's profile (what it serves), set by its staffing office: one transaction, the unit
//! locked, the change audited with what it was before.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{NormKind, Sector};
use entity::{institution, unit_profile};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::scope::Scope;

/// What a unit serves. Only the fields of its kind are kept; the others are stored as zero.
#[derive(InputObject)]
pub struct UnitProfileInput {
    pub institution_id: ID,
    pub kind: NormKind,
    /// A school's pupils (在校生) by stage.
    #[graphql(default)]
    pub pupils_primary: i32,
    #[graphql(default)]
    pub pupils_junior: i32,
    #[graphql(default)]
    pub pupils_senior: i32,
    /// Classes: a village school's (for the class ratio) or a kindergarten's.
    #[graphql(default)]
    pub classes: i32,
    /// Pupils or children who board (寄宿生).
    #[graphql(default)]
    pub boarders: i32,
    /// A village school or teaching point (村小、教学点).
    #[graphql(default)]
    pub village: bool,
    /// A kindergarten's children (在园幼儿).
    #[graphql(default)]
    pub children: i32,
    /// A half-day kindergarten (半日制).
    #[graphql(default)]
    pub half_day: bool,
    /// A township health centre's population served (服务人口).
    #[graphql(default)]
    pub population_served: i32,
    /// Sparsely populated with poor transport (地广人稀、交通不便).
    #[graphql(default)]
    pub sparse: bool,
}

/// A unit's profile as stored.
#[derive(SimpleObject, Clone, Debug)]
pub struct UnitProfile {
    pub kind: NormKind,
    pub pupils_primary: i32,
    pub pupils_junior: i32,
    pub pupils_senior: i32,
    pub classes: i32,
    pub boarders: i32,
    pub village: bool,
    pub children: i32,
    pub half_day: bool,
    pub population_served: i32,
    pub sparse: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<&unit_profile::Model> for UnitProfile {
    fn from(p: &unit_profile::Model) -> Self {
        Self {
            kind: p.kind,
            pupils_primary: p.pupils_primary,
            pupils_junior: p.pupils_junior,
            pupils_senior: p.pupils_senior,
            classes: p.classes,
            boarders: p.boarders,
            village: p.village,
            children: p.children,
            half_day: p.half_day,
            population_served: p.population_served,
            sparse: p.sparse,
            updated_at: p.updated_at,
        }
    }
}

/// The sector a kind of norm is for.
pub fn sector_of(kind: NormKind) -> Sector {
    match kind {
        NormKind::School | NormKind::Kindergarten => Sector::Education,
        NormKind::HealthCentre => Sector::Health,
    }
}

/// The value when it lies in `0..=most`; else the field's refusal.
fn within(value: i32, most: i32, refusal: &str) -> ApiResult<i32> {
    if (0..=most).contains(&value) { Ok(value) } else { Err(ApiError::bad_input(refusal.to_string())) }
}

const PUPILS: &str = "`pupilsPrimary`, `pupilsJunior` and `pupilsSenior` must each be from 0 to 20000";
const CLASSES: &str = "`classes` must be from 0 to 1000";
const BOARDERS: &str = "`boarders` must be from 0 to the pupils or children";
const CHILDREN: &str = "`children` must be from 1 to 5000";
const SERVED: &str = "`populationServed` must be from 1 to 2000000";

/// The stored figures for the input, checked for its kind (the others zero).
fn figures(input: &UnitProfileInput) -> ApiResult<unit_profile::ActiveModel> {
    let mut row = unit_profile::ActiveModel {
        kind: Set(input.kind),
        pupils_primary: Set(0),
        pupils_junior: Set(0),
        pupils_senior: Set(0),
        classes: Set(0),
        boarders: Set(0),
        village: Set(false),
        children: Set(0),
        half_day: Set(false),
        population_served: Set(0),
        sparse: Set(false),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    match input.kind {
        NormKind::School => {
            let primary = within(input.pupils_primary, 20_000, PUPILS)?;
            let junior = within(input.pupils_junior, 20_000, PUPILS)?;
            let senior = within(input.pupils_senior, 20_000, PUPILS)?;
            let pupils = primary + junior + senior;
            if pupils == 0 {
                return Err(ApiError::bad_input("a school's profile needs its pupils"));
            }
            if input.village && primary == 0 {
                return Err(ApiError::bad_input("a village school or teaching point has primary pupils"));
            }
            row.pupils_primary = Set(primary);
            row.pupils_junior = Set(junior);
            row.pupils_senior = Set(senior);
            row.classes = Set(within(input.classes, 1_000, CLASSES)?);
            row.boarders = Set(within(input.boarders, pupils, BOARDERS)?);
            row.village = Set(input.village);
        }
        NormKind::Kindergarten => {
            let children = within(input.children, 5_000, CHILDREN)?;
            if children == 0 {
                return Err(ApiError::bad_input(CHILDREN));
            }
            row.children = Set(children);
            row.classes = Set(within(input.classes, 1_000, CLASSES)?);
            row.boarders = Set(within(input.boarders, children, BOARDERS)?);
            row.half_day = Set(input.half_day);
        }
        NormKind::HealthCentre => {
            let served = within(input.population_served, 2_000_000, SERVED)?;
            if served == 0 {
                return Err(ApiError::bad_input(SERVED));
            }
            row.population_served = Set(served);
            row.sparse = Set(input.sparse);
        }
    }
    Ok(row)
}

fn check_sector(institution: &institution::Model, kind: NormKind) -> ApiResult<()> {
    let sector = sector_of(kind);
    if institution.sector != sector {
        return Err(ApiError::bad_input(format!(
            "a {} profile is for institutions of the {} sector",
            kind.word(),
            sector.word()
        )));
    }
    Ok(())
}

/// Sets (or replaces) a unit's profile.
pub async fn set_profile(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: UnitProfileInput,
) -> ApiResult<unit_profile::Model> {
    let mut row = figures(&input)?;
    let id = parse_id(&input.institution_id)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, id).await?;
    check_sector(&institution, input.kind)?;
    let before =
        unit_profile::Entity::find().filter(unit_profile::Column::InstitutionId.eq(institution.id)).one(&txn).await?;
    row.institution_id = Set(institution.id);
    let saved = match &before {
        Some(old) => {
            row.id = Set(old.id);
            row.update(&txn).await?
        }
        None => row.insert(&txn).await?,
    };
    let change = match &before {
        Some(old) => {
            Change::updated("norms.profile", "unit_profile", saved.id, institution.jurisdiction_id, old, &saved)
        }
        None => Change::created("norms.profile", "unit_profile", saved.id, institution.jurisdiction_id, &saved),
    };
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(saved)
}
