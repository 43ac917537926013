//! Moves across jurisdictions (DOMAIN.md: "Institutions, slots and people also move across
//! jurisdictions"), each one recorded act on both sides, decided by an office whose
//! jurisdiction holds both (their common parent, or the upper side itself):
//!
//! - an institution changes jurisdiction (上划 to the level above, 下放 to one below, or across)
//!   with its slots, its people and its history: the ledger closes its balances on the sending
//!   side and opens them on the receiving side under one operation; the control figures of every
//!   level between each side and their common parent move with it (the common parent's own
//!   total does not change), and so do the two sides' base-year ceilings;
//! - a person is transferred between jurisdictions (跨县调动): out of their unit's slot and into a
//!   vacancy of the receiving unit, drawing on the receiving office's plan that recruits by
//!   `TRANSFER_IN`, under the transfer's document; their record and history stay one.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use entity::enums::{EventKind, InstitutionStatus, Recruitment, StaffBasis, StaffStatus, VacancyUseStatus};
use entity::{department, establishment_balance, institution, jurisdiction, staff, vacancy_use_plan};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

use crate::audit::{self, Actor, Change, snapshot};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::{Deltas, Document, Entry, operation, write_row};
use crate::graphql::context::{actor, db, parse_id, scope};
use crate::graphql::date::Day;
use crate::institution::Institution;
use crate::scope::Scope;
use crate::staff::{Staff, move_person};

#[derive(InputObject)]
pub struct MoveInstitutionInput {
    pub institution_id: ID,
    /// The division code of the receiving jurisdiction.
    pub to_jurisdiction: String,
    /// The supervising department that takes the unit on the receiving side.
    pub department_id: ID,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: String,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// A jurisdiction and the levels above it, nearest first.
async fn ancestry<C: ConnectionTrait>(txn: &C, id: i32) -> ApiResult<Vec<i32>> {
    let mut line = vec![id];
    let mut at = id;
    while let Some(parent) = jurisdiction::Entity::find_by_id(at).one(txn).await?.and_then(|j| j.parent_id) {
        if line.contains(&parent) || line.len() > 10 {
            break;
        }
        line.push(parent);
        at = parent;
    }
    Ok(line)
}

/// The levels from each side up to (not including) their common parent.
async fn sides<C: ConnectionTrait>(txn: &C, from: i32, to: i32) -> ApiResult<(Vec<i32>, Vec<i32>)> {
    let (up, down) = (ancestry(txn, from).await?, ancestry(txn, to).await?);
    let common = up.iter().copied().find(|j| down.contains(j));
    let below = |line: Vec<i32>| line.into_iter().take_while(|j| Some(*j) != common).collect::<Vec<_>>();
    Ok((below(up), below(down)))
}

/// The fiscally supported people (财政供养人员) of one institution, as the figures count them.
async fn fiscal_people<C: ConnectionTrait>(txn: &C, institution_id: i32) -> ApiResult<i64> {
    let in_establishment = Condition::all()
        .add(staff::Column::Basis.eq(StaffBasis::Fiscal))
        .add(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]));
    let budget_paid = Condition::all()
        .add(staff::Column::Basis.eq(StaffBasis::Temporary))
        .add(staff::Column::Status.eq(StaffStatus::Active))
        .add(staff::Column::PaidByBudget.eq(true));
    Ok(staff::Entity::find()
        .filter(staff::Column::InstitutionId.eq(institution_id))
        .filter(Condition::any().add(in_establishment).add(budget_paid))
        .count(txn)
        .await? as i64)
}

/// Refuses a unit whose slots are promised elsewhere: deposited in or borrowed from the pool,
/// or held by a vacancy-use plan still waiting or open.
async fn settled<C: ConnectionTrait>(
    txn: &C,
    unit: &institution::Model,
    balances: &[establishment_balance::Model],
) -> ApiResult<()> {
    if balances.iter().any(|b| b.deposited != 0 || b.borrowed != 0) {
        return Err(ApiError::conflict(format!(
            "{} has slots deposited in or borrowed from the turnover pool: settle them before it moves",
            unit.name
        )));
    }
    let today = chrono::Utc::now().date_naive();
    let open = vacancy_use_plan::Entity::find()
        .filter(vacancy_use_plan::Column::InstitutionId.eq(unit.id))
        .filter(
            Condition::any().add(vacancy_use_plan::Column::Status.eq(VacancyUseStatus::Requested)).add(
                Condition::all()
                    .add(vacancy_use_plan::Column::Status.eq(VacancyUseStatus::Approved))
                    .add(vacancy_use_plan::Column::ExpiresOn.gte(today))
                    .add(Expr::col(vacancy_use_plan::Column::Used).lt(Expr::col(vacancy_use_plan::Column::Approved))),
            ),
        )
        .count(txn)
        .await?;
    if open > 0 {
        return Err(ApiError::conflict(format!(
            "{} has vacancy-use plans waiting or open: decide, revoke or spend them before it moves",
            unit.name
        )));
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn move_institution(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: MoveInstitutionInput,
) -> ApiResult<institution::Model> {
    let id = parse_id(&input.institution_id)?;
    let department_id = parse_id(&input.department_id)?;
    let document = Document::parse(&input.document_no, NaiveDate::from(input.effective_on), &input.reason)?;
    let txn = begin_write(db).await?;
    let unit = scope.institution_for_move(&txn, id).await?;
    if unit.status != InstitutionStatus::Active {
        return Err(ApiError::conflict(format!("institution `{}` is no longer active", unit.name)));
    }
    let to = scope.jurisdiction_for_move(&txn, &input.to_jurisdiction).await?;
    let from = unit.jurisdiction_id;
    if to.id == from {
        return Err(ApiError::bad_input(format!("{} is already in {}", unit.name, to.name)));
    }
    let department = department::Entity::find_by_id(department_id)
        .filter(department::Column::JurisdictionId.eq(to.id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no department {department_id} of {}", to.name)))?;
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(unit.id))
        .lock_exclusive()
        .all(&txn)
        .await?;
    settled(&txn, &unit, &balances).await?;
    // The ledger closes the unit's balances on the sending side and opens them on the other.
    let op = operation();
    for b in balances.iter().filter(|b| b.approved != 0 || b.frozen != 0) {
        for (side, kind, sign) in [(from, EventKind::TransferOut, -1), (to.id, EventKind::TransferIn, 1)] {
            let (approved, frozen) = (sign * b.approved, sign * b.frozen);
            let entry = Entry {
                jurisdiction_id: side,
                institution_id: Some(unit.id),
                kind,
                funding: b.funding,
                approved_delta: approved,
                frozen_delta: frozen,
                document: &document,
                operation: &op,
                reform_id: None,
            };
            write_row(&txn, actor, &entry, Deltas { approved, frozen, ..Default::default() }).await?;
        }
    }
    establishment_balance::Entity::update_many()
        .col_expr(establishment_balance::Column::JurisdictionId, Expr::value(to.id))
        .filter(establishment_balance::Column::InstitutionId.eq(unit.id))
        .exec(&txn)
        .await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::JurisdictionId, Expr::value(to.id))
        .filter(staff::Column::InstitutionId.eq(unit.id))
        .exec(&txn)
        .await?;
    // The figures of each level between a side and the common parent, and the two ceilings.
    let slots: i64 = balances.iter().map(|b| i64::from(b.approved)).sum();
    let fiscal: i64 =
        balances.iter().filter(|b| b.funding == entity::enums::Funding::Fiscal).map(|b| i64::from(b.approved)).sum();
    let people = fiscal_people(&txn, unit.id).await?;
    let (sending, receiving) = sides(&txn, from, to.id).await?;
    let how = match (sending.is_empty(), receiving.is_empty()) {
        (false, true) => "上划",
        (true, false) => "下放",
        _ => "隶属关系调整",
    };
    let reason = format!("{how}：{}（{}）", unit.name, document.reason);
    for (levels, sign) in [(&sending, -1), (&receiving, 1)] {
        for level in levels.iter() {
            let moved = (sign * slots, sign * people);
            let (number, on) = (document.number.as_str(), document.effective_on);
            crate::establishment::carry_figure(&txn, actor, *level, moved, number, on, reason.clone()).await?;
        }
    }
    let (slots_i32, fiscal_i32) = (i32::try_from(slots).unwrap_or(i32::MAX), i32::try_from(fiscal).unwrap_or(i32::MAX));
    crate::establishment::lower_ceiling_by(&txn, from, slots_i32, fiscal_i32).await?;
    crate::establishment::carry_ceiling_in(&txn, actor, to.id, (slots_i32, fiscal_i32), &document.number).await?;
    let mut row: institution::ActiveModel = unit.clone().into();
    row.jurisdiction_id = Set(to.id);
    row.department_id = Set(department.id);
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    // One row on each side's audit log.
    let moved = serde_json::json!({
        "institution": unit.id, "from": from, "to": to.id, "department": department.id, "slots": slots,
        "fiscalSlots": fiscal, "fiscalPeople": people, "documentNo": document.number,
        "effectiveOn": document.effective_on, "operation": op, "how": how,
    });
    let out = Change {
        action: "institution.move_out",
        entity: "institution",
        entity_id: Some(unit.id),
        jurisdiction_id: Some(from),
        before: snapshot(&unit),
        after: Some(moved),
    };
    audit::record(&txn, actor, out).await?;
    let change = Change::updated("institution.move_in", "institution", after.id, to.id, &unit, &after);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(after)
}

#[derive(InputObject)]
pub struct TransferAcrossInput {
    pub staff_id: ID,
    pub to_institution_id: ID,
    /// The receiving office's approved plan recruiting by `TRANSFER_IN`.
    pub plan_id: ID,
    /// The transfer's document (调动通知).
    pub document_no: String,
    pub effective_on: Day,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[tracing::instrument(skip_all)]
pub async fn transfer_person(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: TransferAcrossInput,
) -> ApiResult<staff::Model> {
    let (id, to_id, plan_id) =
        (parse_id(&input.staff_id)?, parse_id(&input.to_institution_id)?, parse_id(&input.plan_id)?);
    let document = crate::codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    if input.effective_on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("the date is in the future"));
    }
    let txn = begin_write(db).await?;
    let person = scope.person_for_move(&txn, id).await?;
    if person.status != StaffStatus::Active {
        return Err(ApiError::conflict("only a person in post moves (one seconded out returns first)"));
    }
    let Some(funding) = person.basis.funding() else {
        return Err(ApiError::bad_input("a transfer across jurisdictions moves a person in establishment"));
    };
    // Both units locked in id order, so two opposite transfers cannot deadlock.
    let from_id = person.institution_id;
    let first = scope.institution_for_move(&txn, Ord::min(from_id, to_id)).await?;
    let second = scope.institution_for_move(&txn, Ord::max(from_id, to_id)).await?;
    let (from, to) = if first.id == from_id { (first, second) } else { (second, first) };
    if from.jurisdiction_id == to.jurisdiction_id {
        return Err(ApiError::bad_input("within one jurisdiction a person moves by transferStaff"));
    }
    let recruitment =
        crate::vacancy_use::check_draw(&txn, plan_id, &to, NaiveDate::from(input.effective_on), person.category)
            .await?;
    if recruitment != Recruitment::TransferIn {
        return Err(ApiError::bad_input(
            "a transfer across jurisdictions draws on the receiving office's plan recruiting by TRANSFER_IN",
        ));
    }
    crate::vacancy_use::draw(&txn, plan_id, &to, funding).await?;
    if person.basis == StaffBasis::Fiscal {
        crate::establishment::check_fiscal_person(&txn, to.jurisdiction_id).await?;
    }
    let before = person.clone();
    let moved =
        move_person(&txn, actor, person, &from, &to, NaiveDate::from(input.effective_on), Some(&document)).await?;
    for (action, side) in [("staff.transfer_out", from.jurisdiction_id), ("staff.transfer_in", to.jurisdiction_id)] {
        let change = Change::updated(action, "staff", moved.id, side, &before, &moved);
        audit::record(&txn, actor, change).await?;
    }
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(moved)
}

#[derive(Default)]
pub struct AcrossMutation;

#[Object]
impl AcrossMutation {
    /// Moves an institution to another jurisdiction (上划, 下放) with its slots, people and
    /// history, by the decision of an office holding both sides; the figures and ceilings of
    /// the levels between move with it.
    async fn move_institution_across(&self, ctx: &Context<'_>, input: MoveInstitutionInput) -> Result<Institution> {
        let row = move_institution(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Institution(row))
    }

    /// Transfers a person between jurisdictions (跨县调动): out of their slot and into a vacancy
    /// of the receiving unit on its office's TRANSFER_IN plan, under the transfer's document.
    async fn transfer_staff_across(&self, ctx: &Context<'_>, input: TransferAcrossInput) -> Result<Staff> {
        let row = transfer_person(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }
}
