//! Institution operations: each one transaction, its rules checked and its audit row written
//! inside it.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{Classification, FundingForm, InstitutionStatus, Level, ManagementMode, Sector};
use entity::{classification_decision, department, institution};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{Institution, LeadershipPost};
use crate::audit::{self, Actor, Change};
use crate::codes::{self, CreditCode};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, scope};
use crate::scope::Scope;

use crate::graphql::context::parse_id;
use crate::graphql::date::Day;

#[derive(InputObject, Clone)]
pub struct LeadershipPostInput {
    pub title: String,
    pub count: i32,
}

/// A new institution, validated before anything is written.
#[derive(Clone, Debug)]
pub struct NewInstitution {
    /// None only for a unit that is not a legal person (checked by [`check_credit_code`]).
    pub credit_code: Option<CreditCode>,
    pub name: String,
    pub department_id: i32,
    pub sector: Sector,
    pub level: Level,
    pub funding_form: FundingForm,
    pub management_mode: ManagementMode,
    pub legal_person: bool,
    pub established_on: NaiveDate,
    pub responsibilities: String,
    pub internal_bodies: Vec<String>,
    pub leadership_posts: Vec<LeadershipPost>,
    /// Inherited (imports only): since when the unit's vacancies have stood, per the old system.
    pub vacant_since: Option<NaiveDate>,
}

fn check_three_determinations(internal_bodies: &[String], posts: &[LeadershipPost]) -> ApiResult<()> {
    if internal_bodies.iter().any(|b| b.trim().is_empty()) {
        return Err(ApiError::bad_input("internal body names must not be empty"));
    }
    if posts.iter().any(|p| p.title.trim().is_empty() || p.count < 1 || p.count > 50) {
        return Err(ApiError::bad_input("a leadership post needs a title and a count from 1 to 50"));
    }
    Ok(())
}

/// A legal person (法人) has a unified social credit code; a unit that is not one may have none.
pub fn check_credit_code(code: &Option<CreditCode>, legal_person: bool) -> Result<(), String> {
    if code.is_none() && legal_person {
        return Err("a legal person (法人) has a unified social credit code; only a unit that is not one may go \
                    without"
            .into());
    }
    Ok(())
}

fn check_established_on(date: NaiveDate) -> ApiResult<()> {
    if date > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`establishedOn` is in the future"));
    }
    Ok(())
}

/// Writes a validated institution into `jurisdiction_id`, with its zero balances and (when
/// given) its first classification decision. The caller holds the transaction and audits.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    jurisdiction_id: i32,
    new: NewInstitution,
    classification: Option<(Classification, &str, NaiveDate)>,
) -> ApiResult<institution::Model> {
    let department = department::Entity::find_by_id(new.department_id).one(db).await?;
    if department.is_none_or(|d| d.jurisdiction_id != jurisdiction_id) {
        return Err(ApiError::bad_input(format!(
            "department {} does not belong to the institution's jurisdiction",
            new.department_id
        )));
    }
    check_credit_code(&new.credit_code, new.legal_person).map_err(ApiError::BadInput)?;
    match &new.credit_code {
        Some(code) => {
            let taken =
                institution::Entity::find().filter(institution::Column::CreditCode.eq(code.as_str())).one(db).await?;
            if taken.is_some() {
                return Err(ApiError::conflict(format!("credit code {} is already registered", code.as_str())));
            }
        }
        // Without a code, a unit is told apart by its name in its jurisdiction.
        None => {
            let taken = institution::Entity::find()
                .filter(institution::Column::JurisdictionId.eq(jurisdiction_id))
                .filter(institution::Column::Name.eq(new.name.as_str()))
                .filter(institution::Column::CreditCode.is_null())
                .filter(institution::Column::Status.eq(InstitutionStatus::Active))
                .one(db)
                .await?;
            if taken.is_some() {
                return Err(ApiError::conflict(format!(
                    "an institution named {} without a credit code is already registered here",
                    new.name
                )));
            }
        }
    }
    let now = chrono::Utc::now();
    let row = institution::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        department_id: Set(new.department_id),
        credit_code: Set(new.credit_code.map(CreditCode::into_string)),
        name: Set(new.name),
        sector: Set(new.sector),
        level: Set(new.level),
        funding_form: Set(new.funding_form),
        management_mode: Set(new.management_mode),
        classification: Set(Classification::Unclassified),
        legal_person: Set(new.legal_person),
        established_on: Set(new.established_on),
        status: Set(InstitutionStatus::Active),
        merged_into_id: Set(None),
        responsibilities: Set(new.responsibilities),
        internal_bodies: Set(serde_json::to_string(&new.internal_bodies).unwrap_or_else(|_| "[]".into())),
        leadership_posts: Set(serde_json::to_string(&new.leadership_posts).unwrap_or_else(|_| "[]".into())),
        vacant_since: Set(new.vacant_since),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    crate::establishment::open_balances(db, &row).await?;
    match classification {
        Some((class, document_no, decided_on)) if class != Classification::Unclassified => {
            record_classification(db, actor, row, class, document_no, decided_on).await
        }
        _ => Ok(row),
    }
}

async fn record_classification<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    row: institution::Model,
    classification: Classification,
    document_no: &str,
    decided_on: NaiveDate,
) -> ApiResult<institution::Model> {
    classification_decision::ActiveModel {
        jurisdiction_id: Set(row.jurisdiction_id),
        institution_id: Set(row.id),
        classification: Set(classification),
        previous: Set(Some(row.classification)),
        document_no: Set(document_no.to_string()),
        decided_on: Set(decided_on),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut active: institution::ActiveModel = row.into();
    active.classification = Set(classification);
    active.updated_at = Set(chrono::Utc::now());
    Ok(active.update(db).await?)
}

#[derive(InputObject)]
pub struct CreateInstitutionInput {
    /// 18 characters, check character verified (GB 32100-2015). A unit that is not a legal
    /// person (`legalPerson: false`) may have none.
    pub credit_code: Option<String>,
    pub name: String,
    pub department_id: ID,
    pub sector: Sector,
    pub level: Level,
    pub funding_form: FundingForm,
    pub management_mode: ManagementMode,
    #[graphql(default = true)]
    pub legal_person: bool,
    pub established_on: Day,
    #[graphql(default)]
    pub responsibilities: String,
    #[graphql(default)]
    pub internal_bodies: Vec<String>,
    #[graphql(default)]
    pub leadership_posts: Vec<LeadershipPostInput>,
}

impl CreateInstitutionInput {
    fn validate(self) -> ApiResult<NewInstitution> {
        let posts: Vec<LeadershipPost> = self
            .leadership_posts
            .into_iter()
            .map(|p| LeadershipPost { title: p.title.trim().to_string(), count: p.count })
            .collect();
        check_three_determinations(&self.internal_bodies, &posts)?;
        check_established_on(NaiveDate::from(self.established_on))?;
        Ok(NewInstitution {
            credit_code: match self.credit_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                Some(code) => Some(CreditCode::parse(code).map_err(ApiError::BadInput)?),
                None => None,
            },
            name: codes::name("name", &self.name).map_err(ApiError::BadInput)?,
            department_id: parse_id(&self.department_id)?,
            sector: self.sector,
            level: self.level,
            funding_form: self.funding_form,
            management_mode: self.management_mode,
            legal_person: self.legal_person,
            established_on: NaiveDate::from(self.established_on),
            responsibilities: self.responsibilities.trim().to_string(),
            internal_bodies: self.internal_bodies.into_iter().map(|b| b.trim().to_string()).collect(),
            leadership_posts: posts,
            vacant_since: None,
        })
    }
}

#[derive(InputObject, Default)]
pub struct UpdateInstitutionInput {
    pub name: Option<String>,
    pub department_id: Option<ID>,
    pub sector: Option<Sector>,
    pub level: Option<Level>,
    pub funding_form: Option<FundingForm>,
    pub management_mode: Option<ManagementMode>,
    pub legal_person: Option<bool>,
    pub established_on: Option<Day>,
    pub responsibilities: Option<String>,
    pub internal_bodies: Option<Vec<String>>,
    pub leadership_posts: Option<Vec<LeadershipPostInput>>,
}

/// A decision changing an institution's three determinations (三定) and the facts decided with
/// them; what is left out stays as it is.
#[derive(InputObject)]
pub struct DecideDeterminationsInput {
    pub institution_id: ID,
    pub level: Option<Level>,
    pub funding_form: Option<FundingForm>,
    pub management_mode: Option<ManagementMode>,
    pub responsibilities: Option<String>,
    pub internal_bodies: Option<Vec<String>>,
    pub leadership_posts: Option<Vec<LeadershipPostInput>>,
    /// 文号 of the decision.
    pub document_no: String,
    pub decided_on: Day,
    pub reason: String,
}

#[derive(InputObject)]
pub struct ClassifyInput {
    pub institution_id: ID,
    pub classification: Classification,
    /// 文号 of the classification decision.
    pub document_no: String,
    pub decided_on: Day,
}

#[derive(SimpleObject)]
pub struct ClassifyPayload {
    pub institution: Institution,
    /// Where classification and funding form look inconsistent (they are separate facts).
    pub warnings: Vec<String>,
}

/// Classification and funding form are separate facts (the 2011 guideline: funding is no
/// ground for classification), but some pairs deserve a second look.
fn consistency_warnings(classification: Classification, funding: FundingForm) -> Vec<String> {
    let mut warnings = Vec::new();
    match (classification, funding) {
        (Classification::PublicWelfareI, FundingForm::SelfFinanced | FundingForm::DifferentialAppropriation) => {
            warnings.push("public welfare class I institutions are normally fully funded".to_string())
        }
        (Classification::ProductionOperation, FundingForm::FullAppropriation) => {
            warnings.push("a production and operation institution is fully appropriated".to_string())
        }
        _ => {}
    }
    warnings
}

#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: CreateInstitutionInput,
) -> ApiResult<institution::Model> {
    let txn = begin_write(db).await?;
    let row = create_in(&txn, scope, actor, input).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// Registers an institution in the caller's own jurisdiction, in the caller's transaction.
pub async fn create_in<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    actor: &Actor,
    input: CreateInstitutionInput,
) -> ApiResult<institution::Model> {
    let new = input.validate()?;
    let own = scope.office()?.id;
    let row = insert(db, actor, own, new, None).await?;
    let change = Change::created("institution.create", "institution", row.id, row.jurisdiction_id, &row);
    audit::record(db, actor, change).await?;
    Ok(row)
}

#[tracing::instrument(skip_all, fields(id))]
pub async fn update(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
    input: UpdateInstitutionInput,
) -> ApiResult<institution::Model> {
    let decided = input.level.is_some()
        || input.funding_form.is_some()
        || input.management_mode.is_some()
        || input.responsibilities.is_some()
        || input.internal_bodies.is_some()
        || input.leadership_posts.is_some();
    if decided {
        return Err(ApiError::bad_input(
            "level, funding form, management mode, responsibilities, internal bodies and leadership posts change \
             only by a recorded decision with its document number: use decideDeterminations",
        ));
    }
    let txn = begin_write(db).await?;
    let before = scope.institution_for_write(&txn, id).await?;
    let mut row: institution::ActiveModel = before.clone().into();
    if let Some(name) = &input.name {
        row.name = Set(codes::name("name", name).map_err(ApiError::BadInput)?);
    }
    if let Some(department) = &input.department_id {
        let department_id = parse_id(department)?;
        let found = department::Entity::find_by_id(department_id).one(&txn).await?;
        if found.is_none_or(|d| d.jurisdiction_id != before.jurisdiction_id) {
            return Err(ApiError::bad_input(format!(
                "department {department_id} is not in the institution's jurisdiction"
            )));
        }
        row.department_id = Set(department_id);
    }
    if let Some(v) = input.sector {
        row.sector = Set(v);
    }
    if let Some(v) = input.legal_person {
        row.legal_person = Set(v);
    }
    if let Some(v) = input.established_on {
        check_established_on(NaiveDate::from(v))?;
        row.established_on = Set(NaiveDate::from(v));
    }
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    let change = Change::updated("institution.update", "institution", after.id, after.jurisdiction_id, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

#[tracing::instrument(skip_all)]
pub async fn classify(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: ClassifyInput,
) -> ApiResult<ClassifyPayload> {
    let id = parse_id(&input.institution_id)?;
    let document_no = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    if input.decided_on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`decidedOn` is in the future"));
    }
    let txn = begin_write(db).await?;
    let before = scope.institution_for_write(&txn, id).await?;
    if before.status != InstitutionStatus::Active {
        return Err(ApiError::conflict("only an active institution can be classified"));
    }
    if before.classification == input.classification {
        return Err(ApiError::bad_input(format!(
            "the institution is already classified {}",
            input.classification.word()
        )));
    }
    let after = record_classification(
        &txn,
        actor,
        before.clone(),
        input.classification,
        &document_no,
        NaiveDate::from(input.decided_on),
    )
    .await?;
    let change =
        Change::updated("institution.classify", "institution", after.id, after.jurisdiction_id, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    let warnings = consistency_warnings(after.classification, after.funding_form);
    Ok(ClassifyPayload { institution: Institution(after), warnings })
}

/// Changes the three determinations by a recorded decision. A funding form the institution's
/// slots contradict is refused: a self-financed unit holds no fiscally funded slots, a fully
/// appropriated one no self-financed slots (convert the slots by establishment events first).
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: DecideDeterminationsInput,
) -> ApiResult<institution::Model> {
    let id = parse_id(&input.institution_id)?;
    let document =
        crate::establishment::Document::parse(&input.document_no, NaiveDate::from(input.decided_on), &input.reason)?;
    let txn = begin_write(db).await?;
    let before = scope.institution_for_write(&txn, id).await?;
    if before.status != entity::enums::InstitutionStatus::Active {
        return Err(ApiError::conflict("only an active institution's determinations change"));
    }
    let mut row: institution::ActiveModel = before.clone().into();
    let (mut was, mut now) = (serde_json::Map::new(), serde_json::Map::new());
    let mut note = |field: &str, old: serde_json::Value, new: serde_json::Value| {
        if old != new {
            was.insert(field.into(), old);
            now.insert(field.into(), new);
        }
    };
    if let Some(v) = input.level {
        note("level", before.level.word().into(), v.word().into());
        row.level = Set(v);
    }
    if let Some(v) = input.funding_form {
        let balances = crate::graphql::loaders::balances_of_conn(&txn, &[id]).await?;
        let approved = |funding: entity::enums::Funding| -> i32 {
            balances.get(&id).into_iter().flatten().filter(|b| b.funding == funding).map(|b| b.approved).sum()
        };
        let (fiscal, own) = (approved(entity::enums::Funding::Fiscal), approved(entity::enums::Funding::SelfFinanced));
        if v == FundingForm::SelfFinanced && fiscal > 0 {
            return Err(ApiError::conflict(format!(
                "a self-financed unit holds no fiscally funded slots, and this one holds {fiscal}: convert them by \
                 establishment events (reduce fiscal, approve self-financed) before the decision"
            )));
        }
        if v == FundingForm::FullAppropriation && own > 0 {
            return Err(ApiError::conflict(format!(
                "a fully appropriated unit holds no self-financed slots, and this one holds {own}: convert them first"
            )));
        }
        note("fundingForm", before.funding_form.word().into(), v.word().into());
        row.funding_form = Set(v);
    }
    if let Some(v) = input.management_mode {
        note("managementMode", before.management_mode.word().into(), v.word().into());
        row.management_mode = Set(v);
    }
    if let Some(v) = &input.responsibilities {
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(ApiError::bad_input("responsibilities must not be empty"));
        }
        note("responsibilities", before.responsibilities.clone().into(), v.clone().into());
        row.responsibilities = Set(v);
    }
    let old_bodies: Vec<String> = serde_json::from_str(&before.internal_bodies).unwrap_or_default();
    let old_posts: Vec<LeadershipPost> = serde_json::from_str(&before.leadership_posts).unwrap_or_default();
    let bodies = input.internal_bodies.clone().unwrap_or_else(|| old_bodies.clone());
    let posts: Vec<LeadershipPost> = match &input.leadership_posts {
        Some(posts) => {
            posts.iter().map(|p| LeadershipPost { title: p.title.trim().to_string(), count: p.count }).collect()
        }
        None => old_posts.clone(),
    };
    check_three_determinations(&bodies, &posts)?;
    note("internalBodies", serde_json::json!(old_bodies), serde_json::json!(bodies));
    note("leadershipPosts", serde_json::json!(old_posts), serde_json::json!(posts));
    if now.is_empty() {
        return Err(ApiError::bad_input("the decision changes nothing"));
    }
    row.internal_bodies = Set(serde_json::to_string(&bodies).unwrap_or_else(|_| "[]".into()));
    row.leadership_posts = Set(serde_json::to_string(&posts).unwrap_or_else(|_| "[]".into()));
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    let decision = entity::determination_decision::ActiveModel {
        jurisdiction_id: Set(after.jurisdiction_id),
        institution_id: Set(after.id),
        document_no: Set(document.number),
        decided_on: Set(document.effective_on),
        reason: Set(document.reason),
        before: Set(serde_json::Value::Object(was).to_string()),
        after: Set(serde_json::Value::Object(now).to_string()),
        actor: Set(actor.subject.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change =
        Change::created("institution.decide", "determination_decision", decision.id, after.jurisdiction_id, &decision);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

#[derive(Default)]
pub struct InstitutionMutation;

#[Object]
impl InstitutionMutation {
    /// Registers an institution in the caller's own jurisdiction.
    async fn create_institution(&self, ctx: &Context<'_>, input: CreateInstitutionInput) -> Result<Institution> {
        Ok(Institution(create(db(ctx), scope(ctx), &actor(ctx), input).await?))
    }

    /// Changes an institution's record (not its establishment, classification or status,
    /// which have operations of their own).
    async fn update_institution(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateInstitutionInput,
    ) -> Result<Institution> {
        let id = parse_id(&id)?;
        Ok(Institution(update(db(ctx), scope(ctx), &actor(ctx), id, input).await?))
    }

    /// Changes an institution's three determinations (三定) — level, funding form, management
    /// mode, responsibilities, internal bodies, leadership posts — by a recorded decision with
    /// its document number, date and reason, shown in the institution's timeline.
    async fn decide_determinations(&self, ctx: &Context<'_>, input: DecideDeterminationsInput) -> Result<Institution> {
        Ok(Institution(decide(db(ctx), scope(ctx), &actor(ctx), input).await?))
    }

    /// Appoints a member of the institution's staff to one of its approved leadership posts
    /// (领导职数), never beyond the approved number.
    async fn appoint_leader(
        &self,
        ctx: &Context<'_>,
        input: super::leadership::AppointLeaderInput,
    ) -> Result<super::leadership::Leader> {
        let row = super::leadership::appoint(db(ctx), scope(ctx), &actor(ctx), input).await?;
        Ok(super::leadership::Leader {
            id: ID(row.id.to_string()),
            staff_id: ID(row.staff_id.to_string()),
            appointed_on: Day(row.appointed_on),
            document_no: row.document_no,
        })
    }

    /// Records a classification decision (分类) with its document number and date.
    async fn classify_institution(&self, ctx: &Context<'_>, input: ClassifyInput) -> Result<ClassifyPayload> {
        classify(db(ctx), scope(ctx), &actor(ctx), input).await
    }
}
