//! Publishing a release: the snapshot taken in one transaction, the withheld records chosen
//! (`suppression`), the release's overview, rows and kept figures, and its audit row.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use entity::enums::{
    Classification, FundingForm, Grade, InstitutionStatus, Level, ManagementMode, RoundStatus, Sector,
};
use entity::{
    department, disclosure_release, establishment_balance, evaluation_round, institution, jurisdiction,
    release_figures, release_institution, round_result,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::audit_query::earlier_bases;
use super::suppression::{self, Record};
use super::{ReleaseCount, ReleaseOverview};
use crate::audit::{self, Actor, Change};
use crate::db::begin_snapshot;
use crate::error::{ApiError, ApiResult};
use crate::establishment::Establishment;
use crate::figures::SizeBand;
use crate::figures::counts_by_institution;
use crate::scope::Scope;

fn tally<T: Copy>(
    all: &[T],
    word: fn(T) -> &'static str,
    values: impl Iterator<Item = &'static str>,
) -> Vec<ReleaseCount> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    all.iter()
        .map(|v| ReleaseCount { key: word(*v).to_string(), count: counts.get(word(*v)).copied().unwrap_or(0) })
        .collect()
}

struct Snapshot {
    row: institution::Model,
    department: String,
    establishment: Establishment,
    staff: crate::figures::StaffCounts,
    grade: Option<(Grade, i32)>,
}

impl Snapshot {
    fn record(&self) -> Record {
        let (s, e) = (&self.staff, &self.establishment);
        let figures = [
            s.in_establishment,
            s.management,
            s.professional_technical,
            s.logistics_service,
            s.temporary,
            e.vacant,
            e.over_establishment,
        ];
        Record::new(self.row.id, figures.map(i64::from))
    }
}

impl ReleaseOverview {
    /// The published column totals, in the audit's order of figures.
    pub(super) fn totals(&self) -> [Option<i64>; suppression::FIGURES] {
        [
            self.staff_in_establishment,
            self.management,
            self.professional_technical,
            self.logistics_service,
            self.temporary,
            Some(self.vacant),
            self.over_establishment,
        ]
    }
}

/// The refusal when no choice of withheld records protects everything.
fn unprotectable(snapshots: &[Snapshot], ids: &[i32], threshold: i32) -> ApiError {
    let names: Vec<&str> =
        snapshots.iter().filter(|s| ids.contains(&s.row.id)).take(5).map(|s| s.row.name.as_str()).collect();
    ApiError::conflict(format!(
        "at threshold {threshold} the figures of {} would still be recoverable from what is public \
         (their establishment, an earlier release, or the totals): publish at a lower threshold, or openly",
        if names.is_empty() { "some institutions".to_string() } else { names.join("、") }
    ))
}

/// Publishes a release: written, audited, sealed with the audit chain's head, signed (when a
/// key is at hand; else at its first download), committed.
#[tracing::instrument(skip_all)]
pub async fn publish(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    threshold: i32,
    note: &str,
    signer: Option<&super::signing::ReleaseSigner>,
) -> ApiResult<disclosure_release::Model> {
    let txn = begin_snapshot(db).await?;
    let (release, _) = write_release(&txn, scope, actor, threshold, note).await?;
    // The chain's head at publication (the release's own audit row is its last link): a later
    // rewrite of the history behind it is visible against what was made public.
    crate::write::settle(&txn).await?;
    let head = audit::head(&txn, false).await?;
    let mut sealed: disclosure_release::ActiveModel = release.into();
    sealed.audit_seq = Set(Some(head.seq));
    sealed.audit_hash = Set(Some(head.hash));
    let release = sealed.update(&txn).await?;
    if let Some(signer) = signer {
        super::signing::sign(&txn, signer, release.id).await?;
    }
    crate::write::commit(txn).await?;
    Ok(release)
}

/// What publishing now would publish, nothing kept: the release is written and audited in a
/// transaction that is rolled back, so the suppression audit's verdict is the real one.
pub async fn preview(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    threshold: i32,
) -> ApiResult<ReleasePreview> {
    let txn = begin_snapshot(db).await?;
    let (release, withheld) = write_release(&txn, scope, actor, threshold, "").await?;
    let latest = disclosure_release::Entity::find()
        .filter(disclosure_release::Column::JurisdictionId.eq(release.jurisdiction_id))
        .filter(disclosure_release::Column::Id.ne(release.id))
        .order_by_desc(disclosure_release::Column::Id)
        .one(&txn)
        .await?;
    let rows = |id: i32| {
        release_institution::Entity::find()
            .filter(release_institution::Column::ReleaseId.eq(id))
            .order_by_asc(release_institution::Column::InstitutionId)
            .all(&txn)
    };
    let now = rows(release.id).await?;
    let before = match &latest {
        Some(l) => rows(l.id).await?,
        None => Vec::new(),
    };
    let preview = ReleasePreview {
        institution_count: release.institution_count,
        withheld: withheld as i32,
        since: latest.map(|l| l.released_at),
        changes: super::changes_between(&before, &now),
    };
    txn.rollback().await?;
    Ok(preview)
}

/// What publishing now would publish: the suppression audit passed (a refusal is the
/// mutation's error), how many records withhold their people figures, and what changed since
/// the latest release.
#[derive(async_graphql::SimpleObject)]
pub struct ReleasePreview {
    pub institution_count: i32,
    /// Records whose people figures the threshold withholds.
    pub withheld: i32,
    /// When the latest release was published (none yet: every record is new).
    pub since: Option<chrono::DateTime<Utc>>,
    pub changes: Vec<super::ReleaseChange>,
}

/// The release's rows and audit row, in the caller's transaction; with how many records withhold.
async fn write_release(
    txn: &sea_orm::DatabaseTransaction,
    scope: &Scope,
    actor: &Actor,
    threshold: i32,
    note: &str,
) -> ApiResult<(disclosure_release::Model, usize)> {
    let own = scope.office()?.id;
    if !(0..=50).contains(&threshold) {
        return Err(ApiError::bad_input("`suppressionThreshold` must be from 0 (publish every count) to 50"));
    }
    // One publication of a jurisdiction at a time: each is audited against the one before it.
    jurisdiction::Entity::update_many()
        .col_expr(jurisdiction::Column::Code, Expr::col(jurisdiction::Column::Code))
        .filter(jurisdiction::Column::Id.eq(own))
        .exec(txn)
        .await?;
    let rows = institution::Entity::find()
        .filter(institution::Column::JurisdictionId.eq(own))
        .filter(institution::Column::Status.eq(InstitutionStatus::Active))
        .order_by_asc(institution::Column::Id)
        .all(txn)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let departments: HashMap<i32, String> = department::Entity::find()
        .filter(department::Column::JurisdictionId.eq(own))
        .all(txn)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut balances: HashMap<i32, Vec<establishment_balance::Model>> = HashMap::new();
    for b in establishment_balance::Entity::find()
        .filter(establishment_balance::Column::JurisdictionId.eq(own))
        .all(txn)
        .await?
    {
        balances.entry(b.institution_id).or_default().push(b);
    }
    let staff = counts_by_institution(txn, &ids).await?;
    let grades = latest_grades(txn, own).await?;
    let snapshots: Vec<Snapshot> = rows
        .into_iter()
        .map(|row| Snapshot {
            department: departments.get(&row.department_id).cloned().unwrap_or_default(),
            establishment: Establishment::from_balances(balances.get(&row.id).map(Vec::as_slice).unwrap_or(&[])),
            staff: staff.get(&row.id).cloned().unwrap_or_default(),
            grade: grades.get(&row.id).copied(),
            row,
        })
        .collect();
    let mut overview = release_overview(&snapshots, threshold);
    let records = snapshots.iter().map(Snapshot::record).collect();
    // Audited with every earlier release: an attacker holds them all.
    let earlier: Vec<suppression::Basis> =
        earlier_bases(txn, own, None).await?.into_iter().map(|(_, basis)| basis).collect();
    let basis = suppression::choose(records, overview.totals(), threshold.into(), &earlier)
        .map_err(|ids| unprotectable(&snapshots, &ids, threshold))?;
    let hidden: Vec<bool> = basis.records.iter().map(|r| r.hidden).collect();
    overview.by_size_band = tally(
        &SizeBand::ALL,
        SizeBand::word,
        snapshots
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| !**h)
            .map(|(s, _)| SizeBand::of(s.staff.in_establishment.into()).word()),
    );
    let release = disclosure_release::ActiveModel {
        jurisdiction_id: Set(own),
        released_at: Set(Utc::now()),
        released_by: Set(actor.subject.clone()),
        note: Set(note.trim().to_string()),
        suppression_threshold: Set(threshold),
        institution_count: Set(snapshots.len() as i32),
        overview: Set(serde_json::to_string(&overview).unwrap_or_default()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut batch = Vec::new();
    for (k, s) in snapshots.iter().enumerate() {
        batch.push(release_institution::ActiveModel {
            release_id: Set(release.id),
            institution_id: Set(s.row.id),
            name: Set(s.row.name.clone()),
            credit_code: Set(s.row.credit_code.clone()),
            department: Set(s.department.clone()),
            sector: Set(s.row.sector.word().into()),
            level: Set(s.row.level.word().into()),
            classification: Set(s.row.classification.word().into()),
            funding_form: Set(s.row.funding_form.word().into()),
            management_mode: Set(s.row.management_mode.word().into()),
            legal_person: Set(s.row.legal_person),
            responsibilities: Set(s.row.responsibilities.clone()),
            internal_bodies: Set(s.row.internal_bodies.clone()),
            leadership_posts: Set(s.row.leadership_posts.clone()),
            approved_fiscal: Set(s.establishment.fiscal),
            approved_self_financed: Set(s.establishment.self_financed),
            // A withheld record stores placeholders, never its figures.
            vacant: Set(if hidden[k] { 0 } else { s.establishment.vacant }),
            deposited: Set(s.establishment.deposited),
            borrowed: Set(s.establishment.borrowed),
            size_band: Set(if hidden[k] {
                String::new()
            } else {
                SizeBand::of(s.staff.in_establishment.into()).word().into()
            }),
            staff_in_establishment: Set(Some(s.staff.in_establishment).filter(|_| !hidden[k])),
            management: Set(Some(s.staff.management).filter(|_| !hidden[k])),
            professional_technical: Set(Some(s.staff.professional_technical).filter(|_| !hidden[k])),
            logistics_service: Set(Some(s.staff.logistics_service).filter(|_| !hidden[k])),
            temporary: Set(Some(s.staff.temporary).filter(|_| !hidden[k])),
            people_hidden: Set(hidden[k]),
            grade: Set(s.grade.map(|g| g.0.word().to_string())),
            grade_year: Set(s.grade.map(|g| g.1)),
            ..Default::default()
        });
        if batch.len() == 200 {
            release_institution::Entity::insert_many(std::mem::take(&mut batch)).exec(txn).await?;
        }
    }
    if !batch.is_empty() {
        release_institution::Entity::insert_many(batch).exec(txn).await?;
    }
    release_figures::ActiveModel {
        release_id: Set(release.id),
        figures: Set(serde_json::to_string(&basis).unwrap_or_default()),
    }
    .insert(txn)
    .await?;
    let change = Change {
        action: "disclosure.release",
        entity: "disclosure_release",
        entity_id: Some(release.id),
        jurisdiction_id: Some(own),
        before: None,
        after: Some(serde_json::json!({
            "institutions": release.institution_count,
            "threshold": threshold,
            "withheld": hidden.iter().filter(|h| **h).count(),
        })),
    };
    audit::record(txn, actor, change).await?;
    Ok((release, hidden.iter().filter(|h| **h).count()))
}

/// The latest published grade of each institution of a jurisdiction.
async fn latest_grades<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<HashMap<i32, (Grade, i32)>> {
    let rounds = evaluation_round::Entity::find()
        .filter(evaluation_round::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(evaluation_round::Column::Status.eq(RoundStatus::Published))
        .all(db)
        .await?;
    let year: HashMap<i32, i32> = rounds.iter().map(|r| (r.id, r.year)).collect();
    let mut latest: HashMap<i32, (Grade, i32)> = HashMap::new();
    for r in round_result::Entity::find()
        .filter(round_result::Column::RoundId.is_in(rounds.iter().map(|r| r.id)))
        .all(db)
        .await?
    {
        let y = year.get(&r.round_id).copied().unwrap_or_default();
        if latest.get(&r.institution_id).is_none_or(|(_, seen)| *seen < y) {
            latest.insert(r.institution_id, (r.grade, y));
        }
    }
    Ok(latest)
}

fn release_overview(snapshots: &[Snapshot], threshold: i32) -> ReleaseOverview {
    let sum = |f: fn(&Snapshot) -> i32| snapshots.iter().map(|s| i64::from(f(s))).sum::<i64>();
    let people = |f: fn(&Snapshot) -> i32| Some(sum(f)).filter(|n| *n == 0 || *n >= i64::from(threshold));
    ReleaseOverview {
        institution_count: snapshots.len() as i64,
        by_level: tally(Level::all(), Level::word, snapshots.iter().map(|s| s.row.level.word())),
        by_funding_form: tally(
            FundingForm::all(),
            FundingForm::word,
            snapshots.iter().map(|s| s.row.funding_form.word()),
        ),
        by_management_mode: tally(
            ManagementMode::all(),
            ManagementMode::word,
            snapshots.iter().map(|s| s.row.management_mode.word()),
        ),
        by_sector: tally(Sector::all(), Sector::word, snapshots.iter().map(|s| s.row.sector.word())),
        by_size_band: tally(
            &SizeBand::ALL,
            SizeBand::word,
            snapshots.iter().map(|s| SizeBand::of(s.staff.in_establishment.into()).word()),
        ),
        by_classification: tally(
            Classification::all(),
            Classification::word,
            snapshots.iter().map(|s| s.row.classification.word()),
        ),
        approved: sum(|s| s.establishment.approved),
        approved_fiscal: sum(|s| s.establishment.fiscal),
        approved_self_financed: sum(|s| s.establishment.self_financed),
        vacant: sum(|s| s.establishment.vacant),
        staff_in_establishment: people(|s| s.staff.in_establishment),
        management: people(|s| s.staff.management),
        over_establishment: people(|s| s.establishment.over_establishment),
        professional_technical: people(|s| s.staff.professional_technical),
        logistics_service: people(|s| s.staff.logistics_service),
        temporary: people(|s| s.staff.temporary),
    }
}
