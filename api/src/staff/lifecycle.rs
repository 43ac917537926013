//! The staff lifecycle: transfer between institutions, secondment out and return,
//! retirement, leaving. Each is one transaction; the slot moves with the person, a departure
//! under a reduction plan takes the slot away ("reduce one, verify one"), and every movement
//! is recorded for the institution's timeline.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use entity::enums::{DepartureReason, InstitutionStatus, MovementKind, RetirementBasis, StaffStatus};
use entity::{institution, staff, staff_movement};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};

use super::Staff;
use super::departure::{after_departure, depart};
use super::retirement::{check_extension, check_retirement};
use crate::audit::{self, Actor, Change, snapshot};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::{occupy_slot, release_slot};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, pii, scope};
use crate::graphql::date::Day;
use crate::pii::PiiCipher;
use crate::scope::Scope;

/// When a movement happened, under which document, with what note.
#[derive(Debug, Clone, Copy)]
pub struct Occasion<'a> {
    pub on: NaiveDate,
    pub document_no: Option<&'a str>,
    pub note: &'a str,
    /// Why, as the statistics count changes: an arrival's recruitment word, a departure's
    /// reason word.
    pub reason: Option<&'static str>,
}

/// Writes one line of a person's history.
pub async fn record_movement<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    person: &staff::Model,
    institution_id: i32,
    kind: MovementKind,
    occasion: Occasion<'_>,
) -> ApiResult<()> {
    let Occasion { on, document_no, note, reason } = occasion;
    staff_movement::ActiveModel {
        jurisdiction_id: Set(person.jurisdiction_id),
        staff_id: Set(person.id),
        institution_id: Set(institution_id),
        kind: Set(kind),
        occurred_on: Set(on),
        document_no: Set(document_no.map(str::to_string)),
        note: Set(note.to_string()),
        reason: Set(reason.map(str::to_string)),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn optional_document(raw: &Option<String>) -> ApiResult<Option<String>> {
    match raw.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Ok(Some(codes::document_no(d).map_err(ApiError::BadInput)?)),
        None => Ok(None),
    }
}

fn not_future(on: NaiveDate) -> ApiResult<()> {
    if on > chrono::Utc::now().date_naive() { Err(ApiError::bad_input("the date is in the future")) } else { Ok(()) }
}

/// Moves a person (and their slot) from one institution to another, in the caller's
/// transaction. Leaving the source counts as a departure for its reduction plan.
pub async fn move_person<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    person: staff::Model,
    from: &institution::Model,
    to: &institution::Model,
    on: NaiveDate,
    document_no: Option<&str>,
) -> ApiResult<staff::Model> {
    if to.status != InstitutionStatus::Active {
        return Err(ApiError::conflict(format!("institution `{}` is no longer active", to.name)));
    }
    if from.id == to.id {
        return Err(ApiError::bad_input("the person already works there"));
    }
    if let (Some(funding), true) = (person.basis.funding(), person.status.holds_slot()) {
        release_slot(db, from.id, funding).await?;
        after_departure(db, actor, from, funding, on).await?;
        occupy_slot(db, to.id, funding).await?;
    }
    crate::institution::leadership::end_on_departure(db, person.id, from.id, on).await?;
    super::absence::follow(db, &person, to).await?;
    let out = Occasion { on, document_no, note: &to.name, reason: Some(MovementKind::TransferOut.word()) };
    record_movement(db, actor, &person, from.id, MovementKind::TransferOut, out).await?;
    let mut row: staff::ActiveModel = person.into();
    row.institution_id = Set(to.id);
    row.jurisdiction_id = Set(to.jurisdiction_id);
    row.updated_at = Set(chrono::Utc::now());
    let moved = row.update(db).await?;
    let arrival = Occasion { on, document_no, note: &from.name, reason: Some(MovementKind::TransferIn.word()) };
    record_movement(db, actor, &moved, to.id, MovementKind::TransferIn, arrival).await?;
    Ok(moved)
}

#[derive(InputObject)]
pub struct TransferStaffInput {
    pub staff_id: ID,
    pub to_institution_id: ID,
    pub effective_on: Day,
    pub document_no: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct SecondStaffInput {
    pub staff_id: ID,
    /// The government body the person is seconded to (借调).
    pub seconded_to: String,
    pub effective_on: Day,
    /// The last day of the secondment's approved term; the `offPostOverrun` finding lists a
    /// secondment still running past it.
    pub until: Option<Day>,
    pub document_no: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct StaffDateInput {
    pub staff_id: ID,
    pub effective_on: Day,
    pub document_no: Option<String>,
    #[graphql(default)]
    pub note: String,
    /// `retireStaff` only: why a retirement before the earliest lawful age is lawful (病退,
    /// 特殊工种, 因工致残), with the approving document in `documentNo`.
    pub retirement_basis: Option<RetirementBasis>,
    /// `staffLeaves` only, and required there: why the person left (调出, 辞职, 辞退/解聘,
    /// 考录公务员, 死亡, 开除, 其他), as the annual statistics count departures.
    pub reason: Option<DepartureReason>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

async fn audited<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: &'static str,
    before: &staff::Model,
    after: &staff::Model,
) -> ApiResult<()> {
    let change = Change {
        action,
        entity: "staff",
        entity_id: Some(after.id),
        jurisdiction_id: Some(after.jurisdiction_id),
        before: snapshot(before),
        after: snapshot(after),
    };
    Ok(audit::record(db, actor, change).await?)
}

async fn institution_of<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    person: &staff::Model,
) -> ApiResult<institution::Model> {
    scope.institution_for_write(db, person.institution_id).await
}

#[tracing::instrument(skip_all)]
pub async fn transfer(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: TransferStaffInput,
) -> ApiResult<staff::Model> {
    let dry_run = input.dry_run;
    let (staff_id, to_id) = (parse_id(&input.staff_id)?, parse_id(&input.to_institution_id)?);
    not_future(NaiveDate::from(input.effective_on))?;
    let document = optional_document(&input.document_no)?;
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, staff_id).await?;
    if before.status != StaffStatus::Active {
        return Err(ApiError::conflict("only an active person can be transferred"));
    }
    // Lock both institutions in id order so opposite transfers cannot deadlock.
    let from_id = before.institution_id;
    let (first, second) = (from_id.min(to_id), from_id.max(to_id));
    let a = scope.institution_for_write(&txn, first).await?;
    let b = if first == second { a.clone() } else { scope.institution_for_write(&txn, second).await? };
    let (from, to) = if a.id == from_id { (a, b) } else { (b, a) };
    let after =
        move_person(&txn, actor, before.clone(), &from, &to, NaiveDate::from(input.effective_on), document.as_deref())
            .await?;
    audited(&txn, actor, "staff.transfer", &before, &after).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after)
}

#[tracing::instrument(skip_all)]
async fn second(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: SecondStaffInput,
) -> ApiResult<staff::Model> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.staff_id)?;
    not_future(NaiveDate::from(input.effective_on))?;
    let body = codes::name("secondedTo", &input.seconded_to).map_err(ApiError::BadInput)?;
    let document = optional_document(&input.document_no)?;
    if input.until.is_some_and(|until| until < input.effective_on) {
        return Err(ApiError::bad_input("`until` is before the secondment begins"));
    }
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, id).await?;
    if before.status != StaffStatus::Active || before.basis.funding().is_none() {
        return Err(ApiError::conflict("only an active person in establishment can be seconded out"));
    }
    super::absence::check_on_post(&txn, &before).await?;
    record_movement(
        &txn,
        actor,
        &before,
        before.institution_id,
        MovementKind::SecondOut,
        Occasion {
            on: NaiveDate::from(input.effective_on),
            document_no: document.as_deref(),
            note: &body,
            reason: None,
        },
    )
    .await?;
    let mut row: staff::ActiveModel = before.clone().into();
    row.status = Set(StaffStatus::SecondedOut);
    row.seconded_to = Set(Some(body));
    row.seconded_since = Set(Some(NaiveDate::from(input.effective_on)));
    row.seconded_until = Set(input.until.map(NaiveDate::from));
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    audited(&txn, actor, "staff.second", &before, &after).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after)
}

#[tracing::instrument(skip_all)]
async fn give_back(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: StaffDateInput,
) -> ApiResult<staff::Model> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.staff_id)?;
    not_future(NaiveDate::from(input.effective_on))?;
    let document = optional_document(&input.document_no)?;
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, id).await?;
    if before.status != StaffStatus::SecondedOut {
        return Err(ApiError::conflict("the person is not seconded out"));
    }
    record_movement(
        &txn,
        actor,
        &before,
        before.institution_id,
        MovementKind::Return,
        Occasion {
            on: NaiveDate::from(input.effective_on),
            document_no: document.as_deref(),
            note: &input.note,
            reason: None,
        },
    )
    .await?;
    let mut row: staff::ActiveModel = before.clone().into();
    row.status = Set(StaffStatus::Active);
    row.seconded_to = Set(None);
    row.seconded_since = Set(None);
    row.seconded_until = Set(None);
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    audited(&txn, actor, "staff.return", &before, &after).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after)
}

#[tracing::instrument(skip_all, fields(?status))]
pub async fn end<C: crate::db::Writes>(
    db: &C,
    pii: &PiiCipher,
    scope: &Scope,
    actor: &Actor,
    input: StaffDateInput,
    status: StaffStatus,
) -> ApiResult<staff::Model> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.staff_id)?;
    not_future(NaiveDate::from(input.effective_on))?;
    let document = optional_document(&input.document_no)?;
    let basis = input.retirement_basis;
    if basis.is_some() && status != StaffStatus::Retired {
        return Err(ApiError::bad_input("`retirementBasis` is for a retirement"));
    }
    let reason = match (status, input.reason) {
        (StaffStatus::Retired, None | Some(DepartureReason::Retirement)) => DepartureReason::Retirement,
        (StaffStatus::Retired, Some(_)) => return Err(ApiError::bad_input("a retirement's `reason` is RETIREMENT")),
        (_, Some(DepartureReason::Retirement)) => {
            return Err(ApiError::bad_input("a retirement is recorded with `retireStaff`"));
        }
        (_, Some(reason)) => reason,
        (_, None) => {
            return Err(ApiError::bad_input(
                "`reason` is required: why the person left (TRANSFER_OUT, RESIGNATION, DISMISSAL, CIVIL_SERVICE, \
                 DEATH, EXPULSION or OTHER)",
            ));
        }
    };
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, id).await?;
    if status == StaffStatus::Retired {
        let number = pii.decrypt(&before.national_id_cipher).map_err(ApiError::internal)?;
        let national_id = codes::NationalId::parse(&number).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
        check_retirement(
            &national_id,
            before.category,
            NaiveDate::from(input.effective_on),
            basis,
            document.as_deref(),
        )?;
    }
    let institution = institution_of(&txn, scope, &before).await?;
    let after = depart(
        &txn,
        actor,
        before.clone(),
        &institution,
        status,
        Occasion {
            on: NaiveDate::from(input.effective_on),
            document_no: document.as_deref(),
            note: &input.note,
            reason: Some(reason.word()),
        },
    )
    .await?;
    let after = match basis {
        Some(basis) => {
            let mut row: staff::ActiveModel = after.into();
            row.retirement_basis = Set(Some(basis));
            row.update(&txn).await?
        }
        None => after,
    };
    let action = if status == StaffStatus::Retired { "staff.retire" } else { "staff.leave" };
    audited(&txn, actor, action, &before, &after).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(after)
}

#[derive(InputObject)]
pub struct RetirementExtensionInput {
    pub staff_id: ID,
    /// The last day in post: past the statutory retirement day, by at most three years.
    pub until: Day,
    /// The agreement's approving document (协商一致, 报批).
    pub document_no: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// Records an agreed flexible postponement (弹性延迟退休) of a person in post.
#[tracing::instrument(skip_all)]
async fn extend(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    scope: &Scope,
    actor: &Actor,
    input: RetirementExtensionInput,
) -> ApiResult<staff::Model> {
    let id = parse_id(&input.staff_id)?;
    let document = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, id).await?;
    if !matches!(before.status, StaffStatus::Active | StaffStatus::SecondedOut) {
        return Err(ApiError::conflict("the person has already retired or left"));
    }
    let number = pii.decrypt(&before.national_id_cipher).map_err(ApiError::internal)?;
    let national_id = codes::NationalId::parse(&number).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    check_extension(&national_id, before.category, NaiveDate::from(input.until))?;
    let mut row: staff::ActiveModel = before.clone().into();
    row.retirement_extended_to = Set(Some(NaiveDate::from(input.until)));
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    // The audit row keeps the agreement's document with the record as it is after.
    let mut change =
        Change::updated("staff.extend_retirement", "staff", after.id, after.jurisdiction_id, &before, &after);
    if let Some(serde_json::Value::Object(record)) = change.after.as_mut() {
        record.insert("document_no".into(), serde_json::Value::from(document));
    }
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(after)
}

#[derive(Default)]
pub struct LifecycleMutation;

#[Object]
impl LifecycleMutation {
    /// Moves a person and their slot to another institution of the same office.
    async fn transfer_staff(&self, ctx: &Context<'_>, input: TransferStaffInput) -> Result<Staff> {
        let row = transfer(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }

    /// Seconds a person out to a government body (借调); the slot stays occupied.
    async fn second_staff(&self, ctx: &Context<'_>, input: SecondStaffInput) -> Result<Staff> {
        let row = second(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }

    /// Ends a secondment.
    async fn return_staff(&self, ctx: &Context<'_>, input: StaffDateInput) -> Result<Staff> {
        let row = give_back(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }

    /// Retires a person; the slot is freed (or taken away under a reduction plan). From the
    /// earliest lawful day (the statutory age less three years of flexible early retirement,
    /// never below the age before 2025); before it, with a `retirementBasis` and its document.
    async fn retire_staff(&self, ctx: &Context<'_>, input: StaffDateInput) -> Result<Staff> {
        let row = end(db(ctx), pii(ctx), scope(ctx), &actor(ctx), input, StaffStatus::Retired).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }

    /// Records an agreed flexible postponement of retirement (弹性延迟退休): the person stays in
    /// post past the statutory day, until `until` (at most three years past it).
    async fn record_retirement_extension(&self, ctx: &Context<'_>, input: RetirementExtensionInput) -> Result<Staff> {
        let row = extend(db(ctx), pii(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }

    /// Records that a person has left; the slot is freed (or taken away under a reduction plan).
    async fn staff_leaves(&self, ctx: &Context<'_>, input: StaffDateInput) -> Result<Staff> {
        let row = end(db(ctx), pii(ctx), scope(ctx), &actor(ctx), input, StaffStatus::Left).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }
}
