//! The office's audit of a release: each withheld figure's feasible interval over everything
//! public (the release, its totals, every release before it), and whether the release is sound.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{disclosure_release, release_figures, release_institution};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::ReleaseOverview;
use super::suppression::{Audit, AuditField, Basis, FIGURES, OVER, Record, VACANT};
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{db, scope};

/// Every release of a jurisdiction (before release `before`, if given) that can be audited,
/// oldest first, with what each was chosen from.
pub(super) async fn earlier_bases<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
    before: Option<i32>,
) -> ApiResult<Vec<(disclosure_release::Model, Basis)>> {
    let mut query = disclosure_release::Entity::find()
        .filter(disclosure_release::Column::JurisdictionId.eq(jurisdiction_id))
        .order_by_asc(disclosure_release::Column::Id);
    if let Some(id) = before {
        query = query.filter(disclosure_release::Column::Id.lt(id));
    }
    let mut out = Vec::new();
    for release in query.all(db).await? {
        if let Some(basis) = basis_of(db, &release).await? {
            out.push((release, basis));
        }
    }
    Ok(out)
}

/// What a release was chosen from: kept since audits began; for an older release published
/// openly, its published figures (all of them public); an older suppressed release has none.
pub(super) async fn basis_of<C: ConnectionTrait>(
    db: &C,
    release: &disclosure_release::Model,
) -> ApiResult<Option<Basis>> {
    if let Some(kept) = release_figures::Entity::find_by_id(release.id).one(db).await? {
        return Ok(serde_json::from_str(&kept.figures).ok());
    }
    if release.suppression_threshold > 0 {
        return Ok(None);
    }
    let rows = release_institution::Entity::find()
        .filter(release_institution::Column::ReleaseId.eq(release.id))
        .all(db)
        .await?;
    let records = rows
        .iter()
        .map(|r| {
            let count = |v: Option<i32>| i64::from(v.unwrap_or(0));
            let mut values = [0; FIGURES];
            values[..OVER].copy_from_slice(&[
                count(r.staff_in_establishment),
                count(r.management),
                count(r.professional_technical),
                count(r.logistics_service),
                count(r.temporary),
                i64::from(r.vacant),
            ]);
            Record::new(r.institution_id, values)
        })
        .collect();
    let overview: ReleaseOverview = serde_json::from_str(&release.overview).unwrap_or_default();
    Ok(Some(Basis { threshold: 0, records, totals: overview.totals() }))
}

/// One withheld figure and its feasible interval.
#[derive(SimpleObject)]
pub struct AuditedFigure {
    /// The release the figure belongs to (the audited one, or an earlier one whose withheld
    /// figure the later releases would narrow).
    pub release_id: ID,
    pub institution_id: ID,
    pub name: String,
    pub field: AuditField,
    /// The figure's true value when its release was made (the office's own data).
    pub value: i32,
    /// The least and greatest values consistent with everything public; `high` is null
    /// when nothing public bounds the figure from above.
    pub low: i32,
    pub high: Option<i32>,
    /// `high - low`, null when unbounded; sound when at least the release's threshold.
    pub width: Option<i32>,
    pub sound: bool,
}

/// The audit of one release.
#[derive(SimpleObject)]
pub struct ReleaseAudit {
    pub release_id: ID,
    /// The jurisdiction's release before this one, if any.
    pub previous_release_id: Option<ID>,
    /// How many releases were audited together: this one and every earlier one of its
    /// jurisdiction (an attacker holds them all).
    pub releases_compared: i32,
    pub threshold: i32,
    /// Whether every withheld figure, of this release and of every one before, is at least its
    /// release's threshold wide.
    pub sound: bool,
    /// Records of this release whose people figures are withheld.
    pub withheld_records: i32,
    /// Withheld figures checked (this release's and every earlier one's).
    pub figures_checked: i32,
    /// The narrowest withheld figures first (at most `first`).
    pub figures: Vec<AuditedFigure>,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audits a release of the caller's office (or of a jurisdiction below it): every
    /// withheld figure's feasible interval over what is public, computed by linear
    /// programming, narrowest first.
    async fn release_audit(
        &self,
        ctx: &Context<'_>,
        release_id: ID,
        #[graphql(default = 100)] first: i32,
    ) -> Result<ReleaseAudit> {
        let (db, scope) = (db(ctx), scope(ctx));
        scope.office()?;
        if !(0..=1_000).contains(&first) {
            return Err(ApiError::bad_input("`first` may be 0 to 1000"));
        }
        let id = parse_id(&release_id)?;
        let missing = || ApiError::not_found(format!("release {id} not found"));
        let release = disclosure_release::Entity::find_by_id(id).one(db).await?.ok_or_else(missing)?;
        if !scope.reads_jurisdiction(release.jurisdiction_id) {
            return Err(missing());
        }
        let basis = basis_of(db, &release)
            .await?
            .ok_or_else(|| ApiError::conflict("this release was published before its figures were kept for audit"))?;
        let earlier = earlier_bases(db, release.jurisdiction_id, Some(id)).await?;
        let mut ids: Vec<i32> = earlier.iter().map(|(r, _)| r.id).collect();
        ids.push(id);
        let mut releases: Vec<&Basis> = earlier.iter().map(|(_, b)| b).collect();
        releases.push(&basis);
        let audit = Audit::of(&releases);
        let mut bounds: Vec<_> = audit.bounds.iter().collect();
        bounds.sort_by_key(|b| (b.width().unwrap_or(i64::MAX), b.institution_id, b.field, b.release));
        bounds.truncate(first as usize);
        let shown: Vec<i32> = bounds.iter().map(|b| b.institution_id).collect();
        let names: HashMap<i32, String> = release_institution::Entity::find()
            .filter(release_institution::Column::ReleaseId.is_in(ids.iter().copied()))
            .filter(release_institution::Column::InstitutionId.is_in(shown))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.institution_id, r.name))
            .collect();
        let figures = bounds
            .iter()
            .map(|b| AuditedFigure {
                release_id: ID(ids.get(b.release).copied().unwrap_or(id).to_string()),
                institution_id: ID(b.institution_id.to_string()),
                name: names.get(&b.institution_id).cloned().unwrap_or_default(),
                field: AuditField::ALL[b.field.min(VACANT)],
                value: b.value as i32,
                low: b.low as i32,
                high: b.high.map(|h| h as i32),
                width: b.width().map(|w| w as i32),
                sound: b.sound(),
            })
            .collect();
        Ok(ReleaseAudit {
            release_id,
            previous_release_id: earlier.last().map(|(p, _)| ID(p.id.to_string())),
            releases_compared: ids.len() as i32,
            threshold: release.suppression_threshold,
            sound: audit.sound(),
            withheld_records: basis.records.iter().filter(|r| r.hidden).count() as i32,
            figures_checked: audit.bounds.len() as i32,
            figures,
        })
    }
}
