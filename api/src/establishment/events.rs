//! Establishment events: approve, reduce, freeze, unfreeze, reclaim into the reserve,
//! allocate from the reserve, transfer between institutions. Each is one transaction with one
//! ledger row per balance it touches, its rule checked by a conditional update, and its audit
//! row.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{EventKind, Funding, InstitutionStatus};
use entity::{establishment_balance, establishment_event, institution, reserve_balance};
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter};

use super::Establishment;
use super::ceiling::check_new_slots;
use super::ledger::{Document, Entry, operation, record_entry};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::graphql::date::Day;
use crate::institution::Institution;
use crate::scope::Scope;

#[derive(InputObject)]
pub struct InitialEstablishmentInput {
    pub institution_id: async_graphql::ID,
    /// Fiscally funded slots (财政拨款).
    pub fiscal: i32,
    /// Self-financed slots (自收自支).
    pub self_financed: i32,
    /// 文号 of the approving document.
    pub document_no: String,
    pub effective_on: Day,
    #[graphql(default)]
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// Sets an institution's initial establishment as approval events. Later changes are
/// establishment events of their own, so a second initial setting is refused.
#[tracing::instrument(skip_all)]
pub async fn set_initial(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: InitialEstablishmentInput,
) -> ApiResult<Establishment> {
    let dry_run = input.dry_run;
    let institution_id = crate::graphql::context::parse_id(&input.institution_id)?;
    if !(0..=100_000).contains(&input.fiscal) || !(0..=100_000).contains(&input.self_financed) {
        return Err(ApiError::bad_input("establishment figures must be whole numbers from 0 to 100000"));
    }
    if input.fiscal == 0 && input.self_financed == 0 {
        return Err(ApiError::bad_input("an initial establishment needs at least one slot"));
    }
    let reason = if input.reason.trim().is_empty() { "initial establishment" } else { input.reason.trim() };
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), reason)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, institution_id).await?;
    let approvals = establishment_event::Entity::find()
        .filter(establishment_event::Column::InstitutionId.eq(institution.id))
        .count(&txn)
        .await?;
    if approvals > 0 {
        return Err(ApiError::conflict(
            "the institution's establishment is already set; change it through establishment events",
        ));
    }
    let operation = operation();
    for (funding, slots) in [(Funding::Fiscal, input.fiscal), (Funding::SelfFinanced, input.self_financed)] {
        if slots > 0 {
            check_new_slots(&txn, institution.jurisdiction_id, funding, slots).await?;
            let entry = Entry {
                jurisdiction_id: institution.jurisdiction_id,
                institution_id: Some(institution.id),
                kind: EventKind::Approve,
                funding,
                approved_delta: slots,
                frozen_delta: 0,
                document: &document,
                operation: &operation,
                reform_id: None,
            };
            record_entry(&txn, actor, entry).await?;
        }
    }
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(institution.id))
        .all(&txn)
        .await?;
    let establishment = Establishment::from_balances(&balances);
    audit::record(
        &txn,
        actor,
        Change {
            action: "establishment.set_initial",
            entity: "institution",
            entity_id: Some(institution.id),
            jurisdiction_id: Some(institution.jurisdiction_id),
            before: None,
            after: Some(serde_json::json!({
                "fiscal": input.fiscal, "selfFinanced": input.self_financed,
                "documentNo": document.number, "effectiveOn": input.effective_on,
            })),
        },
    )
    .await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(establishment)
}

/// The establishment events an office records on one institution.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EstablishmentAction {
    /// New slots (核增), within the control ceiling.
    Approve,
    /// Slots cancelled (核减): vacant, unfrozen ones only.
    Reduce,
    /// Vacant slots frozen (冻结): not to be filled.
    Freeze,
    Unfreeze,
    /// Vacant, unfrozen slots reclaimed (收回) into the jurisdiction's reserve.
    Reclaim,
    /// Slots allocated (调剂) from the jurisdiction's reserve.
    Allocate,
}

#[derive(InputObject)]
pub struct EstablishmentEventInput {
    pub institution_id: ID,
    pub action: EstablishmentAction,
    pub funding: Funding,
    pub slots: i32,
    /// 文号
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct TransferEstablishmentInput {
    pub from_institution_id: ID,
    pub to_institution_id: ID,
    pub funding: Funding,
    pub slots: i32,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct ReserveReductionInput {
    pub funding: Funding,
    pub slots: i32,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ReserveBalance {
    pub funding: Funding,
    pub slots: i32,
}

/// What an establishment event changed: the institutions it touched and the reserve after it.
#[derive(SimpleObject)]
pub struct EstablishmentChange {
    /// Groups the ledger rows of this change.
    pub operation: String,
    pub institutions: Vec<Institution>,
    pub reserve: Vec<ReserveBalance>,
}

fn positive(slots: i32) -> ApiResult<()> {
    if (1..=100_000).contains(&slots) {
        Ok(())
    } else {
        Err(ApiError::bad_input("`slots` must be a whole number from 1 to 100000"))
    }
}

async fn reserve_of(txn: &DatabaseTransaction, jurisdiction_id: i32) -> ApiResult<Vec<ReserveBalance>> {
    let rows = reserve_balance::Entity::find()
        .filter(reserve_balance::Column::JurisdictionId.eq(jurisdiction_id))
        .all(txn)
        .await?;
    Ok(Funding::all()
        .iter()
        .map(|f| ReserveBalance { funding: *f, slots: rows.iter().find(|r| r.funding == *f).map_or(0, |r| r.slots) })
        .collect())
}

fn active(institution: &institution::Model) -> ApiResult<()> {
    if institution.status == InstitutionStatus::Active {
        Ok(())
    } else {
        Err(ApiError::conflict(format!("institution `{}` is no longer active", institution.name)))
    }
}

fn entry<'a>(
    institution: Option<&institution::Model>,
    jurisdiction_id: i32,
    kind: EventKind,
    funding: Funding,
    deltas: (i32, i32),
    document: &'a Document,
    operation: &'a str,
) -> Entry<'a> {
    Entry {
        jurisdiction_id,
        institution_id: institution.map(|i| i.id),
        kind,
        funding,
        approved_delta: deltas.0,
        frozen_delta: deltas.1,
        document,
        operation,
        reform_id: None,
    }
}

#[tracing::instrument(skip_all, fields(action = ?input.action))]
pub async fn record_event(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: EstablishmentEventInput,
) -> ApiResult<EstablishmentChange> {
    let dry_run = input.dry_run;
    let id = parse_id(&input.institution_id)?;
    positive(input.slots)?;
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, id).await?;
    active(&institution)?;
    let (jurisdiction, funding, n, op) = (institution.jurisdiction_id, input.funding, input.slots, operation());
    let inst = Some(&institution);
    let rows = match input.action {
        EstablishmentAction::Approve => {
            check_new_slots(&txn, jurisdiction, funding, n).await?;
            vec![entry(inst, jurisdiction, EventKind::Approve, funding, (n, 0), &document, &op)]
        }
        EstablishmentAction::Reduce => {
            vec![entry(inst, jurisdiction, EventKind::Reduce, funding, (-n, 0), &document, &op)]
        }
        EstablishmentAction::Freeze => {
            vec![entry(inst, jurisdiction, EventKind::Freeze, funding, (0, n), &document, &op)]
        }
        EstablishmentAction::Unfreeze => {
            vec![entry(inst, jurisdiction, EventKind::Unfreeze, funding, (0, -n), &document, &op)]
        }
        EstablishmentAction::Reclaim => vec![
            entry(inst, jurisdiction, EventKind::Reclaim, funding, (-n, 0), &document, &op),
            entry(None, jurisdiction, EventKind::Reclaim, funding, (n, 0), &document, &op),
        ],
        EstablishmentAction::Allocate => vec![
            entry(None, jurisdiction, EventKind::Allocate, funding, (-n, 0), &document, &op),
            entry(inst, jurisdiction, EventKind::Allocate, funding, (n, 0), &document, &op),
        ],
    };
    for row in rows {
        record_entry(&txn, actor, row).await?;
    }
    let change = Change {
        action: "establishment.event",
        entity: "institution",
        entity_id: Some(institution.id),
        jurisdiction_id: Some(jurisdiction),
        before: None,
        after: Some(serde_json::json!({
            "action": format!("{:?}", input.action), "funding": funding.word(), "slots": n,
            "documentNo": document.number, "effectiveOn": document.effective_on, "reason": document.reason,
            "operation": op,
        })),
    };
    audit::record(&txn, actor, change).await?;
    let reserve = reserve_of(&txn, jurisdiction).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(EstablishmentChange { operation: op, institutions: vec![Institution(institution)], reserve })
}

#[tracing::instrument(skip_all)]
pub async fn transfer(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: TransferEstablishmentInput,
) -> ApiResult<EstablishmentChange> {
    let dry_run = input.dry_run;
    let (from_id, to_id) = (parse_id(&input.from_institution_id)?, parse_id(&input.to_institution_id)?);
    positive(input.slots)?;
    if from_id == to_id {
        return Err(ApiError::bad_input("a transfer needs two different institutions"));
    }
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let txn = begin_write(db).await?;
    // Lock in id order so two opposite transfers cannot deadlock.
    let (first, second) = (from_id.min(to_id), from_id.max(to_id));
    let a = scope.institution_for_write(&txn, first).await?;
    let b = scope.institution_for_write(&txn, second).await?;
    let (from, to) = if a.id == from_id { (a, b) } else { (b, a) };
    active(&from)?;
    active(&to)?;
    if from.jurisdiction_id != to.jurisdiction_id {
        return Err(ApiError::bad_input("establishment is transferred (划转) within one jurisdiction"));
    }
    let op = operation();
    let (funding, n) = (input.funding, input.slots);
    record_entry(
        &txn,
        actor,
        entry(Some(&from), from.jurisdiction_id, EventKind::TransferOut, funding, (-n, 0), &document, &op),
    )
    .await?;
    record_entry(
        &txn,
        actor,
        entry(Some(&to), to.jurisdiction_id, EventKind::TransferIn, funding, (n, 0), &document, &op),
    )
    .await?;
    let change = Change {
        action: "establishment.transfer",
        entity: "institution",
        entity_id: Some(from.id),
        jurisdiction_id: Some(from.jurisdiction_id),
        before: None,
        after: Some(serde_json::json!({
            "from": from.id, "to": to.id, "funding": funding.word(), "slots": n,
            "documentNo": document.number, "effectiveOn": document.effective_on, "operation": op,
        })),
    };
    audit::record(&txn, actor, change).await?;
    let reserve = reserve_of(&txn, from.jurisdiction_id).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(EstablishmentChange { operation: op, institutions: vec![Institution(from), Institution(to)], reserve })
}

#[tracing::instrument(skip_all)]
pub async fn reduce_reserve(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: ReserveReductionInput,
) -> ApiResult<EstablishmentChange> {
    let dry_run = input.dry_run;
    positive(input.slots)?;
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let own = scope.office()?.id;
    let txn = begin_write(db).await?;
    let op = operation();
    record_entry(&txn, actor, entry(None, own, EventKind::Reduce, input.funding, (-input.slots, 0), &document, &op))
        .await?;
    let change = Change {
        action: "establishment.reduce_reserve",
        entity: "jurisdiction",
        entity_id: Some(own),
        jurisdiction_id: Some(own),
        before: None,
        after: Some(serde_json::json!({
            "funding": input.funding.word(), "slots": input.slots, "documentNo": document.number, "operation": op,
        })),
    };
    audit::record(&txn, actor, change).await?;
    let reserve = reserve_of(&txn, own).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(EstablishmentChange { operation: op, institutions: Vec::new(), reserve })
}

#[derive(Default)]
pub struct EstablishmentMutation;

#[Object]
impl EstablishmentMutation {
    /// Sets a new institution's approved establishment (recorded as approval events).
    async fn set_initial_establishment(
        &self,
        ctx: &Context<'_>,
        input: InitialEstablishmentInput,
    ) -> Result<Establishment> {
        let answer = set_initial(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }

    /// Records an establishment event on one institution: approve, reduce, freeze, unfreeze,
    /// reclaim into the reserve, allocate from the reserve.
    async fn record_establishment_event(
        &self,
        ctx: &Context<'_>,
        input: EstablishmentEventInput,
    ) -> Result<EstablishmentChange> {
        let answer = record_event(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }

    /// Transfers (划转) vacant slots between two institutions of the caller's jurisdiction.
    async fn transfer_establishment(
        &self,
        ctx: &Context<'_>,
        input: TransferEstablishmentInput,
    ) -> Result<EstablishmentChange> {
        let answer = transfer(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }

    /// Cancels slots held in the jurisdiction's reserve.
    async fn reduce_reserve(&self, ctx: &Context<'_>, input: ReserveReductionInput) -> Result<EstablishmentChange> {
        let answer = reduce_reserve(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(answer)
    }
}
