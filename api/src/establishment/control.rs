//! Control as a hierarchy (下达编制控制数): the level above hands each jurisdiction below its
//! control figures — total establishment and fiscally supported people (财政供养人员), for the
//! jurisdiction and everything below it — with a document number. A jurisdiction's approvals
//! stay within its figure; its own establishment plus the figures it hands down stay within
//! it. No office can grant itself establishment that no level above granted it: once a parent
//! hands figures to any of its children, a child without one approves nothing.
//!
//! The level above redistributes (统筹调剂, 动态调整): it raises one child's figure and lowers
//! another's by numbered decisions, within its own figure and room and never below what a child
//! holds. "Two only-reduce" (两个只减不增) binds each jurisdiction's own ceiling against its base
//! year (see `ceiling`), not how a parent splits its figure. Every decision is a row: the
//! figures' history says who recorded what, when, and by which document.
//!
//! A jurisdiction with no figure from above (the top of control in this system, e.g. a city
//! whose province does not use it) is held by its own base-year ceiling only.

use async_graphql::{ComplexObject, Context, InputObject, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{StaffBasis, StaffStatus};
use entity::{control_figure, jurisdiction, staff};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::ceiling::jurisdiction_totals;
use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::date::Day;
use crate::scope::Scope;

/// The figures in force for a jurisdiction: the newest granted to it.
pub async fn figure_of<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<Option<control_figure::Model>> {
    Ok(control_figure::Entity::find()
        .filter(control_figure::Column::JurisdictionId.eq(jurisdiction_id))
        .order_by_desc(control_figure::Column::Id)
        .one(db)
        .await?)
}

/// Figures `granter` handed down to the jurisdictions below it (not a figure a jurisdiction
/// recorded for itself, as granted by a level above that is not in the system).
fn handed_down_by(granter: i32) -> sea_orm::Select<control_figure::Entity> {
    control_figure::Entity::find()
        .filter(control_figure::Column::GrantedBy.eq(granter))
        .filter(control_figure::Column::JurisdictionId.ne(granter))
}

/// The figures in force for each jurisdiction directly below `parent_id` that has any.
pub async fn figures_below<C: ConnectionTrait>(db: &C, parent_id: i32) -> ApiResult<Vec<control_figure::Model>> {
    let rows = handed_down_by(parent_id).order_by_desc(control_figure::Column::Id).all(db).await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows.into_iter().filter(|row| seen.insert(row.jurisdiction_id)).collect())
}

/// Fiscally supported people of a jurisdiction's own level: people in establishment paid
/// from the budget (basis FISCAL, active or seconded out), and temporary staff paid by the
/// budget (active).
pub async fn fiscal_people<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<i64> {
    use sea_orm::Condition;
    let in_establishment = Condition::all()
        .add(staff::Column::Basis.eq(StaffBasis::Fiscal))
        .add(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]));
    let budget_paid = Condition::all()
        .add(staff::Column::Basis.eq(StaffBasis::Temporary))
        .add(staff::Column::Status.eq(StaffStatus::Active))
        .add(staff::Column::PaidByBudget.eq(true));
    Ok(staff::Entity::find()
        .filter(staff::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(Condition::any().add(in_establishment).add(budget_paid))
        .count(db)
        .await? as i64)
}

/// What a jurisdiction holds against its figures: its own level, and what it handed down.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct ControlUsage {
    /// Its own institutions' approved slots, its reserve and its pool's base fund.
    pub own_establishment: i64,
    /// The total establishment it handed down to the jurisdictions below.
    pub handed_down: i64,
    pub own_fiscal_people: i64,
    pub handed_down_fiscal_people: i64,
}

impl ControlUsage {
    pub fn establishment(&self) -> i64 {
        self.own_establishment + self.handed_down
    }

    pub fn people(&self) -> i64 {
        self.own_fiscal_people + self.handed_down_fiscal_people
    }
}

pub async fn usage<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<ControlUsage> {
    let (own, _) = jurisdiction_totals(db, jurisdiction_id).await?;
    let below = figures_below(db, jurisdiction_id).await?;
    Ok(ControlUsage {
        own_establishment: own,
        handed_down: below.iter().map(|f| i64::from(f.total_establishment)).sum(),
        own_fiscal_people: fiscal_people(db, jurisdiction_id).await?,
        handed_down_fiscal_people: below.iter().map(|f| i64::from(f.fiscal_people)).sum(),
    })
}

/// Locks a jurisdiction's row for the rest of the transaction: approvals in it and figures
/// handed to or by it are checked one after the other (parents are locked before children).
async fn lock<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<jurisdiction::Model> {
    jurisdiction::Entity::find_by_id(jurisdiction_id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("jurisdiction {jurisdiction_id} missing")))
}

/// What slots are being recorded for: a new approval, or an inventory of what already is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// A new act: within the figure handed down, and never before the level above gave one.
    Approval,
    /// Inherited establishment loaded from the old system (an inventory is not an approval):
    /// within a figure where one is recorded; where none is yet, it is loaded all the same and
    /// the office is told to record the figure.
    Inventory,
}

/// Refuses `slots` new slots in a jurisdiction beyond the figure handed down to it, or (for an
/// approval) in a jurisdiction whose parent hands down figures but gave it none. An inventory
/// there is let through with a notice for the office.
pub async fn check_within_figure<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i32,
    slots: i64,
    recording: Recording,
) -> ApiResult<Option<String>> {
    let here = lock(db, jurisdiction_id).await?;
    match figure_of(db, jurisdiction_id).await? {
        Some(figure) => {
            let used = usage(db, jurisdiction_id).await?.establishment();
            if used + slots > i64::from(figure.total_establishment) {
                return Err(ApiError::conflict(format!(
                    "control figure (下达编制控制数): {} holds {used} of the {} slots the level above granted it \
                     ({}); {slots} more would exceed it",
                    here.name, figure.total_establishment, figure.document_no
                )));
            }
            Ok(None)
        }
        None => {
            let Some(parent) = here.parent_id else { return Ok(None) };
            let controlled = handed_down_by(parent).one(db).await?.is_some();
            match (controlled, recording) {
                (false, _) => Ok(None),
                (true, Recording::Approval) => Err(ApiError::conflict(format!(
                    "no control figure has been handed down to {}: its approvals wait for the level above",
                    here.name
                ))),
                (true, Recording::Inventory) => Ok(Some(format!(
                    "no control figure has been handed down to {} yet: its inventory is loaded; record the figure \
                     the level above granted it",
                    here.name
                ))),
            }
        }
    }
}

/// Refuses one more fiscally supported person in a jurisdiction beyond the figure handed down
/// to it (a fiscally funded hire). Jurisdictions without a figure are held by slots alone.
pub async fn check_fiscal_person<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<()> {
    if figure_of(db, jurisdiction_id).await?.is_none() {
        return Ok(());
    }
    let here = lock(db, jurisdiction_id).await?;
    let Some(figure) = figure_of(db, jurisdiction_id).await? else { return Ok(()) };
    let held = usage(db, jurisdiction_id).await?.people();
    if held + 1 > i64::from(figure.fiscal_people) {
        return Err(ApiError::conflict(format!(
            "control figure (两个只减不增): {} supports {held} people from the budget, the figure the level above \
             granted it ({}); a fiscally funded hire would exceed it",
            here.name, figure.fiscal_people
        )));
    }
    Ok(())
}

/// A decision on figures as offices write it: whole numbers in range, a document number, a
/// date not in the future. Answers the document number as stored.
fn checked_decision(total: i32, people: i32, document_no: &str, effective_on: NaiveDate) -> ApiResult<String> {
    let document_no = codes::document_no(document_no).map_err(ApiError::BadInput)?;
    if !(0..=10_000_000).contains(&total) || !(0..=10_000_000).contains(&people) {
        return Err(ApiError::bad_input("figures must be whole numbers from 0 to 10000000"));
    }
    if effective_on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`effectiveOn` is in the future"));
    }
    Ok(document_no)
}

/// A figure granted to a jurisdiction, as one row of the figures' history.
struct Granted {
    to: i32,
    by: i32,
    total: i32,
    people: i32,
    document_no: String,
    effective_on: NaiveDate,
    reason: Option<String>,
}

impl Granted {
    /// Writes the figure and its audit row (`action`), in the change's transaction.
    async fn record<C: ConnectionTrait>(self, txn: &C, actor: &Actor, action: &'static str) -> ApiResult<()> {
        let row = control_figure::ActiveModel {
            jurisdiction_id: Set(self.to),
            granted_by: Set(self.by),
            total_establishment: Set(self.total),
            fiscal_people: Set(self.people),
            document_no: Set(self.document_no),
            effective_on: Set(self.effective_on),
            created_at: Set(chrono::Utc::now()),
            recorded_by: Set(Some(actor.subject.clone())),
            reason: Set(self.reason),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        audit::record(txn, actor, Change::created(action, "control_figure", row.id, self.to, &row)).await?;
        Ok(())
    }
}

#[derive(InputObject)]
pub struct HandDownInput {
    /// The division code of a jurisdiction directly below the caller's.
    pub jurisdiction: String,
    pub total_establishment: i32,
    pub fiscal_people: i32,
    pub document_no: String,
    pub effective_on: Day,
    /// Why, as the decision says it (统筹调剂 to a development zone, a correction...).
    pub reason: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// The reason of a decision as stored: trimmed, absent when blank, at most 200 characters.
fn checked_reason(reason: Option<String>) -> ApiResult<Option<String>> {
    let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 200) {
        return Err(ApiError::bad_input("`reason` is longer than 200 characters"));
    }
    Ok(reason)
}

/// A parent's office hands figures to one of its children, or changes them (统筹调剂): up or
/// down, never below what the child already holds, and the parent's own establishment plus
/// every figure it hands down stays within its own figure.
#[tracing::instrument(skip_all)]
pub async fn hand_down(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: HandDownInput,
) -> ApiResult<Control> {
    let dry_run = input.dry_run;
    let own = scope.office()?.clone();
    let document_no =
        checked_decision(input.total_establishment, input.fiscal_people, &input.document_no, input.effective_on.0)?;
    let reason = checked_reason(input.reason)?;
    let txn = begin_write(db).await?;
    lock(&txn, own.id).await?;
    let child = scope
        .jurisdictions()
        .filter(jurisdiction::Column::Code.eq(input.jurisdiction.as_str()))
        .one(&txn)
        .await?
        .filter(|j| j.parent_id == Some(own.id))
        .ok_or_else(|| ApiError::not_found(format!("no jurisdiction {} directly below yours", input.jurisdiction)))?;
    lock(&txn, child.id).await?;
    let previous = figure_of(&txn, child.id).await?;
    let held = usage(&txn, child.id).await?;
    if i64::from(input.total_establishment) < held.establishment() || i64::from(input.fiscal_people) < held.people() {
        return Err(ApiError::conflict(format!(
            "{} already holds {} slots and {} fiscally supported people: a figure below that is reduced first",
            child.name,
            held.establishment(),
            held.people()
        )));
    }
    if let Some(figure) = figure_of(&txn, own.id).await? {
        let mine = usage(&txn, own.id).await?;
        let (was_total, was_people) =
            previous.as_ref().map_or((0, 0), |p| (i64::from(p.total_establishment), i64::from(p.fiscal_people)));
        let total = mine.establishment() - was_total + i64::from(input.total_establishment);
        let people = mine.people() - was_people + i64::from(input.fiscal_people);
        if total > i64::from(figure.total_establishment) || people > i64::from(figure.fiscal_people) {
            return Err(ApiError::conflict(format!(
                "{} would hold {total} slots and {people} fiscally supported people with this figure, beyond its own \
                 figures of {} and {}",
                own.name, figure.total_establishment, figure.fiscal_people
            )));
        }
    }
    let granted = Granted {
        to: child.id,
        by: own.id,
        total: input.total_establishment,
        people: input.fiscal_people,
        document_no,
        effective_on: NaiveDate::from(input.effective_on),
        reason,
    };
    granted.record(&txn, actor, "control.hand_down").await?;
    // The answer is read in the transaction, so a dry run answers what the real call would.
    let control = control_of(&txn, &child).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(control)
}

/// Carries figures along with what moves across jurisdictions (上划, 下放): the figure in force
/// for `jurisdiction_id`, if any, goes up or down by what moved, under the move's document and
/// granted by whoever granted it. A jurisdiction without a figure is left without one.
pub async fn carry<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    jurisdiction_id: i32,
    (slots, people): (i64, i64),
    document_no: &str,
    effective_on: NaiveDate,
    reason: String,
) -> ApiResult<()> {
    lock(txn, jurisdiction_id).await?;
    let Some(figure) = figure_of(txn, jurisdiction_id).await? else { return Ok(()) };
    let moved = |value: i32, delta: i64| i32::try_from((i64::from(value) + delta).max(0)).unwrap_or(i32::MAX);
    let granted = Granted {
        to: jurisdiction_id,
        by: figure.granted_by,
        total: moved(figure.total_establishment, slots),
        people: moved(figure.fiscal_people, people),
        document_no: document_no.to_string(),
        effective_on,
        reason: Some(reason),
    };
    granted.record(txn, actor, "control.carry").await
}

#[derive(InputObject)]
pub struct RecordGrantedInput {
    pub total_establishment: i32,
    pub fiscal_people: i32,
    /// The level above's document granting the figures (下达编制控制数的文件).
    pub document_no: String,
    pub effective_on: Day,
    /// Why, as the office notes it (a correction of a figure keyed wrong...).
    pub reason: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// An office whose level above does not hand figures down in this system (a county or a city
/// that starts alone) records the figures that level granted it, with its document and date.
/// Never below what the jurisdiction holds (its own level and what it handed down); refused
/// once the level above hands figures down here, which is then the only way they change.
#[tracing::instrument(skip_all)]
pub async fn record_granted(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: RecordGrantedInput,
) -> ApiResult<Control> {
    let own = scope.office()?.clone();
    let document_no =
        checked_decision(input.total_establishment, input.fiscal_people, &input.document_no, input.effective_on.0)?;
    let reason = checked_reason(input.reason)?;
    let txn = begin_write(db).await?;
    if let Some(parent) = own.parent_id {
        lock(&txn, parent).await?;
        if handed_down_by(parent).one(&txn).await?.is_some() {
            return Err(ApiError::conflict(
                "the level above hands its control figures down in this system: they change only by its decision \
                 (handDownControlFigures)",
            ));
        }
    }
    lock(&txn, own.id).await?;
    let held = usage(&txn, own.id).await?;
    if i64::from(input.total_establishment) < held.establishment() || i64::from(input.fiscal_people) < held.people() {
        return Err(ApiError::conflict(format!(
            "{} already holds {} slots and {} fiscally supported people: the figures granted cannot be below that",
            own.name,
            held.establishment(),
            held.people()
        )));
    }
    // Granted by the level above, kept as this jurisdiction's own record: `granted_by` is the
    // jurisdiction itself, so its siblings are not taken for children of a controlling parent.
    let granted = Granted {
        to: own.id,
        by: own.id,
        total: input.total_establishment,
        people: input.fiscal_people,
        document_no,
        effective_on: NaiveDate::from(input.effective_on),
        reason,
    };
    granted.record(&txn, actor, "control.record_granted").await?;
    let control = control_of(&txn, &own).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(control)
}

/// A figure as offices read it.
#[derive(SimpleObject, Clone, Debug)]
pub struct ControlFigure {
    pub jurisdiction_code: String,
    pub jurisdiction_name: String,
    pub total_establishment: i32,
    pub fiscal_people: i32,
    pub document_no: String,
    pub effective_on: Day,
    /// What the jurisdiction holds against it (its own level and what it handed down).
    pub used_establishment: i64,
    pub used_fiscal_people: i64,
}

/// A jurisdiction's control: the figure granted to it, what it holds, the room left, and the
/// figures it handed down (one per jurisdiction below).
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Control {
    #[graphql(skip)]
    pub jurisdiction_id: i32,
    pub figure: Option<ControlFigure>,
    pub usage: ControlUsage,
    /// Slots it may still approve or hand down, when it has a figure.
    pub room: Option<i64>,
    pub fiscal_people_room: Option<i64>,
    pub handed_down: Vec<ControlFigure>,
}

pub async fn control_of<C: ConnectionTrait>(db: &C, jurisdiction: &jurisdiction::Model) -> ApiResult<Control> {
    let held = usage(db, jurisdiction.id).await?;
    let figure = figure_of(db, jurisdiction.id).await?;
    let below = figures_below(db, jurisdiction.id).await?;
    let names: std::collections::HashMap<i32, (String, String)> = jurisdiction::Entity::find()
        .select_only()
        .column(jurisdiction::Column::Id)
        .column(jurisdiction::Column::Code)
        .column(jurisdiction::Column::Name)
        .filter(jurisdiction::Column::Id.is_in(below.iter().map(|f| f.jurisdiction_id)))
        .into_tuple::<(i32, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect();
    let mut handed_down = Vec::with_capacity(below.len());
    for row in below {
        let held = usage(db, row.jurisdiction_id).await?;
        let (code, name) = names.get(&row.jurisdiction_id).cloned().unwrap_or_default();
        handed_down.push(view(row, code, name, &held));
    }
    handed_down.sort_by(|a, b| a.jurisdiction_code.cmp(&b.jurisdiction_code));
    let room = figure.as_ref().map(|f| i64::from(f.total_establishment) - held.establishment());
    let fiscal_people_room = figure.as_ref().map(|f| i64::from(f.fiscal_people) - held.people());
    let figure = figure.map(|f| view(f, jurisdiction.code.clone(), jurisdiction.name.clone(), &held));
    Ok(Control { jurisdiction_id: jurisdiction.id, figure, usage: held, room, fiscal_people_room, handed_down })
}

fn view(row: control_figure::Model, code: String, name: String, held: &ControlUsage) -> ControlFigure {
    ControlFigure {
        jurisdiction_code: code,
        jurisdiction_name: name,
        total_establishment: row.total_establishment,
        fiscal_people: row.fiscal_people,
        document_no: row.document_no,
        effective_on: Day(row.effective_on),
        used_establishment: held.establishment(),
        used_fiscal_people: held.people(),
    }
}

/// The most steps of a figure's history one answer holds.
pub const HISTORY_STEPS: u64 = 100;

/// One decision on a jurisdiction's figures, with the figures it replaced.
#[derive(SimpleObject, Clone, Debug)]
pub struct FigureStep {
    pub total_establishment: i32,
    pub fiscal_people: i32,
    /// The figures in force before this decision (none for the first).
    pub previous_total_establishment: Option<i32>,
    pub previous_fiscal_people: Option<i32>,
    pub document_no: String,
    pub effective_on: Day,
    pub reason: Option<String>,
    /// The jurisdiction whose office decided: the parent, or the jurisdiction itself where it
    /// recorded what a level outside the system granted.
    pub granted_by_code: String,
    /// The account that recorded it.
    pub recorded_by: Option<String>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

#[ComplexObject]
impl Control {
    /// Every decision on this jurisdiction's figures, newest first (at most 100): who recorded
    /// it, when, by which document, and what it replaced. Staffing offices only.
    async fn history(&self, ctx: &Context<'_>) -> crate::error::Result<Vec<FigureStep>> {
        crate::graphql::context::scope(ctx).office()?;
        history(crate::graphql::context::db(ctx), self.jurisdiction_id).await
    }
}

/// The figures' history of a jurisdiction, newest first.
pub async fn history<C: ConnectionTrait>(db: &C, jurisdiction_id: i32) -> ApiResult<Vec<FigureStep>> {
    // One more than shown, so the oldest shown still knows what it replaced.
    let rows = control_figure::Entity::find()
        .filter(control_figure::Column::JurisdictionId.eq(jurisdiction_id))
        .order_by_desc(control_figure::Column::Id)
        .limit(HISTORY_STEPS + 1)
        .all(db)
        .await?;
    let granters: std::collections::HashMap<i32, String> = jurisdiction::Entity::find()
        .select_only()
        .column(jurisdiction::Column::Id)
        .column(jurisdiction::Column::Code)
        .filter(jurisdiction::Column::Id.is_in(rows.iter().map(|r| r.granted_by)))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let steps = rows.iter().enumerate().take(HISTORY_STEPS as usize).map(|(n, row)| {
        let previous = rows.get(n + 1);
        FigureStep {
            total_establishment: row.total_establishment,
            fiscal_people: row.fiscal_people,
            previous_total_establishment: previous.map(|p| p.total_establishment),
            previous_fiscal_people: previous.map(|p| p.fiscal_people),
            document_no: row.document_no.clone(),
            effective_on: Day(row.effective_on),
            reason: row.reason.clone(),
            granted_by_code: granters.get(&row.granted_by).cloned().unwrap_or_default(),
            recorded_by: row.recorded_by.clone(),
            recorded_at: row.created_at,
        }
    });
    Ok(steps.collect())
}
