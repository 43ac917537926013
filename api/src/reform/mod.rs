//! Reforms (撤并转): dissolve an institution (its people placed elsewhere, its slots reclaimed
//! into the reserve), merge institutions into one (people and establishment move), convert an
//! institution to an enterprise (its people and slots leave the establishment system and the
//! ceiling). Each reform is one transaction.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{DepartureReason, EventKind, Funding, InstitutionStatus, ReformKind, StaffStatus};
use entity::{establishment_balance, institution, reform, staff};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::audit::{self, Actor, Change, snapshot};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::{Document, Entry, operation, record_entry};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::graphql::date::Day;
use crate::institution::{CreateInstitutionInput, Institution};
use crate::scope::Scope;
use crate::staff::{Occasion, depart, move_person, record_movement};

pub mod across;
pub mod results;

pub use results::{ReformResults, results_since};

#[derive(InputObject)]
pub struct Destination {
    pub staff_id: ID,
    pub institution_id: ID,
}

#[derive(InputObject)]
pub struct DissolveInput {
    pub institution_id: ID,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Where each remaining person goes; every one must be given.
    #[graphql(default)]
    pub destinations: Vec<Destination>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct MergeInput {
    pub source_ids: Vec<ID>,
    /// An existing institution to merge into…
    pub target_id: Option<ID>,
    /// …or a new one, created in the same transaction.
    pub new_target: Option<CreateInstitutionInput>,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct ConvertInput {
    pub institution_id: ID,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(SimpleObject)]
pub struct ReformResult {
    pub kind: ReformKind,
    /// The institutions the reform ended.
    pub ended: Vec<Institution>,
    /// The institution that received people and slots (a merge).
    pub target: Option<Institution>,
    pub people_moved: i32,
    pub people_left: i32,
    pub slots_reclaimed: i32,
    pub slots_moved: i32,
    pub slots_removed: i32,
}

/// People still on an institution's list (holding a slot, seconded, or temporary).
async fn people_of<C: ConnectionTrait>(db: &C, institution_id: i32) -> ApiResult<Vec<staff::Model>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::InstitutionId.eq(institution_id))
        .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
        .lock_exclusive()
        .all(db)
        .await?)
}

async fn balances_of<C: ConnectionTrait>(db: &C, institution_id: i32) -> ApiResult<Vec<establishment_balance::Model>> {
    Ok(establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(institution_id))
        .all(db)
        .await?)
}

async fn record_reform<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: ReformKind,
    institution: &institution::Model,
    target: Option<i32>,
    document: &Document,
) -> ApiResult<reform::Model> {
    Ok(reform::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        kind: Set(kind),
        institution_id: Set(institution.id),
        target_institution_id: Set(target),
        document_no: Set(document.number.clone()),
        effective_on: Set(document.effective_on),
        reason: Set(document.reason.clone()),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn end_institution<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    before: &institution::Model,
    status: InstitutionStatus,
    merged_into: Option<i32>,
) -> ApiResult<institution::Model> {
    let mut row: institution::ActiveModel = before.clone().into();
    row.status = Set(status);
    row.merged_into_id = Set(merged_into);
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(db).await?;
    // It leaves the evaluation rounds still open: no grade for a unit that no longer exists.
    let reason = match (status, merged_into) {
        (InstitutionStatus::Merged, Some(target)) => format!("merged into institution {target}"),
        (InstitutionStatus::Converted, _) => "converted to an enterprise".to_string(),
        _ => "dissolved".to_string(),
    };
    crate::evaluation::leave_open_rounds(db, after.id, &reason).await?;
    let change = Change {
        action: "institution.reform",
        entity: "institution",
        entity_id: Some(after.id),
        jurisdiction_id: Some(after.jurisdiction_id),
        before: snapshot(before),
        after: snapshot(&after),
    };
    audit::record(db, actor, change).await?;
    Ok(after)
}

/// Empties an institution's balances with one ledger row of `kind` per funding kind that holds
/// slots (its frozen slots go with them); returns the approved slots taken out, by funding.
async fn empty_balances<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution: &institution::Model,
    kind: EventKind,
    document: &Document,
    operation: &str,
    reform_id: i32,
) -> ApiResult<Vec<(Funding, i32)>> {
    let mut emptied = Vec::new();
    for balance in balances_of(db, institution.id).await? {
        if balance.approved == 0 && balance.frozen == 0 {
            continue;
        }
        let entry = Entry {
            jurisdiction_id: institution.jurisdiction_id,
            institution_id: Some(institution.id),
            kind,
            funding: balance.funding,
            approved_delta: -balance.approved,
            frozen_delta: -balance.frozen,
            document,
            operation,
            reform_id: Some(reform_id),
        };
        record_entry(db, actor, entry).await?;
        emptied.push((balance.funding, balance.approved));
    }
    Ok(emptied)
}

fn check_active(institution: &institution::Model) -> ApiResult<()> {
    if institution.status == InstitutionStatus::Active {
        Ok(())
    } else {
        Err(ApiError::conflict(format!("institution `{}` is no longer active", institution.name)))
    }
}

#[tracing::instrument(skip_all)]
pub async fn dissolve(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: DissolveInput,
) -> ApiResult<ReformResult> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.institution_id)?;
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let mut destinations: HashMap<i32, i32> = HashMap::new();
    for d in &input.destinations {
        if destinations.insert(parse_id(&d.staff_id)?, parse_id(&d.institution_id)?).is_some() {
            return Err(ApiError::bad_input("a person is given two destinations"));
        }
    }
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, id).await?;
    check_active(&institution)?;
    let people = people_of(&txn, institution.id).await?;
    let missing: Vec<String> =
        people.iter().filter(|p| !destinations.contains_key(&p.id)).map(|p| p.id.to_string()).collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_input(format!(
            "an institution is dissolved only when no staff remain or every person's destination is given; missing: {}",
            missing.join(", ")
        )));
    }
    if let Some(stray) = destinations.keys().find(|s| !people.iter().any(|p| p.id == **s)) {
        return Err(ApiError::bad_input(format!("person {stray} does not work in this institution")));
    }
    let mut targets: HashMap<i32, institution::Model> = HashMap::new();
    let mut moved = 0;
    for person in people {
        let to_id = destinations[&person.id];
        if let std::collections::hash_map::Entry::Vacant(slot) = targets.entry(to_id) {
            slot.insert(scope.institution_for_write(&txn, to_id).await?);
        }
        move_person(&txn, actor, person, &institution, &targets[&to_id], document.effective_on, Some(&document.number))
            .await?;
        moved += 1;
    }
    let reform = record_reform(&txn, actor, ReformKind::Dissolve, &institution, None, &document).await?;
    let (op, mut reclaimed) = (operation(), 0);
    for (funding, slots) in
        empty_balances(&txn, actor, &institution, EventKind::Reclaim, &document, &op, reform.id).await?
    {
        let into_reserve = Entry {
            jurisdiction_id: institution.jurisdiction_id,
            institution_id: None,
            kind: EventKind::Reclaim,
            funding,
            approved_delta: slots,
            frozen_delta: 0,
            document: &document,
            operation: &op,
            reform_id: Some(reform.id),
        };
        record_entry(&txn, actor, into_reserve).await?;
        reclaimed += slots;
    }
    let ended = end_institution(&txn, actor, &institution, InstitutionStatus::Dissolved, None).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(ReformResult {
        kind: ReformKind::Dissolve,
        ended: vec![Institution(ended)],
        target: None,
        people_moved: moved,
        people_left: 0,
        slots_reclaimed: reclaimed,
        slots_moved: 0,
        slots_removed: 0,
    })
}

#[tracing::instrument(skip_all)]
pub async fn merge(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: MergeInput,
) -> ApiResult<ReformResult> {
    let dry_run = input.dry_run;
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let mut source_ids: Vec<i32> = input.source_ids.iter().map(parse_id).collect::<ApiResult<_>>()?;
    source_ids.sort_unstable();
    source_ids.dedup();
    if source_ids.is_empty() {
        return Err(ApiError::bad_input("name at least one institution to merge"));
    }
    let txn = begin_write(db).await?;
    let target = match (&input.target_id, input.new_target) {
        (Some(id), None) => scope.institution_for_write(&txn, parse_id(id)?).await?,
        (None, Some(new)) => crate::institution::create_in(&txn, scope, actor, new).await?,
        _ => return Err(ApiError::bad_input("give either `targetId` or `newTarget`")),
    };
    scope.dry.touch(target.id);
    check_active(&target)?;
    if source_ids.contains(&target.id) {
        return Err(ApiError::bad_input("an institution cannot be merged into itself"));
    }
    let mut ended = Vec::new();
    let (mut moved_people, mut moved_slots) = (0, 0);
    for source_id in source_ids {
        let source = scope.institution_for_write(&txn, source_id).await?;
        check_active(&source)?;
        if source.jurisdiction_id != target.jurisdiction_id {
            return Err(ApiError::bad_input("institutions are merged within one jurisdiction"));
        }
        let reform = record_reform(&txn, actor, ReformKind::Merge, &source, Some(target.id), &document).await?;
        let op = operation();
        // Establishment first, so the people find their slots waiting at the target.
        for balance in balances_of(&txn, source.id).await? {
            if balance.approved == 0 && balance.frozen == 0 {
                continue;
            }
            let base = Entry {
                jurisdiction_id: source.jurisdiction_id,
                institution_id: Some(source.id),
                kind: EventKind::TransferOut,
                funding: balance.funding,
                approved_delta: 0,
                frozen_delta: 0,
                document: &document,
                operation: &op,
                reform_id: Some(reform.id),
            };
            // The frozen slots move as they are; so does the occupancy with the people below.
            move_occupancy(&txn, source.id, target.id, balance.funding, balance.occupied).await?;
            record_entry(
                &txn,
                actor,
                Entry { approved_delta: -balance.approved, frozen_delta: -balance.frozen, ..base },
            )
            .await?;
            let into = Entry {
                institution_id: Some(target.id),
                kind: EventKind::TransferIn,
                approved_delta: balance.approved,
                frozen_delta: balance.frozen,
                ..base
            };
            record_entry(&txn, actor, into).await?;
            moved_slots += balance.approved;
        }
        crate::institution::leadership::move_on_merger(&txn, source.id, target.id).await?;
        for person in people_of(&txn, source.id).await? {
            let mut row: staff::ActiveModel = person.clone().into();
            row.institution_id = Set(target.id);
            row.updated_at = Set(chrono::Utc::now());
            let moved = row.update(&txn).await?;
            let kinds = [
                (entity::enums::MovementKind::TransferOut, source.id, &target.name),
                (entity::enums::MovementKind::TransferIn, target.id, &source.name),
            ];
            for (kind, at, note) in kinds {
                record_movement(
                    &txn,
                    actor,
                    &moved,
                    at,
                    kind,
                    Occasion {
                        on: document.effective_on,
                        document_no: Some(&document.number),
                        note,
                        reason: Some(kind.word()),
                    },
                )
                .await?;
            }
            moved_people += 1;
        }
        ended.push(Institution(
            end_institution(&txn, actor, &source, InstitutionStatus::Merged, Some(target.id)).await?,
        ));
    }
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(ReformResult {
        kind: ReformKind::Merge,
        ended,
        target: Some(Institution(target)),
        people_moved: moved_people,
        people_left: 0,
        slots_reclaimed: 0,
        slots_moved: moved_slots,
        slots_removed: 0,
    })
}

/// Moves `n` occupied slots of a funding kind from one balance to another (people moving
/// together with their establishment in a merge).
async fn move_occupancy<C: ConnectionTrait>(db: &C, from: i32, to: i32, funding: Funding, n: i32) -> ApiResult<()> {
    use establishment_balance::Column;
    for (institution, delta) in [(from, -n), (to, n)] {
        establishment_balance::Entity::update_many()
            .col_expr(Column::Occupied, Expr::col(Column::Occupied).add(delta))
            .filter(Column::InstitutionId.eq(institution))
            .filter(Column::Funding.eq(funding))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn convert(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: ConvertInput,
) -> ApiResult<ReformResult> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.institution_id)?;
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, id).await?;
    check_active(&institution)?;
    let mut left = 0;
    for person in people_of(&txn, institution.id).await? {
        let note = "converted to an enterprise (转企)";
        depart(
            &txn,
            actor,
            person,
            &institution,
            StaffStatus::Left,
            Occasion {
                on: document.effective_on,
                document_no: Some(&document.number),
                note,
                reason: Some(DepartureReason::Other.word()),
            },
        )
        .await?;
        left += 1;
    }
    let reform = record_reform(&txn, actor, ReformKind::Convert, &institution, None, &document).await?;
    let (mut removed, mut removed_fiscal) = (0, 0);
    let op = operation();
    for (funding, slots) in
        empty_balances(&txn, actor, &institution, EventKind::Convert, &document, &op, reform.id).await?
    {
        removed += slots;
        if funding == Funding::Fiscal {
            removed_fiscal += slots;
        }
    }
    crate::establishment::lower_ceiling_by(&txn, institution.jurisdiction_id, removed, removed_fiscal).await?;
    let ended = end_institution(&txn, actor, &institution, InstitutionStatus::Converted, None).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(ReformResult {
        kind: ReformKind::Convert,
        ended: vec![Institution(ended)],
        target: None,
        people_moved: 0,
        people_left: left,
        slots_reclaimed: 0,
        slots_moved: 0,
        slots_removed: removed,
    })
}

#[derive(Default)]
pub struct ReformMutation;

#[Object]
impl ReformMutation {
    /// Dissolves (撤销) an institution: every remaining person is placed elsewhere in the same
    /// request, and its slots are reclaimed into the jurisdiction's reserve.
    async fn dissolve_institution(&self, ctx: &Context<'_>, input: DissolveInput) -> Result<ReformResult> {
        let answer = dissolve(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }

    /// Merges (合并) institutions into an existing or a new one: people and establishment move.
    async fn merge_institutions(&self, ctx: &Context<'_>, input: MergeInput) -> Result<ReformResult> {
        let answer = merge(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }

    /// Converts (转企) an institution to an enterprise: its people and slots leave the
    /// establishment system, and the control ceiling goes down by its slots.
    async fn convert_to_enterprise(&self, ctx: &Context<'_>, input: ConvertInput) -> Result<ReformResult> {
        let answer = convert(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }
}
