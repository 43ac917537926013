//! The demo's schools, kindergartens and township health centres profiled for their staffing
//! norms, through the same operation an office uses, so that the report's problem 3 (too few slots
//! for education and health against rigid demand) reads with numbers: each unit serves what its
//! approved establishment would serve at the norm, grown by 15 to 35 % (enrolment and the
//! population served grew, slots did not), and a county's schools board a third of their pupils (a
//! district's, in town, do not). Special-education and vocational schools, which have norms of
//! their own, hospitals (their own norm, under total-staff filing) and units serving no pupils or
//! population are left without a profile.

use async_graphql::ID;
use entity::enums::{InstitutionStatus, JurisdictionKind, NormKind, Sector};
use entity::{establishment_balance, institution, jurisdiction};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::Actor;
use crate::auth::{Principal, Role};
use crate::norms::profile::{UnitProfileInput, set_profile};
use crate::scope::Scope;

/// Pupils per staff member of each stage (中央编办发〔2014〕72号) and children per staff member
/// of a full-day kindergarten (教师〔2013〕1号, the middle of its range).
const SENIOR: f64 = 12.5;
const JUNIOR: f64 = 13.5;
const PRIMARY: f64 = 19.0;
const CHILDREN: f64 = 6.0;
/// People served per slot of a township health centre (about 1 per 1,000, the 2011 guideline).
const SERVED: f64 = 1000.0;

/// Pupils per staff member of each stage a unit teaches, with the stage's share of the unit.
type Stages = &'static [(f64, f64)];

/// What a unit's name says it teaches: the pupils per staff member of its stages, each with its
/// share of the unit; or none.
fn stages(name: &str) -> Option<(NormKind, Stages)> {
    let schools: [(&str, NormKind, Stages); 6] = [
        ("第一中学", NormKind::School, &[(SENIOR, 1.0)]),
        ("第二中学", NormKind::School, &[(SENIOR, 1.0)]),
        ("第三中学", NormKind::School, &[(JUNIOR, 1.0)]),
        ("第四中学", NormKind::School, &[(SENIOR, 0.5), (JUNIOR, 0.5)]),
        ("实验中学", NormKind::School, &[(SENIOR, 0.5), (JUNIOR, 0.5)]),
        ("实验小学", NormKind::School, &[(PRIMARY, 1.0)]),
    ];
    if name.ends_with("幼儿园") {
        return Some((NormKind::Kindergarten, &[(CHILDREN, 1.0)]));
    }
    if name.ends_with("卫生院") {
        return Some((NormKind::HealthCentre, &[(SERVED, 1.0)]));
    }
    schools.into_iter().find(|(word, _, _)| name.ends_with(word)).map(|(_, kind, stages)| (kind, stages))
}

/// The growth of a unit's enrolment over what its slots serve: 15 to 35 %, fixed by its name.
fn growth(name: &str) -> f64 {
    let h = name.chars().map(u32::from).fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(c));
    1.15 + f64::from(h % 5) * 0.05
}

/// Profiles the schools of every jurisdiction (a county's board a third of their pupils).
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let actor = Actor::system("seed --demo");
    let tree = jurisdiction::Entity::find().order_by_asc(jurisdiction::Column::Id).all(db).await?;
    for place in tree {
        let principal = Principal {
            subject: "seed --demo".into(),
            role: Role::StaffingOffice,
            jurisdiction: Some(place.code.clone()),
            department: None,
            institution: None,
        };
        let scope = Scope::resolve(db, principal).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        let units = institution::Entity::find()
            .filter(institution::Column::JurisdictionId.eq(place.id))
            .filter(institution::Column::Sector.is_in([Sector::Education, Sector::Health]))
            .filter(institution::Column::Status.eq(InstitutionStatus::Active))
            .order_by_asc(institution::Column::Id)
            .all(db)
            .await?;
        let county = place.kind == JurisdictionKind::County;
        for unit in units {
            let Some((kind, stages)) = stages(&unit.name) else { continue };
            let balances = establishment_balance::Entity::find()
                .filter(establishment_balance::Column::InstitutionId.eq(unit.id))
                .all(db)
                .await?;
            let approved: i32 = balances.iter().map(|b| b.approved).sum();
            // At least one slot's worth more than the unit holds, however small it is.
            let served = |ratio: f64, share: f64| {
                let slots = f64::from(approved) * share;
                (slots * ratio * growth(&unit.name)).max((slots + 1.0) * ratio).round() as i32
            };
            let mut input = UnitProfileInput {
                institution_id: ID(unit.id.to_string()),
                kind,
                pupils_primary: 0,
                pupils_junior: 0,
                pupils_senior: 0,
                classes: 0,
                boarders: 0,
                village: false,
                children: 0,
                half_day: false,
                population_served: 0,
                sparse: false,
            };
            let mut pupils = 0;
            for &(ratio, share) in stages {
                let n = served(ratio, share);
                pupils += n;
                if ratio == SENIOR {
                    input.pupils_senior = n;
                } else if ratio == JUNIOR {
                    input.pupils_junior = n;
                } else if ratio == PRIMARY {
                    input.pupils_primary = n;
                } else if ratio == SERVED {
                    input.population_served = n;
                } else {
                    input.children = n;
                    input.classes = (n + 29) / 30;
                }
            }
            if pupils == 0 {
                continue;
            }
            if county && kind == NormKind::School {
                input.boarders = pupils / 3;
            }
            set_profile(db, &scope, &actor, input).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        }
    }
    Ok(())
}
