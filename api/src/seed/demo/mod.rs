//! The demo city: Zhangye (620700) with its six counties and districts. The city's own figures
//! are the report's section 1; the counties are smaller jurisdictions of the same shape.
//! Deterministic: each jurisdiction's generator is seeded with its division code.

use chrono::NaiveDate;
use entity::enums::JurisdictionKind;
use entity::{establishment_ceiling, institution, jurisdiction};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use super::history::{BASE_YEAR, city_history, synthetic_history, touch_old_units};
use super::plan::{Targets, plan};
use super::zhangye_tree;
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::pii::PiiCipher;

mod record;
mod vacant;
mod writer;

use writer::Writer;

/// Size of each county or district relative to the city.
const COUNTY_SCALE: [(&str, f64); 6] =
    [("620702", 0.42), ("620721", 0.18), ("620722", 0.30), ("620723", 0.24), ("620724", 0.27), ("620725", 0.26)];

pub const CITY: &str = "620700";

#[derive(Debug, Default)]
pub struct Summary {
    pub jurisdictions: usize,
    pub institutions: usize,
    pub staff: usize,
    pub already_loaded: bool,
}

/// The targets each demo jurisdiction is generated from.
pub fn targets() -> Vec<(&'static str, Targets)> {
    let city = Targets::zhangye_city();
    let mut all = vec![(CITY, city.clone())];
    all.extend(COUNTY_SCALE.iter().map(|(code, factor)| (*code, city.scaled(*factor).county_shaped())));
    all
}

/// A synthetic province for scale work: `cities` cities of the demo city's shape (scaled by
/// `scale`), each with `counties` counties at 30 % of its size. Deterministic (each
/// jurisdiction's generator is seeded with its code); under the code 990000, apart from the demo.
#[tracing::instrument(skip_all, fields(cities, counties, scale))]
pub async fn load_synthetic(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    cities: u32,
    counties: u32,
    scale: f64,
) -> anyhow::Result<Summary> {
    anyhow::ensure!((1..=99).contains(&cities) && counties <= 99, "cities from 1 to 99, counties up to 99");
    anyhow::ensure!(scale > 0.0 && scale <= 50.0, "scale must be above 0 and at most 50");
    let txn = begin_write(db).await?;
    let province = super::ensure_jurisdiction(&txn, "990000", "合成省", JurisdictionKind::Province, None).await?;
    let existing =
        jurisdiction::Entity::find().filter(jurisdiction::Column::ParentId.eq(province.id)).count(&txn).await?;
    if existing > 0 {
        return Ok(Summary { already_loaded: true, ..Default::default() });
    }
    let actor = Actor::system("seed --synthetic");
    let mut writer = Writer::new(&txn, pii, &actor);
    let mut summary = Summary { jurisdictions: 1, ..Default::default() };
    let city_targets = Targets::zhangye_city().scaled(scale);
    let county_targets = Targets::zhangye_city().scaled(scale * 0.3).county_shaped();
    for c in 1..=cities {
        let code = format!("99{c:02}00");
        let city =
            super::ensure_jurisdiction(&txn, &code, &format!("合成{c}市"), JurisdictionKind::City, Some(&province))
                .await?;
        let mut places = vec![(city.clone(), &city_targets)];
        for k in 1..=counties {
            let county_code = format!("99{c:02}{k:02}");
            let name = format!("合成{c}市{k}县");
            let county =
                super::ensure_jurisdiction(&txn, &county_code, &name, JurisdictionKind::County, Some(&city)).await?;
            places.push((county, &county_targets));
        }
        for (place, targets) in places {
            let mut rng = ChaCha8Rng::seed_from_u64(place.code.parse::<u64>().unwrap_or(0));
            let mut planned = plan(targets, &mut rng);
            synthetic_history(&mut planned, &mut rng);
            let (institutions, people) = writer.write(&place, &planned, &mut rng).await?;
            summary.jurisdictions += 1;
            summary.institutions += institutions;
            summary.staff += people;
        }
    }
    crate::write::commit(txn).await?;
    super::norms::load(db).await?;
    refresh_statistics(db).await?;
    Ok(summary)
}

/// After a bulk load PostgreSQL's planner statistics are stale, and plans go wrong by orders
/// of magnitude (a city overview measured 909 ms before, 84 ms after); SQLite needs nothing.
async fn refresh_statistics(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// Loads the demo city unless it is already there, with a first open release of each
/// jurisdiction.
pub async fn load(db: &DatabaseConnection, pii: &PiiCipher) -> anyhow::Result<Summary> {
    let summary = load_unpublished(db, pii).await?;
    if summary.institutions > 0 {
        publish_releases(db).await?;
    }
    Ok(summary)
}

/// Loads the demo city unless it is already there, publishing nothing (an office then chooses
/// its first release's policy).
#[tracing::instrument(skip_all)]
pub async fn load_unpublished(db: &DatabaseConnection, pii: &PiiCipher) -> anyhow::Result<Summary> {
    let txn = begin_write(db).await?;
    let tree = zhangye_tree(&txn).await?;
    let city = tree.iter().find(|j| j.code == CITY).cloned().ok_or_else(|| anyhow::anyhow!("city missing"))?;
    let existing =
        institution::Entity::find().filter(institution::Column::JurisdictionId.eq(city.id)).count(&txn).await?;
    if existing > 0 {
        return Ok(Summary { already_loaded: true, ..Default::default() });
    }
    let actor = Actor::system("seed --demo");
    let mut writer = Writer::new(&txn, pii, &actor);
    let mut summary = Summary { jurisdictions: tree.len(), ..Default::default() };
    for (code, targets) in targets() {
        let jurisdiction = tree.iter().find(|j| j.code == code).ok_or_else(|| anyhow::anyhow!("{code} missing"))?;
        let mut rng = ChaCha8Rng::seed_from_u64(code.parse::<u64>().unwrap_or(0));
        let mut planned = plan(&targets, &mut rng);
        let history = if code == CITY {
            Some(city_history(&mut planned, &mut rng))
        } else {
            touch_old_units(&mut planned, &mut rng);
            None
        };
        let (institutions, people) = writer.write(jurisdiction, &planned, &mut rng).await?;
        if let Some(history) = history {
            writer.write_history(jurisdiction, &planned, &history, &mut rng).await?;
            super::evaluation::load(&txn, jurisdiction, &mut rng).await?;
        }
        summary.institutions += institutions;
        summary.staff += people;
    }
    write_control_figures(&txn, &tree).await?;
    let change = Change {
        action: "seed.demo",
        entity: "jurisdiction",
        entity_id: Some(city.id),
        jurisdiction_id: Some(city.id),
        before: None,
        after: Some(serde_json::json!({ "institutions": summary.institutions, "staff": summary.staff })),
    };
    audit::record(&txn, &actor, change).await?;
    crate::write::commit(txn).await?;
    super::pool::load(db, pii).await?;
    super::norms::load(db).await?;
    refresh_statistics(db).await?;
    Ok(summary)
}

/// Control figures handed down (下达编制控制数) at every level, as in 2019: the province grants the
/// city its figures for the whole city (its own base-year 4,926 slots and 4,557 fiscally
/// supported people, plus its counties'), and the city grants each county and district its own.
/// The report gives the city's figures only; a county's are its holdings scaled by the city's
/// own 2019-to-now ratios (4,926 / 4,158 slots, 4,557 / 3,353 people), so each keeps the room
/// the city has.
async fn write_control_figures(txn: &DatabaseTransaction, tree: &[jurisdiction::Model]) -> anyhow::Result<()> {
    use crate::establishment::control_usage;
    let city = tree.iter().find(|j| j.code == CITY).ok_or_else(|| anyhow::anyhow!("city missing"))?;
    let province = tree.iter().find(|j| Some(j.id) == city.parent_id).ok_or_else(|| anyhow::anyhow!("province"))?;
    let on = NaiveDate::from_ymd_opt(BASE_YEAR, 12, 31).unwrap_or_default();
    let figure = |child: &jurisdiction::Model, by: &jurisdiction::Model, total: i64, people: i64, doc: String| {
        entity::control_figure::ActiveModel {
            jurisdiction_id: Set(child.id),
            granted_by: Set(by.id),
            total_establishment: Set(total as i32),
            fiscal_people: Set(people as i32),
            document_no: Set(doc),
            effective_on: Set(on),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
    };
    let (mut counties_total, mut counties_people) = (0_i64, 0_i64);
    for (n, county) in tree.iter().filter(|j| j.parent_id == Some(city.id)).enumerate() {
        let held = control_usage(txn, county.id).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        let total = (held.own_establishment * 4_926 + 4_157) / 4_158;
        let people = (held.own_fiscal_people * 4_557 + 3_352) / 3_353;
        counties_total += total;
        counties_people += people;
        figure(county, city, total, people, format!("张编委〔{BASE_YEAR}〕{}号", 10 + n)).insert(txn).await?;
    }
    let own_base = establishment_ceiling::Entity::find()
        .filter(establishment_ceiling::Column::JurisdictionId.eq(city.id))
        .one(txn)
        .await?
        .map_or(4_926, |c| i64::from(c.base_total));
    let total = own_base + counties_total;
    let people = 4_557 + counties_people;
    figure(city, province, total, people, format!("甘编委〔{BASE_YEAR}〕8号")).insert(txn).await?;
    Ok(())
}

/// A first disclosure release for the city and each county, so the portal has something to show:
/// openly, as real-name disclosure does, except Shandan, which shows a threshold of 3 (records
/// withheld whole, with the partners the audit chose).
async fn publish_releases(db: &DatabaseConnection) -> anyhow::Result<()> {
    for (code, _) in targets() {
        let threshold = if code == "620725" { 3 } else { 0 };
        let principal = crate::auth::Principal {
            subject: "seed --demo".into(),
            role: crate::auth::Role::StaffingOffice,
            jurisdiction: Some(code.to_string()),
            department: None,
            institution: None,
        };
        let scope = crate::scope::Scope::resolve(db, principal).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        let actor = Actor::system("seed --demo");
        crate::disclosure::publish(db, &scope, &actor, threshold, "首次公开 first release", None)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
    }
    Ok(())
}
