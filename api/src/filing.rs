//! Hospital total-staff filing (人员总量备案): a public hospital's total headcount is filed
//! from its beds, outpatient volume and grade under a published staffing norm (kept as data),
//! and approved by the staffing office. Staff already in establishment stay on the real-name
//! list; new hires beyond the establishment are filed staff counted against the filed total;
//! when a person in establishment leaves, the slot is reclaimed ("exit one, reclaim one").

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{EventKind, FilingStatus, Funding, HospitalGrade, Sector, StaffBasis, StaffStatus};
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
use crate::graphql::context::{actor, db, scope};
use crate::institution::parse_id;
use crate::scope::Scope;

#[derive(InputObject)]
pub struct HospitalProfileInput {
    pub institution_id: ID,
    pub beds: i32,
    pub annual_outpatient_visits: i32,
    pub grade: HospitalGrade,
}

#[derive(SimpleObject, Debug, Clone, serde::Serialize)]
pub struct FilingBasis {
    pub norm: String,
    pub source: String,
    pub beds: i32,
    pub grade: HospitalGrade,
    /// Staff per bed, within the band's range by grade.
    pub ratio: f64,
    pub bed_staff: i32,
    pub daily_outpatient_visits: f64,
    pub outpatient_staff: i32,
}

/// Where a grade places a hospital within its band's range.
fn grade_position(grade: HospitalGrade) -> f64 {
    match grade {
        HospitalGrade::Grade3A => 1.0,
        HospitalGrade::Grade3 => 0.75,
        HospitalGrade::Grade2A => 0.5,
        HospitalGrade::Grade2 => 0.25,
        HospitalGrade::Grade1 | HospitalGrade::Ungraded => 0.0,
    }
}

/// The proposed total under a norm row.
pub fn propose(norm: &staffing_norm::Model, profile: &hospital_profile::Model) -> (i32, FilingBasis) {
    let ratio = norm.ratio_low + (norm.ratio_high - norm.ratio_low) * grade_position(profile.grade);
    let ratio = (ratio * 1000.0).round() / 1000.0;
    let bed_staff = (f64::from(profile.beds) * ratio).ceil() as i32;
    let daily = f64::from(profile.annual_outpatient_visits) / f64::from(norm.working_days.max(1));
    let extra = (daily - norm.outpatient_bed_ratio * f64::from(profile.beds)).max(0.0);
    let outpatient_staff =
        (extra / f64::from(norm.outpatient_step_visits.max(1)) * norm.outpatient_step_staff).ceil() as i32;
    let basis = FilingBasis {
        norm: norm.name.clone(),
        source: norm.source.clone(),
        beds: profile.beds,
        grade: profile.grade,
        ratio,
        bed_staff,
        daily_outpatient_visits: (daily * 10.0).round() / 10.0,
        outpatient_staff,
    };
    (bed_staff + outpatient_staff, basis)
}

async fn norm_for<C: ConnectionTrait>(db: &C, beds: i32) -> ApiResult<staffing_norm::Model> {
    let rows = staffing_norm::Entity::find().order_by_asc(staffing_norm::Column::BedsFrom).all(db).await?;
    rows.into_iter()
        .rfind(|n| beds >= n.beds_from && n.beds_to.is_none_or(|to| beds < to))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no staffing norm covers {beds} beds")))
}

async fn approved_filing<C: ConnectionTrait>(db: &C, institution_id: i32) -> ApiResult<Option<hospital_filing::Model>> {
    Ok(hospital_filing::Entity::find()
        .filter(hospital_filing::Column::InstitutionId.eq(institution_id))
        .filter(hospital_filing::Column::Status.eq(FilingStatus::Approved))
        .order_by_desc(hospital_filing::Column::Id)
        .one(db)
        .await?)
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
    if institution.sector != Sector::Health {
        return Err(ApiError::bad_input("total-staff filing is for public hospitals (HEALTH sector)"));
    }
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
    row.updated_at = Set(chrono::Utc::now());
    let saved = sea_orm::TryIntoModel::try_into_model(row.save(&txn).await?)?;
    audit::record(
        &txn,
        actor,
        Change::created("filing.profile", "hospital_profile", saved.id, institution.jurisdiction_id, &saved),
    )
    .await?;
    txn.commit().await?;
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
    let norm = norm_for(&txn, profile.beds).await?;
    let (total, basis) = propose(&norm, &profile);
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
    txn.commit().await?;
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
    if total < 1 || total > before.proposed_total * 2 {
        return Err(ApiError::bad_input("the approved total must be positive and within twice the proposal"));
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
    txn.commit().await?;
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
            .await
            .map_err(ApiError::from)?;
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
    async fn ratio(&self) -> Option<f64> {
        self.0["ratio"].as_f64()
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
        let visible =
            scope.institutions().filter(institution::Column::Id.eq(id)).one(db(ctx)).await.map_err(ApiError::from)?;
        if visible.is_none() {
            return Err(ApiError::not_found(format!("institution {id} not found")));
        }
        let row = scope
            .hospital_filings()?
            .filter(hospital_filing::Column::InstitutionId.eq(id))
            .order_by_desc(hospital_filing::Column::Id)
            .one(db(ctx))
            .await
            .map_err(ApiError::from)?;
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
        }
    }

    #[test]
    fn a_400_bed_grade_3a_hospital_with_heavy_outpatients() {
        let profile = hospital_profile::Model {
            id: 1,
            institution_id: 1,
            beds: 400,
            annual_outpatient_visits: 612_000,
            grade: HospitalGrade::Grade3A,
            updated_at: chrono::Utc::now(),
        };
        // 400 beds x 1.50 = 600; 612,000 / 306 = 2,000 a day, 800 beyond 3 per bed: 8 x 6 = 48.
        let (total, basis) = propose(&norm(300, Some(500), 1.40, 1.50), &profile);
        assert_eq!((basis.bed_staff, basis.outpatient_staff, total), (600, 48, 648));
    }
}
