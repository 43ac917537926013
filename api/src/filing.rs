//! Hospital total-staff filing (人员总量备案): a public hospital's total headcount is filed
//! from its beds, outpatient volume and grade under a published staffing norm (kept as data),
//! and approved by the staffing office. Staff already in establishment stay on the real-name
//! list; new hires beyond the establishment are filed staff counted against the filed total;
//! when a person in establishment leaves, the slot is reclaimed ("exit one, reclaim one").

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{EventKind, FilingStatus, Funding, HospitalGrade, HospitalKind, Sector, StaffBasis, StaffStatus};
use entity::{hospital_filing, hospital_profile, institution, staff, staffing_norm};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::{Document, Entry, operation, record_entry};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::scope::Scope;

#[derive(InputObject)]
pub struct HospitalProfileInput {
    pub institution_id: ID,
    pub beds: i32,
    pub annual_outpatient_visits: i32,
    /// Recorded with the profile; the norm does not use it.
    pub grade: HospitalGrade,
    /// Picks the norm: a general hospital's, or a TCM hospital's when one is configured.
    #[graphql(default_with = "HospitalKind::General")]
    pub kind: HospitalKind,
}

/// How a proposal follows the norm, term by term, with the range the norm allows.
#[derive(SimpleObject, Debug, Clone, serde::Serialize)]
pub struct FilingBasis {
    pub norm: String,
    pub source: String,
    pub beds: i32,
    pub grade: HospitalGrade,
    pub kind: HospitalKind,
    /// Why the norm applied is not one for this kind of hospital, when it is not.
    pub note: Option<String>,
    /// The band's bed-to-staff range; `ratio` is its middle.
    pub ratio_low: f64,
    pub ratio_high: f64,
    pub ratio: f64,
    /// Beds times the middle ratio.
    pub bed_staff: i32,
    pub daily_outpatient_visits: f64,
    /// Staff the outpatient term adds (or, below three visits per bed a day, removes), at the
    /// middle of its 5-7 per 100 visits.
    pub outpatient_staff: i32,
    /// The lowest and highest totals the norm allows; an approved total lies within them.
    pub low: i32,
    pub high: i32,
}

const GENERAL_FOR_TCM: &str = "No staffing norm for traditional Chinese medicine hospitals is configured, so the 1978 \
    general-hospital norm applies: it is the one published norm this system holds, and the report files its TCM \
    hospital under total-staff filing like the general hospitals. An office that adopts a TCM norm adds its rows \
    (staffing_norm, kind TCM) with their source, and TCM hospitals then use them.";

/// The proposal under a norm row: the middle of the range the norm allows.
pub fn propose(
    norm: &staffing_norm::Model,
    profile: &hospital_profile::Model,
    note: Option<String>,
) -> (i32, FilingBasis) {
    let beds = f64::from(profile.beds);
    let daily = f64::from(profile.annual_outpatient_visits) / f64::from(norm.working_days.max(1));
    // Visits beyond three per bed a day add staff; visits short of it remove them.
    let steps = (daily - norm.outpatient_bed_ratio * beds) / f64::from(norm.outpatient_step_visits.max(1));
    let (per_step_low, per_step_high) = if steps >= 0.0 {
        (norm.outpatient_staff_low, norm.outpatient_staff_high)
    } else {
        (norm.outpatient_staff_high, norm.outpatient_staff_low)
    };
    let low = (beds * norm.ratio_low + steps * per_step_low).round().max(1.0) as i32;
    let high = (beds * norm.ratio_high + steps * per_step_high).round().max(1.0) as i32;
    let ratio = ((norm.ratio_low + norm.ratio_high) / 2.0 * 1000.0).round() / 1000.0;
    let per_step = (norm.outpatient_staff_low + norm.outpatient_staff_high) / 2.0;
    let basis = FilingBasis {
        norm: norm.name.clone(),
        source: norm.source.clone(),
        beds: profile.beds,
        grade: profile.grade,
        kind: profile.kind,
        note,
        ratio_low: norm.ratio_low,
        ratio_high: norm.ratio_high,
        ratio,
        bed_staff: (beds * ratio).round() as i32,
        daily_outpatient_visits: (daily * 10.0).round() / 10.0,
        outpatient_staff: (steps * per_step).round() as i32,
        low: low.min(high),
        high: high.max(low),
    };
    ((low + high + 1) / 2, basis)
}

/// The norm row for a hospital: its own kind's band, or the general norm's with a note.
async fn norm_for<C: ConnectionTrait>(
    db: &C,
    beds: i32,
    kind: HospitalKind,
) -> ApiResult<(staffing_norm::Model, Option<String>)> {
    let rows = staffing_norm::Entity::find().order_by_asc(staffing_norm::Column::BedsFrom).all(db).await?;
    let band = |kind: HospitalKind| {
        rows.iter().rfind(|n| n.kind == kind.word() && beds >= n.beds_from && n.beds_to.is_none_or(|to| beds < to))
    };
    if let Some(own) = band(kind) {
        return Ok((own.clone(), None));
    }
    let note = (kind != HospitalKind::General).then(|| GENERAL_FOR_TCM.to_string());
    band(HospitalKind::General)
        .cloned()
        .map(|norm| (norm, note))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no staffing norm covers {beds} beds")))
}

/// Total-staff filing is for public hospitals: HEALTH-sector institutions named as hospitals
/// (医院), not every health unit (a contraceptive-supply station has no beds to file by).
fn check_hospital(institution: &institution::Model) -> ApiResult<()> {
    if institution.sector != Sector::Health || !institution.name.contains("医院") {
        return Err(ApiError::bad_input("total-staff filing is for public hospitals (医院 in the HEALTH sector)"));
    }
    Ok(())
}

async fn approved_filing<C: ConnectionTrait>(db: &C, institution_id: i32) -> ApiResult<Option<hospital_filing::Model>> {
    Ok(hospital_filing::Entity::find()
        .filter(hospital_filing::Column::InstitutionId.eq(institution_id))
        .filter(hospital_filing::Column::Status.eq(FilingStatus::Approved))
        .order_by_desc(hospital_filing::Column::Id)
        .one(db)
        .await?)
}

/// Whether a hospital has an approved total-staff filing.
pub async fn is_filed<C: ConnectionTrait>(db: &C, institution_id: i32) -> ApiResult<bool> {
    Ok(approved_filing(db, institution_id).await?.is_some())
}

/// Filed staff are hired only under an approved filing and within its total (staff in
/// establishment plus filed staff). Called with the institution row locked.
pub async fn check_filed_hire<C: ConnectionTrait>(db: &C, institution: &institution::Model) -> ApiResult<()> {
    let filing = approved_filing(db, institution.id).await?.ok_or_else(|| {
        ApiError::conflict("filed staff are hired only by a hospital with an approved total-staff filing")
    })?;
    let people = staff::Entity::find()
        .filter(staff::Column::InstitutionId.eq(institution.id))
        .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced, StaffBasis::Filed]))
        .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
        .count(db)
        .await?;
    let total = filing.approved_total.unwrap_or(filing.proposed_total);
    if people >= total as u64 {
        return Err(ApiError::conflict(format!("the hospital's filed total of {total} is reached")));
    }
    Ok(())
}

/// For each hospital among `ids` with an approved filing: how many more people in
/// establishment or filed it may hold under its total (the check of [`check_filed_hire`] for
/// many hires at once). Hospitals without an approved filing are absent.
pub async fn filed_room<C: ConnectionTrait>(db: &C, ids: &[i32]) -> ApiResult<HashMap<i32, i64>> {
    let mut room = HashMap::new();
    for chunk in ids.chunks(1000) {
        let filings = hospital_filing::Entity::find()
            .filter(hospital_filing::Column::InstitutionId.is_in(chunk.iter().copied()))
            .filter(hospital_filing::Column::Status.eq(FilingStatus::Approved))
            .order_by_asc(hospital_filing::Column::Id)
            .all(db)
            .await?;
        // The newest approved filing wins, as in `approved_filing`.
        for filing in filings {
            room.insert(filing.institution_id, i64::from(filing.approved_total.unwrap_or(filing.proposed_total)));
        }
        let people: Vec<(i32, i64)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::InstitutionId)
            .column_as(staff::Column::Id.count(), "n")
            .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
            .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced, StaffBasis::Filed]))
            .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
            .group_by(staff::Column::InstitutionId)
            .into_tuple()
            .all(db)
            .await?;
        for (institution_id, n) in people {
            if let Some(left) = room.get_mut(&institution_id) {
                *left -= n;
            }
        }
    }
    Ok(room)
}

/// "Exit one, reclaim one" (出一收一): in a filed hospital the slot a person in establishment
/// frees goes to the reserve. Returns whether it did.
pub async fn reclaim_on_departure<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution: &institution::Model,
    funding: Funding,
    on: NaiveDate,
) -> ApiResult<bool> {
    let Some(filing) = approved_filing(db, institution.id).await? else { return Ok(false) };
    let document = Document {
        number: filing.document_no.clone().unwrap_or_else(|| format!("filing {}", filing.id)),
        effective_on: on,
        reason: "出一收一: a filed hospital's vacated establishment slot is reclaimed".into(),
    };
    let op = operation();
    let out = Entry {
        jurisdiction_id: institution.jurisdiction_id,
        institution_id: Some(institution.id),
        kind: EventKind::Reclaim,
        funding,
        approved_delta: -1,
        frozen_delta: 0,
        document: &document,
        operation: &op,
        reform_id: None,
    };
    match record_entry(db, actor, out).await {
        Ok(()) => {}
        Err(ApiError::Conflict(_)) => return Ok(false),
        Err(other) => return Err(other),
    }
    record_entry(db, actor, Entry { institution_id: None, approved_delta: 1, ..out }).await?;
    Ok(true)
}

pub async fn set_profile(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: HospitalProfileInput,
) -> ApiResult<hospital_profile::Model> {
    if !(1..=20_000).contains(&input.beds) || !(0..=50_000_000).contains(&input.annual_outpatient_visits) {
        return Err(ApiError::bad_input("beds must be from 1 to 20000 and outpatient visits not negative"));
    }
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, parse_id(&input.institution_id)?).await?;
    check_hospital(&institution)?;
    let existing = hospital_profile::Entity::find()
        .filter(hospital_profile::Column::InstitutionId.eq(institution.id))
        .one(&txn)
        .await?;
    let mut row: hospital_profile::ActiveModel = match existing {
        Some(row) => row.into(),
        None => hospital_profile::ActiveModel { institution_id: Set(institution.id), ..Default::default() },
    };
    row.beds = Set(input.beds);
    row.annual_outpatient_visits = Set(input.annual_outpatient_visits);
    row.grade = Set(input.grade);
    row.kind = Set(input.kind);
    row.updated_at = Set(chrono::Utc::now());
    let saved = sea_orm::TryIntoModel::try_into_model(row.save(&txn).await?)?;
    audit::record(
        &txn,
        actor,
        Change::created("filing.profile", "hospital_profile", saved.id, institution.jurisdiction_id, &saved),
    )
    .await?;
    crate::write::commit(txn).await?;
    Ok(saved)
}

pub async fn propose_filing(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    institution_id: i32,
) -> ApiResult<hospital_filing::Model> {
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, institution_id).await?;
    let profile = hospital_profile::Entity::find()
        .filter(hospital_profile::Column::InstitutionId.eq(institution.id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input("set the hospital's profile (beds, outpatient visits, grade) first"))?;
    check_hospital(&institution)?;
    let (norm, note) = norm_for(&txn, profile.beds, profile.kind).await?;
    let (total, basis) = propose(&norm, &profile, note);
    hospital_filing::Entity::delete_many()
        .filter(hospital_filing::Column::InstitutionId.eq(institution.id))
        .filter(hospital_filing::Column::Status.eq(FilingStatus::Proposed))
        .exec(&txn)
        .await?;
    let row = hospital_filing::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        proposed_total: Set(total),
        approved_total: Set(None),
        status: Set(FilingStatus::Proposed),
        document_no: Set(None),
        basis: Set(serde_json::to_string(&basis).unwrap_or_default()),
        created_at: Set(chrono::Utc::now()),
        approved_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, Change::created("filing.propose", "hospital_filing", row.id, row.jurisdiction_id, &row))
        .await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

pub async fn approve_filing(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    filing_id: i32,
    approved_total: Option<i32>,
    document_no: &str,
) -> ApiResult<hospital_filing::Model> {
    let document_no = codes::document_no(document_no).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let before = hospital_filing::Entity::find_by_id(filing_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("filing {filing_id} not found")))?;
    scope.institution_for_write(&txn, before.institution_id).await?;
    if before.status != FilingStatus::Proposed {
        return Err(ApiError::conflict("the filing is already approved"));
    }
    let total = approved_total.unwrap_or(before.proposed_total);
    let basis: serde_json::Value = serde_json::from_str(&before.basis).unwrap_or_default();
    let bound = |key: &str| basis[key].as_i64().map(|v| v as i32);
    let (low, high) = (bound("low").unwrap_or(1), bound("high").unwrap_or(before.proposed_total * 2));
    if !(low..=high).contains(&total) {
        return Err(ApiError::bad_input(format!(
            "the approved total must lie within the norm's range, {low} to {high}"
        )));
    }
    let mut row: hospital_filing::ActiveModel = before.clone().into();
    row.status = Set(FilingStatus::Approved);
    row.approved_total = Set(Some(total));
    row.document_no = Set(Some(document_no));
    row.approved_at = Set(Some(chrono::Utc::now()));
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Change::updated("filing.approve", "hospital_filing", after.id, after.jurisdiction_id, &before, &after),
    )
    .await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

pub struct Filing(pub hospital_filing::Model);

#[Object]
impl Filing {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn institution_id(&self) -> ID {
        ID(self.0.institution_id.to_string())
    }
    async fn proposed_total(&self) -> i32 {
        self.0.proposed_total
    }
    async fn approved_total(&self) -> Option<i32> {
        self.0.approved_total
    }
    async fn status(&self) -> FilingStatus {
        self.0.status
    }
    async fn document_no(&self) -> Option<&str> {
        self.0.document_no.as_deref()
    }
    /// How the proposal was computed from the norm.
    async fn basis(&self) -> Option<FilingBasisView> {
        serde_json::from_str::<serde_json::Value>(&self.0.basis).ok().map(FilingBasisView)
    }
    /// Staff in establishment plus filed staff now (active or seconded).
    async fn staff_total(&self, ctx: &Context<'_>) -> Result<i64> {
        let n = staff::Entity::find()
            .filter(staff::Column::InstitutionId.eq(self.0.institution_id))
            .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced, StaffBasis::Filed]))
            .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
            .count(db(ctx))
            .await?;
        Ok(n as i64)
    }
}

pub struct FilingBasisView(serde_json::Value);

#[Object]
impl FilingBasisView {
    async fn norm(&self) -> Option<&str> {
        self.0["norm"].as_str()
    }
    async fn source(&self) -> Option<&str> {
        self.0["source"].as_str()
    }
    /// The middle of the band's bed-to-staff range.
    async fn ratio(&self) -> Option<f64> {
        self.0["ratio"].as_f64()
    }
    async fn ratio_low(&self) -> Option<f64> {
        self.0["ratio_low"].as_f64()
    }
    async fn ratio_high(&self) -> Option<f64> {
        self.0["ratio_high"].as_f64()
    }
    /// The lowest total the norm allows (an approved total lies within `low` and `high`).
    async fn low(&self) -> Option<i64> {
        self.0["low"].as_i64()
    }
    async fn high(&self) -> Option<i64> {
        self.0["high"].as_i64()
    }
    /// Why the norm applied is not one for this kind of hospital, when it is not.
    async fn note(&self) -> Option<&str> {
        self.0["note"].as_str()
    }
    async fn bed_staff(&self) -> Option<i64> {
        self.0["bed_staff"].as_i64()
    }
    async fn daily_outpatient_visits(&self) -> Option<f64> {
        self.0["daily_outpatient_visits"].as_f64()
    }
    async fn outpatient_staff(&self) -> Option<i64> {
        self.0["outpatient_staff"].as_i64()
    }
}

#[derive(Default)]
pub struct FilingQuery;

#[Object]
impl FilingQuery {
    /// A hospital's latest filing (proposed or approved).
    async fn hospital_filing(&self, ctx: &Context<'_>, institution_id: ID) -> Result<Option<Filing>> {
        let scope = scope(ctx);
        scope.require_internal()?;
        let id = parse_id(&institution_id)?;
        let visible = scope.institutions().filter(institution::Column::Id.eq(id)).one(db(ctx)).await?;
        if visible.is_none() {
            return Err(ApiError::not_found(format!("institution {id} not found")));
        }
        let row = scope
            .hospital_filings()?
            .filter(hospital_filing::Column::InstitutionId.eq(id))
            .order_by_desc(hospital_filing::Column::Id)
            .one(db(ctx))
            .await?;
        Ok(row.map(Filing))
    }
}

#[derive(Default)]
pub struct FilingMutation;

#[Object]
impl FilingMutation {
    async fn set_hospital_profile(&self, ctx: &Context<'_>, input: HospitalProfileInput) -> Result<ID> {
        Ok(ID(set_profile(db(ctx), scope(ctx), &actor(ctx), input).await?.id.to_string()))
    }
    /// Proposes the hospital's total from the staffing norm.
    async fn propose_staffing_filing(&self, ctx: &Context<'_>, institution_id: ID) -> Result<Filing> {
        Ok(Filing(propose_filing(db(ctx), scope(ctx), &actor(ctx), parse_id(&institution_id)?).await?))
    }
    /// Approves a proposed filing (with the proposal's total unless another is given).
    async fn approve_staffing_filing(
        &self,
        ctx: &Context<'_>,
        filing_id: ID,
        approved_total: Option<i32>,
        document_no: String,
    ) -> Result<Filing> {
        let id = parse_id(&filing_id)?;
        Ok(Filing(approve_filing(db(ctx), scope(ctx), &actor(ctx), id, approved_total, &document_no).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(from: i32, to: Option<i32>, low: f64, high: f64) -> staffing_norm::Model {
        staffing_norm::Model {
            id: 1,
            name: "1978".into(),
            source: String::new(),
            beds_from: from,
            beds_to: to,
            ratio_low: low,
            ratio_high: high,
            outpatient_bed_ratio: 3.0,
            outpatient_step_visits: 100,
            outpatient_step_staff: 6.0,
            working_days: 306,
            kind: "GENERAL".into(),
            outpatient_staff_low: 5.0,
            outpatient_staff_high: 7.0,
        }
    }

    fn profile(beds: i32, annual_outpatient_visits: i32) -> hospital_profile::Model {
        hospital_profile::Model {
            id: 1,
            institution_id: 1,
            beds,
            annual_outpatient_visits,
            grade: HospitalGrade::Grade3A,
            kind: HospitalKind::General,
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn heavy_outpatients_add_staff_within_the_norms_range() {
        // 400 beds x 1.40-1.50 = 560-600; 612,000 / 306 = 2,000 a day, 800 beyond 3 per bed:
        // 8 steps x 5-7 = 40-56. Range 600-656, proposal its middle, 628.
        let (total, basis) = propose(&norm(300, Some(501), 1.40, 1.50), &profile(400, 612_000), None);
        assert_eq!((basis.low, basis.high, total), (600, 656, 628));
        assert_eq!(basis.outpatient_staff, 48);
    }

    #[test]
    fn few_outpatients_remove_staff() {
        // 600 beds x 1.60-1.70 = 960-1,020; 450,000 / 306 = 1,470.6 a day, 329.4 short of 1,800:
        // -3.294 steps x 7-5 = -23.1 to -16.5. Range 937-1,004.
        let (total, basis) = propose(&norm(501, None, 1.60, 1.70), &profile(600, 450_000), None);
        assert_eq!((basis.low, basis.high), (937, 1004));
        assert_eq!(total, 971);
        assert!(basis.outpatient_staff < 0);
    }
}
