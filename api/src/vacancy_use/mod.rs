//! Vacancy use is approved, not assumed (用编审批, DOMAIN.md): a supervising department asks to
//! fill vacant slots of an institution (how many, of which funding, for which posts, by which
//! recruitment); the staffing office approves, cuts or refuses with a reason; an approved plan
//! (用编计划) has a quota and an expiry, and hires draw on it. An office recording a hire may
//! record its own one-slot plan in the same step.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{NaiveDate, Utc};
use entity::enums::{Funding, Recruitment, VacancyUseStatus};
use entity::{establishment_balance, institution, vacancy_use_plan};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::balance;
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::scope::Scope;

pub mod annual;
pub mod figures;
pub mod posts;

use crate::graphql::date::Day;
pub use crate::institution::plans::VacancyUsePlan;
use crate::institution::plans::{remaining, today};
pub use figures::{VacancyUseFigures, figures};
use posts::PlanPostInput;

/// Most slots one request may ask for.
const MAX_SLOTS: i32 = 1_000;
/// Longest posts or reason text.
const MAX_TEXT: usize = 1_000;

/// A department's (or an office's) request to fill vacant slots.
#[derive(InputObject)]
pub struct VacancyUseRequestInput {
    pub institution_id: ID,
    pub funding: Funding,
    pub slots: i32,
    /// The posts to fill (岗位), in words.
    pub posts: String,
    /// The posts, structured (category, grade, count, qualifications), adding up to `slots`:
    /// each hire on the plan then fills one of its own category.
    pub post_list: Option<Vec<PlanPostInput>>,
    pub recruitment: Recruitment,
    pub reason: String,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum VacancyUseDecision {
    /// Approve the slots requested.
    Approve,
    /// Approve fewer slots (`slots`).
    Cut,
    /// Refuse (a `reason` is required).
    Refuse,
}

/// The office's decision on a request.
#[derive(InputObject)]
pub struct DecideVacancyUseInput {
    pub plan_id: ID,
    pub decision: VacancyUseDecision,
    /// For CUT: the slots approved, fewer than requested.
    pub slots: Option<i32>,
    /// For APPROVE and CUT: the last day a hire may draw on the plan.
    pub expires_on: Option<Day>,
    /// For APPROVE and CUT: the decision's document number (文号).
    pub document_no: Option<String>,
    /// For APPROVE and CUT: the decision's date (its document's), today when not given; hires
    /// draw on the plan from that day.
    pub approved_on: Option<Day>,
    /// Required for CUT and REFUSE.
    pub reason: Option<String>,
    /// For CUT of a plan with structured posts: the posts approved, adding up to `slots`.
    pub post_list: Option<Vec<PlanPostInput>>,
}

/// What an office records with a hire when no plan was requested for it: its own decision to
/// use one slot (a one-slot plan, approved and drawn in the hire's transaction).
#[derive(InputObject)]
pub struct OwnPlanInput {
    pub recruitment: Recruitment,
    pub posts: String,
    pub document_no: String,
}

fn text(field: &str, value: &str, required: bool) -> ApiResult<String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(ApiError::bad_input(format!("`{field}` is required")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_input(format!("`{field}` may be at most {MAX_TEXT} characters")));
    }
    Ok(value.to_string())
}

/// Slots of `funding` an institution could still give to a new plan: vacant, less the quota
/// open on its approved, unexpired plans. Read inside the caller's transaction, after the
/// institution's row lock.
async fn free_for_plans<C: ConnectionTrait>(db: &C, institution_id: i32, funding: Funding) -> ApiResult<i32> {
    let vacant: i32 = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(institution_id))
        .filter(establishment_balance::Column::Funding.eq(funding))
        .all(db)
        .await?
        .iter()
        .map(balance::vacant)
        .sum();
    let open: i32 = vacancy_use_plan::Entity::find()
        .filter(vacancy_use_plan::Column::InstitutionId.eq(institution_id))
        .filter(vacancy_use_plan::Column::Funding.eq(funding))
        .filter(vacancy_use_plan::Column::Status.eq(VacancyUseStatus::Approved))
        .all(db)
        .await?
        .iter()
        .map(|p| remaining(p, today()))
        .sum();
    Ok(vacant - open)
}

fn room(slots: i32, free: i32, funding: Funding) -> ApiResult<()> {
    if slots > free {
        return Err(ApiError::conflict(format!(
            "only {} {} slot(s) are vacant and not already promised to an approved plan",
            Ord::max(free, 0),
            funding.word()
        )));
    }
    Ok(())
}

pub async fn request(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: VacancyUseRequestInput,
) -> ApiResult<vacancy_use_plan::Model> {
    if !(1..=MAX_SLOTS).contains(&input.slots) {
        return Err(ApiError::bad_input(format!("`slots` must be from 1 to {MAX_SLOTS}")));
    }
    let posts = text("posts", &input.posts, true)?;
    let reason = text("reason", &input.reason, true)?;
    let post_list = input.post_list.as_deref().map(|list| posts::checked(list, input.slots)).transpose()?;
    let institution_id = parse_id(&input.institution_id)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_request(&txn, institution_id).await?;
    active(&institution)?;
    room(input.slots, free_for_plans(&txn, institution.id, input.funding).await?, input.funding)?;
    annual::check_within(&txn, &institution, input.slots).await?;
    let row = vacancy_use_plan::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        department_id: Set(institution.department_id),
        funding: Set(input.funding),
        requested: Set(input.slots),
        approved: Set(None),
        used: Set(0),
        posts: Set(posts),
        post_list: Set(post_list.as_deref().and_then(posts::encode)),
        recruitment: Set(input.recruitment),
        reason: Set(reason),
        status: Set(VacancyUseStatus::Requested),
        requested_by: Set(actor.subject.clone()),
        requested_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change::created("vacancy_use.request", "vacancy_use_plan", row.id, row.jurisdiction_id, &row);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

fn active(institution: &institution::Model) -> ApiResult<()> {
    if institution.status == entity::enums::InstitutionStatus::Active {
        Ok(())
    } else {
        Err(ApiError::conflict(format!("institution `{}` is no longer active", institution.name)))
    }
}

pub async fn decide(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: DecideVacancyUseInput,
) -> ApiResult<vacancy_use_plan::Model> {
    let id = parse_id(&input.plan_id)?;
    let reason = input.reason.as_deref().map(|r| text("reason", r, false)).transpose()?.filter(|r| !r.is_empty());
    let txn = begin_write(db).await?;
    let plan = scope
        .vacancy_use_plans()?
        .filter(vacancy_use_plan::Column::Id.eq(id))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("vacancy-use plan {id} not found")))?;
    scope.require_writer(plan.jurisdiction_id)?;
    if plan.status != VacancyUseStatus::Requested {
        return Err(ApiError::conflict("this request has already been decided"));
    }
    let before = serde_json::to_value(&plan).unwrap_or_default();
    let mut row: vacancy_use_plan::ActiveModel = plan.clone().into();
    let approved = match input.decision {
        VacancyUseDecision::Refuse => {
            if reason.is_none() {
                return Err(ApiError::bad_input("a refusal gives its `reason`"));
            }
            row.status = Set(VacancyUseStatus::Refused);
            0
        }
        decision => {
            let slots = match decision {
                VacancyUseDecision::Cut => {
                    let slots = input.slots.ok_or_else(|| ApiError::bad_input("a cut gives the `slots` approved"))?;
                    if !(1..plan.requested).contains(&slots) {
                        return Err(ApiError::bad_input(format!(
                            "a cut approves from 1 to {} slots (fewer than the {} requested)",
                            plan.requested - 1,
                            plan.requested
                        )));
                    }
                    if reason.is_none() {
                        return Err(ApiError::bad_input("a cut gives its `reason`"));
                    }
                    // A plan of structured posts says which of them remain.
                    if plan.post_list.is_some() {
                        let list = input.post_list.as_deref().ok_or_else(|| {
                            ApiError::bad_input(
                                "a cut of a plan with structured posts gives the posts approved (`postList`)",
                            )
                        })?;
                        row.post_list = Set(posts::encode(&posts::checked(list, slots)?));
                    }
                    slots
                }
                _ => plan.requested,
            };
            let expires_on =
                input.expires_on.ok_or_else(|| ApiError::bad_input("an approved plan has an `expiresOn` day"))?;
            if expires_on < today() {
                return Err(ApiError::bad_input("`expiresOn` is in the past"));
            }
            let document_no =
                crate::codes::document_no(input.document_no.as_deref().unwrap_or("")).map_err(ApiError::BadInput)?;
            let approved_on = input.approved_on.map_or_else(today, NaiveDate::from);
            if approved_on > today() {
                return Err(ApiError::bad_input("`approvedOn` is in the future"));
            }
            if expires_on < approved_on {
                return Err(ApiError::bad_input("`expiresOn` is before `approvedOn`"));
            }
            row.approved_on = Set(Some(approved_on));
            // The institution is locked before its slots are counted, as every slot rule does.
            scope.institution_for_request(&txn, plan.institution_id).await?;
            room(slots, free_for_plans(&txn, plan.institution_id, plan.funding).await?, plan.funding)?;
            row.status = Set(VacancyUseStatus::Approved);
            row.expires_on = Set(Some(NaiveDate::from(expires_on)));
            row.document_no = Set(Some(document_no));
            slots
        }
    };
    row.approved = Set(Some(approved));
    row.decision_reason = Set(reason);
    row.decided_by = Set(Some(actor.subject.clone()));
    row.decided_at = Set(Some(Utc::now()));
    let row = row.update(&txn).await?;
    let change = Change {
        action: "vacancy_use.decide",
        entity: "vacancy_use_plan",
        entity_id: Some(row.id),
        jurisdiction_id: Some(row.jurisdiction_id),
        before: Some(before),
        after: Some(serde_json::to_value(&row).unwrap_or_default()),
    };
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// The day hires may draw on a plan from: its approval's date (or, on plans older than that
/// column, the day the decision was keyed).
pub fn approved_from(plan: &vacancy_use_plan::Model) -> Option<NaiveDate> {
    plan.approved_on.or(plan.decided_at.map(|at| at.date_naive()))
}

/// Checks a hire dated `hired_on` against the plan it will draw on (read, locked, before the
/// hire is written, so its recruitment decides how the person arrives): a hire is never dated
/// before its plan was approved, and on a plan with structured posts it fills one of its own
/// `category`. Answers the plan's recruitment.
pub async fn check_draw<C: ConnectionTrait>(
    txn: &C,
    plan_id: i32,
    institution: &institution::Model,
    hired_on: NaiveDate,
    category: entity::enums::StaffCategory,
) -> ApiResult<Recruitment> {
    let plan = vacancy_use_plan::Entity::find_by_id(plan_id)
        .filter(vacancy_use_plan::Column::InstitutionId.eq(institution.id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::conflict(format!("vacancy-use plan {plan_id} is not a plan of this institution")))?;
    if let Some(approved) = approved_from(&plan).filter(|approved| hired_on < *approved) {
        return Err(ApiError::bad_input(format!(
            "the hire is dated {hired_on}, before vacancy-use plan {plan_id} was approved ({approved})"
        )));
    }
    if plan.post_list.is_some() && plan.status == VacancyUseStatus::Approved {
        let mut list = posts::decode(plan.post_list.as_deref());
        posts::take(&mut list, category)?;
        let recruitment = plan.recruitment;
        let mut row: vacancy_use_plan::ActiveModel = plan.into();
        row.post_list = Set(posts::encode(&list));
        row.update(txn).await?;
        return Ok(recruitment);
    }
    Ok(plan.recruitment)
}

/// Draws one hire on a plan, inside the hire's transaction: a single conditional update, so
/// two hires cannot take the last place of a quota.
pub async fn draw<C: ConnectionTrait>(
    txn: &C,
    plan_id: i32,
    institution: &institution::Model,
    funding: Funding,
) -> ApiResult<()> {
    let on = today();
    let taken = vacancy_use_plan::Entity::update_many()
        .col_expr(vacancy_use_plan::Column::Used, Expr::col(vacancy_use_plan::Column::Used).add(1))
        .filter(vacancy_use_plan::Column::Id.eq(plan_id))
        .filter(vacancy_use_plan::Column::InstitutionId.eq(institution.id))
        .filter(vacancy_use_plan::Column::Funding.eq(funding))
        .filter(vacancy_use_plan::Column::Status.eq(VacancyUseStatus::Approved))
        .filter(vacancy_use_plan::Column::ExpiresOn.gte(on))
        .filter(Expr::col(vacancy_use_plan::Column::Used).lt(Expr::col(vacancy_use_plan::Column::Approved)))
        .exec(txn)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(());
    }
    Err(ApiError::conflict(format!(
        "vacancy-use plan {plan_id} cannot take this hire: it must be an approved, unexpired plan of this \
         institution for {} slots, with quota left",
        funding.word()
    )))
}

/// The office's own one-slot plan, approved and drawn in the hire's transaction.
pub async fn record_own<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    institution: &institution::Model,
    funding: Funding,
    own: &OwnPlanInput,
    hired_on: NaiveDate,
) -> ApiResult<vacancy_use_plan::Model> {
    let posts = text("posts", &own.posts, true)?;
    let document_no = crate::codes::document_no(&own.document_no).map_err(ApiError::BadInput)?;
    annual::check_within(txn, institution, 1).await?;
    let now = Utc::now();
    let row = vacancy_use_plan::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        department_id: Set(institution.department_id),
        funding: Set(funding),
        requested: Set(1),
        approved: Set(Some(1)),
        used: Set(1),
        posts: Set(posts),
        recruitment: Set(own.recruitment),
        reason: Set("recorded with the hire".into()),
        status: Set(VacancyUseStatus::Approved),
        document_no: Set(Some(document_no)),
        expires_on: Set(Some(now.date_naive())),
        requested_by: Set(actor.subject.clone()),
        requested_at: Set(now),
        decided_by: Set(Some(actor.subject.clone())),
        decided_at: Set(Some(now)),
        approved_on: Set(Some(hired_on)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let change = Change::created("vacancy_use.own", "vacancy_use_plan", row.id, row.jurisdiction_id, &row);
    audit::record(txn, actor, change).await?;
    Ok(row)
}

/// The office revokes (收回) an approved plan: what was not drawn is no longer promised.
#[derive(InputObject)]
pub struct RevokeVacancyUseInput {
    pub plan_id: ID,
    pub reason: String,
    /// The revoking decision's document number (文号), when it has one.
    pub document_no: Option<String>,
}

/// The office extends (延期) an approved plan: a later expiry, under a document.
#[derive(InputObject)]
pub struct ExtendVacancyUseInput {
    pub plan_id: ID,
    /// The new last day a hire may draw on the plan: later than the present one, not past.
    pub expires_on: Day,
    pub document_no: String,
    pub reason: Option<String>,
}

/// An approved plan of the caller's office, locked for the rest of the transaction.
async fn approved_plan<C: ConnectionTrait>(txn: &C, scope: &Scope, id: &ID) -> ApiResult<vacancy_use_plan::Model> {
    let id = parse_id(id)?;
    let plan = scope
        .vacancy_use_plans()?
        .filter(vacancy_use_plan::Column::Id.eq(id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("vacancy-use plan {id} not found")))?;
    scope.require_writer(plan.jurisdiction_id)?;
    if plan.status != VacancyUseStatus::Approved {
        return Err(ApiError::conflict(format!("vacancy-use plan {id} is not an approved plan")));
    }
    Ok(plan)
}

pub async fn revoke(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: RevokeVacancyUseInput,
) -> ApiResult<vacancy_use_plan::Model> {
    let reason = text("reason", &input.reason, true)?;
    let document_no = match input.document_no.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(crate::codes::document_no(d).map_err(ApiError::BadInput)?),
        None => None,
    };
    let txn = begin_write(db).await?;
    let plan = approved_plan(&txn, scope, &input.plan_id).await?;
    let mut row: vacancy_use_plan::ActiveModel = plan.clone().into();
    row.status = Set(VacancyUseStatus::Revoked);
    row.closed_reason = Set(Some(reason));
    row.closed_document_no = Set(document_no);
    row.closed_by = Set(Some(actor.subject.clone()));
    row.closed_at = Set(Some(Utc::now()));
    let after = row.update(&txn).await?;
    let change =
        Change::updated("vacancy_use.revoke", "vacancy_use_plan", after.id, after.jurisdiction_id, &plan, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

pub async fn extend(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: ExtendVacancyUseInput,
) -> ApiResult<vacancy_use_plan::Model> {
    let document_no = crate::codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let reason = input.reason.as_deref().map(|r| text("reason", r, false)).transpose()?.filter(|r| !r.is_empty());
    if input.expires_on < today() {
        return Err(ApiError::bad_input("`expiresOn` is in the past"));
    }
    let txn = begin_write(db).await?;
    let plan = approved_plan(&txn, scope, &input.plan_id).await?;
    if plan.expires_on.is_some_and(|was| input.expires_on <= was) {
        return Err(ApiError::bad_input("an extension moves `expiresOn` later than the plan's present expiry"));
    }
    if plan.used >= plan.approved.unwrap_or(0) {
        return Err(ApiError::conflict("the plan's quota is drawn in full: there is nothing to extend"));
    }
    let mut row: vacancy_use_plan::ActiveModel = plan.clone().into();
    row.expires_on = Set(Some(NaiveDate::from(input.expires_on)));
    // The extension's document and reason are the audit row's; the plan keeps its own decision.
    let after = row.update(&txn).await?;
    let mut change =
        Change::updated("vacancy_use.extend", "vacancy_use_plan", after.id, after.jurisdiction_id, &plan, &after);
    if let Some(serde_json::Value::Object(record)) = change.after.as_mut() {
        record.insert("extension_document_no".into(), document_no.into());
        record.insert("extension_reason".into(), reason.into());
    }
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

#[derive(Default)]
pub struct VacancyUseQuery;

#[Object]
impl VacancyUseQuery {
    /// Vacancy-use plans the caller may read (an office's jurisdiction, a department's own
    /// institutions), newest first; at most 200.
    async fn vacancy_use_plans(
        &self,
        ctx: &Context<'_>,
        jurisdiction: Option<String>,
        institution_id: Option<ID>,
        status: Option<VacancyUseStatus>,
    ) -> Result<Vec<VacancyUsePlan>> {
        let scope = scope(ctx);
        let mut query = scope.vacancy_use_plans()?.order_by_desc(vacancy_use_plan::Column::Id).limit(200);
        if let Some(code) = jurisdiction {
            let ids = scope.narrow(db(ctx), &code, false).await?;
            query = query.filter(vacancy_use_plan::Column::JurisdictionId.is_in(ids));
        }
        if let Some(id) = institution_id {
            query = query.filter(vacancy_use_plan::Column::InstitutionId.eq(parse_id(&id)?));
        }
        if let Some(status) = status {
            query = query.filter(vacancy_use_plan::Column::Status.eq(status));
        }
        Ok(query.all(db(ctx)).await?.into_iter().map(|row| VacancyUsePlan { row }).collect())
    }
}

#[derive(Default)]
pub struct VacancyUseMutation;

#[Object]
impl VacancyUseMutation {
    /// A supervising department (or the office) asks to fill vacant slots of an institution.
    async fn request_vacancy_use(&self, ctx: &Context<'_>, input: VacancyUseRequestInput) -> Result<VacancyUsePlan> {
        let row = request(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(VacancyUsePlan { row })
    }

    /// The staffing office approves, cuts or refuses a request.
    async fn decide_vacancy_use(&self, ctx: &Context<'_>, input: DecideVacancyUseInput) -> Result<VacancyUsePlan> {
        let row = decide(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(VacancyUsePlan { row })
    }

    /// The staffing office revokes (收回) an approved plan, with its reason: what was not drawn
    /// is no longer promised, and no hire draws on it again.
    async fn revoke_vacancy_use(&self, ctx: &Context<'_>, input: RevokeVacancyUseInput) -> Result<VacancyUsePlan> {
        let row = revoke(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(VacancyUsePlan { row })
    }

    /// The staffing office extends (延期) an approved plan with quota left, under a document.
    async fn extend_vacancy_use(&self, ctx: &Context<'_>, input: ExtendVacancyUseInput) -> Result<VacancyUsePlan> {
        let row = extend(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(VacancyUsePlan { row })
    }
}
