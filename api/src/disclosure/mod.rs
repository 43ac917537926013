//! Information disclosure (信息公开): a staffing office publishes a release — a consistent
//! snapshot, taken in one transaction, of every active institution's public record. The
//! public reads releases only, never live tables; a release never changes. At a threshold
//! above zero, records with a count that could single out a person withhold their people
//! figures, with partners chosen until the audit (`suppression`) finds nothing withheld
//! recoverable within less than the threshold from anything public.

mod audit_query;
mod publish;
pub mod signing;
pub mod suppression;

pub use audit_query::AuditQuery;
pub use publish::{ReleasePreview, publish};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{Classification, FundingForm, Grade, Level, ManagementMode, Sector};
use entity::{disclosure_release, jurisdiction, release_institution};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::overview::Count;

/// Release rows by release id. Releases never change, so entries never go stale; the map is
/// bounded so memory stays flat however many releases are read.
#[derive(Default)]
pub struct ReleaseCache {
    rows: Mutex<HashMap<i32, Arc<Vec<release_institution::Model>>>>,
}

const CACHED_RELEASES: usize = 128;

impl ReleaseCache {
    pub async fn rows(
        &self,
        db: &DatabaseConnection,
        release_id: i32,
    ) -> ApiResult<Arc<Vec<release_institution::Model>>> {
        if let Some(rows) = self.rows.lock().ok().and_then(|m| m.get(&release_id).cloned()) {
            return Ok(rows);
        }
        let rows = release_institution::Entity::find()
            .filter(release_institution::Column::ReleaseId.eq(release_id))
            .order_by_asc(release_institution::Column::Name)
            .all(db)
            .await?;
        let rows = Arc::new(rows);
        if let Ok(mut map) = self.rows.lock() {
            if map.len() >= CACHED_RELEASES {
                map.clear();
            }
            map.insert(release_id, rows.clone());
        }
        Ok(rows)
    }
}

/// The CONTRACT.md overview computed over a release (from the true values at release time:
/// aggregates over many institutions are safe to publish).
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone, Default)]
pub struct ReleaseOverview {
    pub institution_count: i64,
    pub by_level: Vec<ReleaseCount>,
    pub by_funding_form: Vec<ReleaseCount>,
    pub by_management_mode: Vec<ReleaseCount>,
    pub by_sector: Vec<ReleaseCount>,
    pub by_size_band: Vec<ReleaseCount>,
    pub by_classification: Vec<ReleaseCount>,
    pub approved: i64,
    pub approved_fiscal: i64,
    pub approved_self_financed: i64,
    pub vacant: i64,
    /// Staff totals; `null` when below the release's threshold (a small total could single
    /// out a person).
    pub staff_in_establishment: Option<i64>,
    pub management: Option<i64>,
    pub professional_technical: Option<i64>,
    pub logistics_service: Option<i64>,
    pub temporary: Option<i64>,
    /// People over establishment (超编): inherited in self-financed units, recorded, and
    /// never worsened by a hire. `null` below the threshold.
    #[serde(default)]
    pub over_establishment: Option<i64>,
}

#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ReleaseCount {
    pub key: String,
    pub count: i64,
}

impl From<Count> for ReleaseCount {
    fn from(c: Count) -> Self {
        Self { key: c.key, count: c.count }
    }
}

pub struct DisclosedInstitution(pub release_institution::Model);

#[Object]
impl DisclosedInstitution {
    async fn id(&self) -> ID {
        ID(self.0.institution_id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// None for a unit that is not a legal person and has no code.
    async fn credit_code(&self) -> Option<&str> {
        self.0.credit_code.as_deref()
    }
    async fn department(&self) -> &str {
        &self.0.department
    }
    async fn sector(&self) -> Option<Sector> {
        Sector::from_word(&self.0.sector)
    }
    async fn level(&self) -> Option<Level> {
        Level::from_word(&self.0.level)
    }
    async fn classification(&self) -> Option<Classification> {
        Classification::from_word(&self.0.classification)
    }
    async fn funding_form(&self) -> Option<FundingForm> {
        FundingForm::from_word(&self.0.funding_form)
    }
    async fn management_mode(&self) -> Option<ManagementMode> {
        ManagementMode::from_word(&self.0.management_mode)
    }
    async fn legal_person(&self) -> bool {
        self.0.legal_person
    }
    /// 三定: responsibilities and tasks.
    async fn responsibilities(&self) -> &str {
        &self.0.responsibilities
    }
    async fn internal_bodies(&self) -> Vec<String> {
        serde_json::from_str(&self.0.internal_bodies).unwrap_or_default()
    }
    async fn leadership_posts(&self) -> Vec<crate::institution::LeadershipPost> {
        serde_json::from_str(&self.0.leadership_posts).unwrap_or_default()
    }
    async fn approved(&self) -> i32 {
        self.0.approved_fiscal + self.0.approved_self_financed
    }
    async fn approved_fiscal(&self) -> i32 {
        self.0.approved_fiscal
    }
    async fn approved_self_financed(&self) -> i32 {
        self.0.approved_self_financed
    }
    /// `null` when the record's people figures are withheld (with staff, a vacancy count
    /// would give them away).
    async fn vacant(&self) -> Option<i32> {
        published_vacant(&self.0)
    }
    /// Slots deposited in the jurisdiction's turnover pool (周转池), decided in public documents.
    async fn deposited(&self) -> i32 {
        self.0.deposited
    }
    /// Slots borrowed from the turnover pool.
    async fn borrowed(&self) -> i32 {
        self.0.borrowed
    }
    /// `null` when suppressed (a small count that could single out a person).
    async fn staff_in_establishment(&self) -> Option<i32> {
        self.0.staff_in_establishment
    }
    async fn management(&self) -> Option<i32> {
        self.0.management
    }
    async fn professional_technical(&self) -> Option<i32> {
        self.0.professional_technical
    }
    async fn logistics_service(&self) -> Option<i32> {
        self.0.logistics_service
    }
    async fn temporary(&self) -> Option<i32> {
        self.0.temporary
    }
    /// Whether this record's people figures are withheld.
    async fn suppressed(&self) -> bool {
        self.0.people_hidden
            || [
                self.0.staff_in_establishment,
                self.0.management,
                self.0.professional_technical,
                self.0.logistics_service,
                self.0.temporary,
            ]
            .iter()
            .any(Option::is_none)
    }
    async fn grade(&self) -> Option<Grade> {
        self.0.grade.as_deref().and_then(Grade::from_word)
    }
    async fn grade_year(&self) -> Option<i32> {
        self.0.grade_year
    }
}

/// A record's published vacancy count (`None` when withheld).
pub fn published_vacant(row: &release_institution::Model) -> Option<i32> {
    Some(row.vacant).filter(|_| !row.people_hidden)
}

pub struct Release {
    row: disclosure_release::Model,
    code: String,
    name: String,
}

#[Object]
impl Release {
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    async fn jurisdiction(&self) -> &str {
        &self.code
    }
    async fn jurisdiction_name(&self) -> &str {
        &self.name
    }
    async fn released_at(&self) -> DateTime<Utc> {
        self.row.released_at
    }
    async fn suppression_threshold(&self) -> i32 {
        self.row.suppression_threshold
    }
    async fn institution_count(&self) -> i32 {
        self.row.institution_count
    }
    /// How to check this release offline: the key that signed it, when, and where its signed
    /// bytes and signature are. Null until it is signed (a release published before releases
    /// were signed is signed when the server starts, or at its first download).
    async fn signature(&self, ctx: &Context<'_>) -> Result<Option<signing::ReleaseSignature>> {
        let loaders = ctx.data_unchecked::<crate::graphql::loaders::Loaders>();
        loaders.release_signatures.load_one(self.row.id).await.map_err(crate::graphql::loaders::to_api)
    }
    /// The audit chain's head when the release was published (position and hash): anyone
    /// holding it can see later whether the history behind the release was rewritten.
    async fn audit_chain_seq(&self) -> Option<i64> {
        self.row.audit_seq
    }
    async fn audit_chain_hash(&self) -> Option<&str> {
        self.row.audit_hash.as_deref()
    }
    /// The overview computed over this release.
    async fn overview(&self) -> ReleaseOverview {
        serde_json::from_str(&self.row.overview).unwrap_or_default()
    }
    /// The release's institutions, filtered; from the release cache.
    #[allow(clippy::too_many_arguments)]
    async fn institutions(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        sector: Option<Sector>,
        classification: Option<Classification>,
        #[graphql(default = 50)] first: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> Result<DisclosedPage> {
        if !(0..=200).contains(&first) || offset < 0 {
            return Err(ApiError::bad_input("`first` may be 0 to 200 and `offset` not negative"));
        }
        let rows = ctx.data_unchecked::<ReleaseCache>().rows(db(ctx), self.row.id).await?;
        let search = search.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let matching: Vec<&release_institution::Model> = rows
            .iter()
            .filter(|r| search.as_ref().is_none_or(|s| r.name.contains(s.as_str())))
            .filter(|r| sector.is_none_or(|s| r.sector == s.word()))
            .filter(|r| classification.is_none_or(|c| r.classification == c.word()))
            .collect();
        let total_count = matching.len() as i32;
        let items = matching
            .into_iter()
            .skip(offset as usize)
            .take(first as usize)
            .cloned()
            .map(DisclosedInstitution)
            .collect();
        Ok(DisclosedPage { total_count, items })
    }
    /// One institution's record in this release.
    async fn institution(&self, ctx: &Context<'_>, id: ID) -> Result<Option<DisclosedInstitution>> {
        let id = parse_id(&id)?;
        let rows = ctx.data_unchecked::<ReleaseCache>().rows(db(ctx), self.row.id).await?;
        Ok(rows.iter().find(|r| r.institution_id == id).cloned().map(DisclosedInstitution))
    }
}

#[derive(SimpleObject)]
pub struct DisclosedPage {
    pub total_count: i32,
    pub items: Vec<DisclosedInstitution>,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(SimpleObject)]
pub struct ReleaseChange {
    pub institution_id: ID,
    pub name: String,
    pub kind: ChangeKind,
    /// The public fields that differ (for CHANGED).
    pub fields: Vec<String>,
}

async fn release_of(db: &DatabaseConnection, id: i32) -> ApiResult<Release> {
    let row = disclosure_release::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("release {id} not found")))?;
    let j = jurisdiction::Entity::find_by_id(row.jurisdiction_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("jurisdiction"))?;
    Ok(Release { row, code: j.code, name: j.name })
}

/// The newest release of each of `places` that has one, in the order of `places`: two
/// statements however many places there are.
async fn latest_releases(db: &DatabaseConnection, places: &[jurisdiction::Model]) -> ApiResult<Vec<Release>> {
    use disclosure_release::Column;
    let newest: Vec<Option<i32>> = disclosure_release::Entity::find()
        .select_only()
        .column_as(Column::Id.max(), "id")
        .filter(Column::JurisdictionId.is_in(places.iter().map(|j| j.id)))
        .group_by(Column::JurisdictionId)
        .into_tuple()
        .all(db)
        .await?;
    let rows =
        disclosure_release::Entity::find().filter(Column::Id.is_in(newest.into_iter().flatten())).all(db).await?;
    let mut by_place: HashMap<i32, disclosure_release::Model> =
        rows.into_iter().map(|r| (r.jurisdiction_id, r)).collect();
    Ok(places
        .iter()
        .filter_map(|j| by_place.remove(&j.id).map(|row| Release { row, code: j.code.clone(), name: j.name.clone() }))
        .collect())
}

/// A jurisdiction named by the public, by its code.
async fn jurisdiction_by_code(db: &DatabaseConnection, code: &str) -> ApiResult<jurisdiction::Model> {
    jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("jurisdiction {code} not found")))
}

/// What changed between two releases' rows: records added, changed (with the public fields
/// that differ) and removed.
pub(crate) fn changes_between(
    old: &[release_institution::Model],
    new: &[release_institution::Model],
) -> Vec<ReleaseChange> {
    let old_by: HashMap<i32, &release_institution::Model> = old.iter().map(|r| (r.institution_id, r)).collect();
    let new_by: HashMap<i32, &release_institution::Model> = new.iter().map(|r| (r.institution_id, r)).collect();
    let change = |r: &release_institution::Model, kind, fields| ReleaseChange {
        institution_id: ID(r.institution_id.to_string()),
        name: r.name.clone(),
        kind,
        fields,
    };
    let mut changes = Vec::new();
    for r in new {
        match old_by.get(&r.institution_id) {
            None => changes.push(change(r, ChangeKind::Added, Vec::new())),
            Some(before) => {
                let fields = differences(before, r);
                if !fields.is_empty() {
                    changes.push(change(r, ChangeKind::Changed, fields));
                }
            }
        }
    }
    for r in old.iter().filter(|r| !new_by.contains_key(&r.institution_id)) {
        changes.push(change(r, ChangeKind::Removed, Vec::new()));
    }
    changes
}

fn differences(a: &release_institution::Model, b: &release_institution::Model) -> Vec<String> {
    let mut fields = Vec::new();
    let mut check = |name: &str, same: bool| {
        if !same {
            fields.push(name.to_string());
        }
    };
    check("name", a.name == b.name);
    check("department", a.department == b.department);
    check("sector", a.sector == b.sector);
    check("level", a.level == b.level);
    check("classification", a.classification == b.classification);
    check("fundingForm", a.funding_form == b.funding_form);
    check("managementMode", a.management_mode == b.management_mode);
    check("responsibilities", a.responsibilities == b.responsibilities);
    check("approvedFiscal", a.approved_fiscal == b.approved_fiscal);
    check("approvedSelfFinanced", a.approved_self_financed == b.approved_self_financed);
    check("vacant", published_vacant(a) == published_vacant(b));
    check("deposited", a.deposited == b.deposited);
    check("borrowed", a.borrowed == b.borrowed);
    check("staffInEstablishment", a.staff_in_establishment == b.staff_in_establishment);
    check("temporary", a.temporary == b.temporary);
    check("grade", a.grade == b.grade);
    fields
}

#[derive(Default)]
pub struct DisclosureQuery;

#[Object]
impl DisclosureQuery {
    /// A jurisdiction's releases, newest first (public).
    async fn disclosure_releases(&self, ctx: &Context<'_>, jurisdiction: String) -> Result<Vec<Release>> {
        let db = db(ctx);
        let j = jurisdiction_by_code(db, &jurisdiction).await?;
        let rows = disclosure_release::Entity::find()
            .filter(disclosure_release::Column::JurisdictionId.eq(j.id))
            .order_by_desc(disclosure_release::Column::Id)
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|row| Release { row, code: j.code.clone(), name: j.name.clone() }).collect())
    }

    /// A release (public): the given one, or the jurisdiction's latest.
    async fn disclosure(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        release_id: Option<ID>,
    ) -> Result<Option<Release>> {
        let db = db(ctx);
        if let Some(id) = release_id {
            let release = release_of(db, parse_id(&id)?).await?;
            if release.code != jurisdiction {
                return Err(ApiError::not_found("that release is not this jurisdiction's"));
            }
            return Ok(Some(release));
        }
        let j = jurisdiction_by_code(db, &jurisdiction).await?;
        Ok(latest_releases(db, std::slice::from_ref(&j)).await?.pop())
    }

    /// The latest releases of the jurisdictions directly below (a city's counties).
    async fn child_disclosures(&self, ctx: &Context<'_>, jurisdiction: String) -> Result<Vec<Release>> {
        let db = db(ctx);
        let parent = jurisdiction_by_code(db, &jurisdiction).await?;
        let children = jurisdiction::Entity::find()
            .filter(jurisdiction::Column::ParentId.eq(parent.id))
            .order_by_asc(jurisdiction::Column::Code)
            .all(db)
            .await?;
        latest_releases(db, &children).await
    }

    /// What changed between two releases of one jurisdiction (public).
    async fn release_changes(&self, ctx: &Context<'_>, from: ID, to: ID) -> Result<Vec<ReleaseChange>> {
        let db = db(ctx);
        let (a, b) = (release_of(db, parse_id(&from)?).await?, release_of(db, parse_id(&to)?).await?);
        if a.row.jurisdiction_id != b.row.jurisdiction_id {
            return Err(ApiError::bad_input("releases of different jurisdictions"));
        }
        let cache = ctx.data_unchecked::<ReleaseCache>();
        let (old, new) = (cache.rows(db, a.row.id).await?, cache.rows(db, b.row.id).await?);
        Ok(changes_between(&old, &new))
    }
}

#[derive(Default)]
pub struct DisclosureMutation;

#[Object]
impl DisclosureMutation {
    /// Publishes a release of the caller's jurisdiction: a consistent snapshot of every active
    /// institution's public record. The default, `suppressionThreshold: 0`, publishes every
    /// count openly, as Chinese real-name disclosure (实名制公示) does; `n > 0` hides staff
    /// counts below `n` (a statistical-office practice an office may choose).
    async fn publish_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] suppression_threshold: i32,
        #[graphql(default)] note: String,
    ) -> Result<Release> {
        let signer = ctx.data_opt::<Arc<signing::ReleaseSigner>>().map(|signer| signer.as_ref());
        let row = publish(db(ctx), scope(ctx), &actor(ctx), suppression_threshold, &note, signer).await?;
        release_of(db(ctx), row.id).await
    }

    /// What `publishRelease` would publish now, nothing kept: the suppression audit's verdict
    /// (a refusal is this mutation's error, as it would be the publication's), the records that
    /// withhold their people figures, and the changes since the latest release.
    async fn preview_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] suppression_threshold: i32,
    ) -> Result<ReleasePreview> {
        publish::preview(db(ctx), scope(ctx), &actor(ctx), suppression_threshold).await
    }
}
