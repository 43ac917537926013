//! The office's audit of a release: each withheld figure's feasible interval over everything
//! public (the release, its totals, the release before it), and whether the release is sound.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{disclosure_release, release_figures, release_institution};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::ReleaseOverview;
use super::suppression::{Audit, AuditField, Basis, FIGURES, OVER, Record, Side, VACANT};
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{db, scope};
use crate::institution::parse_id;

/// The latest release of a jurisdiction (before release `before`, if given) and what it was
/// chosen from.
pub(super) async fn previous_basis<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
    before: Option<i32>,
) -> ApiResult<Option<Basis>> {
    let mut query = disclosure_release::Entity::find()
        .filter(disclosure_release::Column::JurisdictionId.eq(jurisdiction_id))
        .order_by_desc(disclosure_release::Column::Id);
    if let Some(id) = before {
        query = query.filter(disclosure_release::Column::Id.lt(id));
    }
    match query.one(db).await? {
        Some(release) => basis_of(db, &release).await,
        None => Ok(None),
    }
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
    /// The release the figure belongs to (the audited one, or the one before it when the
    /// audited release would narrow what that one withheld).
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
    /// The release audited against (the jurisdiction's one before it), if any.
    pub previous_release_id: Option<ID>,
    pub threshold: i32,
    /// Whether every withheld figure, of this release and of the one before, is at least its
    /// release's threshold wide.
    pub sound: bool,
    /// Records of this release whose people figures are withheld.
    pub withheld_records: i32,
    /// Withheld figures checked (this release's and, where linked, the previous one's).
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
        let previous = disclosure_release::Entity::find()
            .filter(disclosure_release::Column::JurisdictionId.eq(release.jurisdiction_id))
            .filter(disclosure_release::Column::Id.lt(id))
            .order_by_desc(disclosure_release::Column::Id)
            .one(db)
            .await?;
        let previous_basis = match &previous {
            Some(p) => basis_of(db, p).await?,
            None => None,
        };
        let audit = Audit::of(&basis, previous_basis.as_ref());
        let names: HashMap<i32, String> = release_institution::Entity::find()
            .filter(
                release_institution::Column::ReleaseId
                    .is_in([Some(id), previous.as_ref().map(|p| p.id)].into_iter().flatten()),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.institution_id, r.name))
            .collect();
        let mut bounds: Vec<_> = audit.bounds.iter().collect();
        bounds.sort_by_key(|b| (b.width().unwrap_or(i64::MAX), b.institution_id, b.field));
        let previous_id = previous.as_ref().map(|p| p.id).unwrap_or(id);
        let figures = bounds
            .iter()
            .take(first as usize)
            .map(|b| AuditedFigure {
                release_id: ID((if b.side == Side::New { id } else { previous_id }).to_string()),
                institution_id: ID(b.institution_id.to_string()),
                name: names.get(&b.institution_id).cloned().unwrap_or_default(),
                field: AuditField::ALL[b.field.min(VACANT)],
                value: b.value as i32,
                low: b.low as i32,
                high: b.high.map(|h| h as i32),
                width: b.width().map(|w| w as i32),
                sound: b.width().is_none_or(|w| w >= audit.threshold(b.side)),
            })
            .collect();
        Ok(ReleaseAudit {
            release_id,
            previous_release_id: previous.map(|p| ID(p.id.to_string())),
            threshold: release.suppression_threshold,
            sound: audit.sound(),
            withheld_records: basis.records.iter().filter(|r| r.hidden).count() as i32,
            figures_checked: audit.bounds.len() as i32,
            figures,
        })
    }
}
