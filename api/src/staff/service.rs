//! Hiring and changing staff. "One person, one slot" (一人一编) holds system-wide through the
//! unique slot key; slot counts move in the same transaction as the person.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use entity::enums::{InstitutionStatus, MovementKind, Recruitment, StaffBasis, StaffCategory, StaffStatus};
use entity::{institution, staff};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set, SqlErr,
};

use super::Staff;
use super::lifecycle::{Occasion, record_movement};
use super::record::{PersonFacts, PersonFactsInput};
use crate::audit::{self, Actor, Change};
use crate::codes::{self, NationalId};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::establishment::{occupy_slot, occupy_slot_accepting_excess};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, pii, scope};
use crate::graphql::date::Day;
use crate::pii::PiiCipher;
use crate::scope::Scope;
use crate::throttle::Throttle;

const ONE_SLOT: &str = "this person already holds an establishment slot; one person may hold at most one (一人一编)";

/// A person to put on the real-name list, validated.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: String,
    pub national_id: NationalId,
    pub category: StaffCategory,
    pub basis: StaffBasis,
    pub status: StaffStatus,
    pub hire_date: NaiveDate,
    pub title_level: Option<String>,
    /// A temporary person paid from the budget (a fiscally supported person).
    pub paid_by_budget: bool,
    /// The record's other facts (education, post grade...).
    pub facts: PersonFacts,
    /// How the person was recruited, as the statistics count arrivals.
    pub recruitment: Option<Recruitment>,
}

impl NewPerson {
    /// The person's row on `institution`'s list: national ID sealed, slot key set when the
    /// person holds a slot.
    pub fn into_row(self, pii: &PiiCipher, institution: &institution::Model, over: bool) -> staff::ActiveModel {
        let hash = pii.lookup_hash(self.national_id.as_str());
        let holds_slot = self.basis.funding().is_some() && self.status.holds_slot();
        let now = chrono::Utc::now();
        // A person in establishment entered it on arrival unless the record says otherwise.
        let entered = self.basis.funding().map(|_| self.hire_date);
        let mut row = staff::ActiveModel {
            jurisdiction_id: Set(institution.jurisdiction_id),
            institution_id: Set(institution.id),
            name: Set(self.name),
            national_id_cipher: Set(pii.encrypt(self.national_id.as_str())),
            national_id_hash: Set(hash.clone()),
            slot_key: Set(holds_slot.then_some(hash)),
            birth_year: Set(chrono::Datelike::year(&self.national_id.birth_date())),
            category: Set(self.category),
            basis: Set(self.basis),
            status: Set(self.status),
            hire_date: Set(self.hire_date),
            title_level: Set(self.title_level),
            over_establishment: Set(over),
            paid_by_budget: Set(self.paid_by_budget),
            retirement_basis: Set(None),
            retirement_extended_to: Set(None),
            education: Set(None),
            degree: Set(None),
            ethnicity: Set(None),
            political_status: Set(None),
            post_grade: Set(None),
            duty: Set(None),
            work_started_on: Set(None),
            entered_establishment_on: Set(entered),
            departure_reason: Set(None),
            seconded_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        self.facts.apply(&mut row);
        row
    }
}

#[derive(InputObject)]
pub struct HireInput {
    pub institution_id: ID,
    pub name: String,
    /// 18 characters, ISO 7064 MOD 11-2 check verified.
    pub national_id: String,
    pub category: StaffCategory,
    pub basis: StaffBasis,
    pub hire_date: Day,
    pub title_level: Option<String>,
    /// Temporary staff only: paid from the budget, so counted among the fiscally supported
    /// people of the jurisdiction (财政供养人员).
    #[graphql(default)]
    pub paid_by_budget: bool,
    /// The approved vacancy-use plan (用编计划) the hire draws on. A hire into an
    /// establishment slot needs this or `ownPlan`; a temporary hire takes neither.
    pub plan_id: Option<ID>,
    /// Or the office's own one-slot plan (its decision's document number), recorded with the
    /// hire.
    pub own_plan: Option<crate::vacancy_use::OwnPlanInput>,
    /// A transfer in (调入, a plan whose recruitment is `TRANSFER_IN`): the transfer's document
    /// number (调动通知). The person arrives by transfer, under that document.
    pub document_no: Option<String>,
    /// The person's record: education, ethnicity, post grade, duty, dates.
    pub facts: Option<PersonFactsInput>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

impl HireInput {
    fn validate(&self) -> ApiResult<NewPerson> {
        if self.paid_by_budget && self.basis != StaffBasis::Temporary {
            return Err(ApiError::bad_input(
                "`paidByBudget` is for temporary staff (people in establishment are counted by their basis)",
            ));
        }
        let national_id = NationalId::parse(&self.national_id).map_err(ApiError::BadInput)?;
        check_hire_date(NaiveDate::from(self.hire_date), &national_id)?;
        super::retirement::check_working_age(&national_id, self.category, NaiveDate::from(self.hire_date))?;
        let facts = self.facts.clone().unwrap_or_default();
        let facts = facts.check(self.category, national_id.birth_date()).map_err(ApiError::BadInput)?;
        Ok(NewPerson {
            name: codes::name("name", &self.name).map_err(ApiError::BadInput)?,
            national_id,
            category: self.category,
            basis: self.basis,
            status: StaffStatus::Active,
            hire_date: NaiveDate::from(self.hire_date),
            title_level: self.title_level.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string),
            paid_by_budget: self.paid_by_budget,
            facts,
            recruitment: None,
        })
    }
}

pub fn check_hire_date(hire_date: NaiveDate, id: &NationalId) -> ApiResult<()> {
    if hire_date > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`hireDate` is in the future"));
    }
    if hire_date < id.birth_date() {
        return Err(ApiError::bad_input("`hireDate` is before the person's birth date"));
    }
    Ok(())
}

fn slot_conflict(error: DbErr) -> ApiError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::conflict(ONE_SLOT),
        _ => error.into(),
    }
}

/// Puts a person on an institution's list. A person in establishment takes a vacant slot of
/// their funding kind (or, with `accept_excess`, is recorded over establishment). A person
/// transferred in arrives under the transfer's document.
pub async fn hire_person<C: ConnectionTrait>(
    db: &C,
    pii: &PiiCipher,
    actor: &Actor,
    institution: &institution::Model,
    person: NewPerson,
    accept_excess: bool,
    transfer: Option<&str>,
) -> ApiResult<staff::Model> {
    if institution.status != InstitutionStatus::Active {
        return Err(ApiError::conflict("only an active institution can hire"));
    }
    if person.basis == StaffBasis::Filed {
        crate::filing::check_filed_hire(db, institution).await?;
    } else if person.paid_by_budget {
        crate::establishment::check_fiscal_person(db, institution.jurisdiction_id).await?;
    } else if person.basis.funding().is_some() && crate::filing::is_filed(db, institution.id).await? {
        return Err(ApiError::conflict(
            "a hospital under total-staff filing hires filed staff (basis FILED): its establishment only shrinks as \
             its people in establishment leave",
        ));
    }
    let hash = pii.lookup_hash(person.national_id.as_str());
    let holds_slot = person.basis.funding().is_some() && person.status.holds_slot();
    let recruitment = person.recruitment;
    let mut over = false;
    if let (true, Some(funding)) = (holds_slot, person.basis.funding()) {
        // The caller's own rule (a vacant slot here) is checked before anything that depends
        // on other offices' data: a full institution answers "no vacancy" for every number,
        // so it cannot be used to test which number holds a slot elsewhere.
        if accept_excess {
            over = occupy_slot_accepting_excess(db, institution.id, funding).await?;
        } else {
            occupy_slot(db, institution.id, funding).await?;
        }
        if person.basis == StaffBasis::Fiscal {
            crate::establishment::check_fiscal_person(db, institution.jurisdiction_id).await?;
        }
        let taken = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .filter(staff::Column::SlotKey.eq(hash.as_str()))
            .into_tuple::<i32>()
            .one(db)
            .await?;
        if taken.is_some() {
            return Err(ApiError::conflict(ONE_SLOT));
        }
    }
    let hired = person.into_row(pii, institution, over).insert(db).await.map_err(slot_conflict)?;
    let reason = recruitment.map(Recruitment::word);
    let occasion = Occasion { on: hired.hire_date, document_no: transfer, note: "", reason };
    let kind = if transfer.is_some() { MovementKind::TransferIn } else { arrival(&hired) };
    record_movement(db, actor, &hired, institution.id, kind, occasion).await?;
    Ok(hired)
}

/// The movement that puts a person on a list: a hire, or a leave for someone entered
/// already gone (an imported retiree).
pub fn arrival(person: &staff::Model) -> MovementKind {
    if person.status.holds_slot() || person.basis == StaffBasis::Temporary {
        MovementKind::Hire
    } else {
        MovementKind::Leave
    }
}

/// Hires a person. A refusal because the person holds a slot elsewhere (一人一编) reveals
/// something about another office's data, so each is audited, and a caller who meets
/// [`PROBE_ALLOWANCE`](crate::throttle::PROBE_ALLOWANCE) of them in an hour is refused every
/// hire until the hour has passed.
#[tracing::instrument(skip_all)]
pub async fn hire<C: crate::db::Writes>(
    db: &C,
    pii: &PiiCipher,
    scope: &Scope,
    actor: &Actor,
    throttle: &Throttle,
    input: HireInput,
) -> ApiResult<staff::Model> {
    let dry_run = input.dry_run;
    let mut person = input.validate()?;
    let institution_id = parse_id(&input.institution_id)?;
    let plan_id = input.plan_id.as_ref().map(parse_id).transpose()?;
    let slot = person.basis.funding().filter(|_| person.status.holds_slot());
    if (plan_id.is_some() || input.own_plan.is_some())
        && (slot.is_none() || (plan_id.is_some() && input.own_plan.is_some()))
    {
        return Err(ApiError::bad_input(
            "a vacancy-use plan (`planId` or `ownPlan`, one of them) is for a hire into an establishment slot",
        ));
    }
    // Using a vacancy is approved, not assumed (用编审批).
    if slot.is_some() && plan_id.is_none() && input.own_plan.is_none() {
        return Err(ApiError::bad_input(
            "a hire into an establishment slot draws on an approved vacancy-use plan: give `planId`, or `ownPlan` \
             for the office's own decision recorded with the hire",
        ));
    }
    let document = match input.document_no.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(codes::document_no(d).map_err(ApiError::BadInput)?),
        None => None,
    };
    let (hired_on, category) = (person.hire_date, person.category);
    let prober = format!("{}:{}", actor.role, actor.subject);
    throttle.probe_allowed(&prober)?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, institution_id).await?;
    let recruitment = match (plan_id, &input.own_plan) {
        (Some(id), _) => Some(crate::vacancy_use::check_draw(&txn, id, &institution, hired_on, category).await?),
        (None, Some(own)) => Some(own.recruitment),
        (None, None) => None,
    };
    person.recruitment = recruitment;
    // A transfer in arrives under the transfer's document; other hires carry none.
    let transfer = match (recruitment == Some(Recruitment::TransferIn), document) {
        (true, Some(document)) => Some(document),
        (true, None) => {
            return Err(ApiError::bad_input(
                "a transfer in (调入) carries the transfer's document number (`documentNo`)",
            ));
        }
        (false, Some(_)) => {
            return Err(ApiError::bad_input("`documentNo` is for a transfer in (a plan recruiting by TRANSFER_IN)"));
        }
        (false, None) => None,
    };
    let row = match hire_person(&txn, pii, actor, &institution, person, false, transfer.as_deref()).await {
        Ok(row) => row,
        Err(ApiError::Conflict(message)) if message == ONE_SLOT => {
            txn.rollback().await?;
            throttle.probe_refused(&prober);
            let refusal = Change {
                action: "staff.hire.refused",
                entity: "institution",
                entity_id: Some(institution.id),
                jurisdiction_id: Some(institution.jurisdiction_id),
                before: None,
                after: Some(serde_json::json!({ "reason": "one person, one slot (一人一编)" })),
            };
            // Its own transaction: the audit chain's head is locked only inside one. A dry run
            // writes nothing, but its refusal counts against the prober all the same.
            if dry_run {
                tracing::warn!(action = refusal.action, "one-slot refusal in a dry run");
            } else {
                let audit = begin_write(db).await?;
                audit::record(&audit, actor, refusal).await?;
                crate::write::commit(audit).await?;
            }
            return Err(ApiError::Conflict(message));
        }
        Err(error) => return Err(error),
    };
    if let Some(funding) = slot {
        if let Some(id) = plan_id {
            crate::vacancy_use::draw(&txn, id, &institution, funding).await?;
        } else if let Some(own) = &input.own_plan {
            crate::vacancy_use::record_own(&txn, actor, &institution, funding, own, hired_on).await?;
        }
    }
    let change = Change::created("staff.hire", "staff", row.id, row.jurisdiction_id, &row);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, dry_run).await?;
    Ok(row)
}

#[derive(InputObject, Default)]
pub struct UpdateStaffInput {
    pub name: Option<String>,
    pub category: Option<StaffCategory>,
    pub title_level: Option<String>,
}

/// Corrects a person's record. Status changes are lifecycle operations of their own
/// (transfer, secondment, retirement, leaving), so their slot rules cannot be bypassed.
#[tracing::instrument(skip_all, fields(id))]
pub async fn update(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
    input: UpdateStaffInput,
) -> ApiResult<staff::Model> {
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, id).await?;
    let mut row: staff::ActiveModel = before.clone().into();
    if let Some(name) = &input.name {
        row.name = Set(codes::name("name", name).map_err(ApiError::BadInput)?);
    }
    if let Some(category) = input.category {
        super::record::check_category_change(&before, category)?;
        row.category = Set(category);
    }
    if let Some(title) = &input.title_level {
        let title = title.trim();
        row.title_level = Set((!title.is_empty()).then(|| title.to_string()));
    }
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    let change = Change::updated("staff.update", "staff", after.id, after.jurisdiction_id, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

#[derive(InputObject)]
pub struct StaffFactsInput {
    pub staff_id: ID,
    pub facts: PersonFactsInput,
    /// The decision or certificate the change rests on (聘任文件, 学历证书编号...).
    pub document_no: String,
    pub effective_on: Day,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// Records a change of a person's facts (education, post grade, duty...) by its document; the
/// audit row keeps the document and the day with the record as it is after.
#[tracing::instrument(skip_all)]
pub async fn record_facts<C: crate::db::Writes>(
    db: &C,
    pii: &PiiCipher,
    scope: &Scope,
    actor: &Actor,
    input: StaffFactsInput,
) -> ApiResult<staff::Model> {
    let id = parse_id(&input.staff_id)?;
    let document = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    if input.effective_on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`effectiveOn` is in the future"));
    }
    let txn = begin_write(db).await?;
    let before = scope.person_for_write(&txn, id).await?;
    let number = pii.decrypt(&before.national_id_cipher).map_err(ApiError::internal)?;
    let born = NationalId::parse(&number).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?.birth_date();
    let facts = input.facts.check(before.category, born).map_err(ApiError::BadInput)?;
    if facts.is_empty() {
        return Err(ApiError::bad_input("`facts` gives nothing to record"));
    }
    let started = facts.work_started_on.or(before.work_started_on);
    let entered = facts.entered_establishment_on.or(before.entered_establishment_on);
    if let (Some(started), Some(entered)) = (started, entered)
        && entered < started
    {
        return Err(ApiError::bad_input("enteredEstablishmentOn: before the day the person started work"));
    }
    let mut row: staff::ActiveModel = before.clone().into();
    facts.apply(&mut row);
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    let mut change = Change::updated("staff.record_facts", "staff", after.id, after.jurisdiction_id, &before, &after);
    if let Some(serde_json::Value::Object(record)) = change.after.as_mut() {
        record.insert("document_no".into(), serde_json::Value::from(document));
        record.insert("effective_on".into(), serde_json::Value::from(input.effective_on.to_string()));
    }
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(after)
}

#[derive(Default)]
pub struct StaffMutation;

#[Object]
impl StaffMutation {
    /// Hires a person into a vacant slot of their funding kind (or as temporary staff).
    async fn hire_staff(&self, ctx: &Context<'_>, input: HireInput) -> Result<Staff> {
        let throttle = ctx.data_unchecked::<std::sync::Arc<Throttle>>();
        let row = hire(db(ctx), pii(ctx), scope(ctx), &actor(ctx), throttle, input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }

    async fn update_staff(&self, ctx: &Context<'_>, id: ID, input: UpdateStaffInput) -> Result<Staff> {
        let id = parse_id(&id)?;
        Ok(Staff(update(db(ctx), scope(ctx), &actor(ctx), id, input).await?))
    }

    /// Records a change of a person's record (education, degree, ethnicity, political status,
    /// post grade, duty, dates) by its document.
    async fn record_staff_facts(&self, ctx: &Context<'_>, input: StaffFactsInput) -> Result<Staff> {
        let row = record_facts(db(ctx), pii(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Staff(row))
    }
}
