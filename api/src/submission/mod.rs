//! Institutions key their own changes (单位填报 → 主管部门审核 → 编办核准, DOMAIN.md "Who keys
//! what"): an institution's account saves and submits its changes, its supervising department
//! passes or returns them, and the staffing office approves them (the act then recorded as if
//! the office had keyed it) or returns them. Each role has its queue, with counts and the
//! submissions past their deadline flagged.

pub mod acts;
mod service;

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use entity::enums::{SubmissionKind, SubmissionStatus};
use entity::{staff, submission, submission_step};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, parse_id, pii, scope};
use crate::graphql::loaders::{Loaders, to_graphql};
use crate::institution::Institution;
use crate::institution::annual_report::AnnualReportInput;
use crate::institution::particulars::InstitutionParticularsInput;
use crate::pii::PiiCipher;
use crate::scope::{Reach, Scope};
use crate::staff::{HireInput, StaffDateInput, StaffFactsInput};
use crate::throttle::Throttle;
use acts::{Act, Desk};
pub use service::MAX_ATTACHMENTS;

/// Days a department has to review a submission, and an office to decide a passed one,
/// before it is flagged overdue.
pub const DEADLINE_DAYS: i64 = 7;
/// Most steps shown with a submission (the latest).
pub const MAX_STEPS: usize = 30;
/// Largest page of submissions.
const MAX_PAGE: u64 = 200;

/// A change an institution submits: exactly one act, with its attachments' references.
#[derive(InputObject)]
pub struct SubmissionInput {
    /// A draft (or a returned submission) to change; none for a new draft.
    pub id: Option<ID>,
    /// A person's arrival on an approved vacancy-use plan (`hireStaff`'s input).
    pub arrival: Option<HireInput>,
    /// A departure with its reason (`staffLeaves`' input; `reason: RETIREMENT` for a
    /// retirement, `retireStaff`).
    pub departure: Option<StaffDateInput>,
    /// A change of a person's facts (`recordStaffFacts`' input).
    pub person_facts: Option<StaffFactsInput>,
    /// A change of the institution's address, legal representative or head.
    pub institution_facts: Option<InstitutionParticularsInput>,
    /// Its annual report for a finished year (`recordAnnualReport`'s input).
    pub annual_report: Option<AnnualReportInput>,
    /// The attachments' references (document numbers).
    #[graphql(default)]
    pub attachments: Vec<String>,
}

impl SubmissionInput {
    fn into_draft(self) -> ApiResult<service::Draft> {
        let id = self.id.as_ref().map(parse_id).transpose()?;
        let mut acts = Vec::new();
        acts.extend(self.arrival.map(Act::Arrival));
        acts.extend(self.departure.map(Act::Departure));
        acts.extend(self.person_facts.map(Act::PersonFacts));
        acts.extend(self.institution_facts.map(Act::InstitutionFacts));
        acts.extend(self.annual_report.map(Act::AnnualReport));
        if acts.len() != 1 {
            return Err(ApiError::bad_input(
                "a submission is exactly one of `arrival`, `departure`, `personFacts`, `institutionFacts`, `annualReport`",
            ));
        }
        let act = acts.remove(0);
        Ok(service::Draft { id, act, attachments: self.attachments })
    }
}

/// A submission with its steps and person, read in batches for a page.
pub struct Submission {
    row: submission::Model,
    steps: Vec<submission_step::Model>,
    person: Option<String>,
}

/// One step of a submission.
#[derive(SimpleObject)]
pub struct SubmissionStep {
    /// SAVE, SUBMIT, WITHDRAW, PASS, RETURN or APPROVE.
    pub action: String,
    pub actor: String,
    pub actor_role: String,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

impl Submission {
    /// When the step it waits for is due: a department's review, an office's decision.
    fn due(&self) -> Option<DateTime<Utc>> {
        let since = match self.row.status {
            SubmissionStatus::Submitted => self.row.submitted_at,
            SubmissionStatus::Passed => self.row.passed_at,
            _ => None,
        };
        since.map(|at| at + Duration::days(DEADLINE_DAYS))
    }
}

#[Object]
impl Submission {
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    /// Relay's global id (the `Node` interface's id field): unique across types, read back by
    /// `node(id:)`. `id` stays the row id every other argument takes.
    pub async fn node_id(&self) -> ID {
        crate::graphql::context::global_id("Submission", self.row.id)
    }
    async fn kind(&self) -> SubmissionKind {
        self.row.kind
    }
    async fn status(&self) -> SubmissionStatus {
        self.row.status
    }
    async fn institution_id(&self) -> ID {
        ID(self.row.institution_id.to_string())
    }
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let loaded = ctx.data_unchecked::<Loaders>().institution.load_one(self.row.institution_id).await;
        Ok(loaded.map_err(to_graphql)?.map(Institution))
    }
    /// The person a departure or a change of facts is about.
    async fn staff_id(&self) -> Option<ID> {
        self.row.staff_id.map(|id| ID(id.to_string()))
    }
    /// The person's name: the one arriving, or the one the change is about.
    async fn person_name(&self) -> Option<&str> {
        self.person.as_deref()
    }
    /// The act's input as the office's mutation takes it (a national ID masked for all but the
    /// submitting institution and the person's own office).
    async fn input(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        let scope = scope(ctx);
        let act = Act::open(self.row.kind, &self.row.payload, pii(ctx))?;
        let full = scope.sees_personal_data(self.row.jurisdiction_id)
            || matches!(scope.reach, Reach::Institution { institution_id, .. } if institution_id == self.row.institution_id);
        Ok(Json(act.shown(full)))
    }
    async fn attachments(&self) -> Vec<String> {
        serde_json::from_str(&self.row.attachments).unwrap_or_default()
    }
    async fn created_by(&self) -> &str {
        &self.row.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.row.submitted_at
    }
    async fn passed_at(&self) -> Option<DateTime<Utc>> {
        self.row.passed_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.row.decided_at
    }
    /// Why it was last returned.
    async fn returned_reason(&self) -> Option<&str> {
        self.row.returned_reason.as_deref()
    }
    /// What the approved act made or changed: the person, or the institution.
    async fn result_id(&self) -> Option<ID> {
        self.row.result_id.map(|id| ID(id.to_string()))
    }
    /// When the review (SUBMITTED) or the decision (PASSED) it waits for is due.
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        self.due()
    }
    /// Past its deadline and still waiting.
    async fn overdue(&self) -> bool {
        self.due().is_some_and(|due| due < Utc::now())
    }
    /// Its steps, oldest first (the latest ones).
    async fn steps(&self) -> Vec<SubmissionStep> {
        let skip = self.steps.len().saturating_sub(MAX_STEPS);
        self.steps
            .iter()
            .skip(skip)
            .map(|s| SubmissionStep {
                action: s.action.to_ascii_uppercase(),
                actor: s.actor.clone(),
                actor_role: s.actor_role.clone(),
                comment: s.comment.clone(),
                at: s.at,
            })
            .collect()
    }
}

/// The caller's queue, counted.
#[derive(SimpleObject, Default)]
pub struct SubmissionQueue {
    /// Waiting for the caller: an institution's drafts and returned ones, a department's
    /// submitted ones, an office's passed ones (its own jurisdiction's).
    pub awaiting_me: i32,
    pub drafts: i32,
    pub returned: i32,
    pub submitted: i32,
    pub passed: i32,
    /// Submitted or passed, and past the deadline of the step they wait for.
    pub overdue: i32,
}

/// Reads submissions with their steps and people: three statements for a page (an arrival's
/// person is named by its input: nobody exists before it is approved).
async fn with_details(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    rows: Vec<submission::Model>,
) -> ApiResult<Vec<Submission>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut steps: HashMap<i32, Vec<submission_step::Model>> = HashMap::new();
    if !ids.is_empty() {
        let found = submission_step::Entity::find()
            .filter(submission_step::Column::SubmissionId.is_in(ids))
            .order_by_asc(submission_step::Column::Id)
            .all(db)
            .await?;
        for step in found {
            steps.entry(step.submission_id).or_default().push(step);
        }
    }
    let people: Vec<i32> = rows.iter().filter_map(|r| r.staff_id).collect();
    let mut names: HashMap<i32, String> = HashMap::new();
    if !people.is_empty() {
        let found: Vec<(i32, String)> = scope
            .staff()?
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::Name)
            .filter(staff::Column::Id.is_in(people))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(found);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            // Only an arrival's sealed input is opened: the others name a person who exists.
            let person = match row.kind {
                SubmissionKind::Arrival => match Act::open(row.kind, &row.payload, pii) {
                    Ok(Act::Arrival(input)) => Some(input.name),
                    _ => None,
                },
                _ => row.staff_id.and_then(|id| names.get(&id).cloned()),
            };
            Submission { steps: steps.remove(&row.id).unwrap_or_default(), person, row }
        })
        .collect())
}

/// An open submission as the queue counts it: its status, jurisdiction, and when it was
/// submitted and passed.
type Waiting = (SubmissionStatus, i32, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

#[derive(Default)]
pub struct SubmissionQuery;

#[Object]
impl SubmissionQuery {
    /// The submissions the caller reads (an institution's own, a department's institutions'
    /// once sent, an office's jurisdictions' once sent), newest first; `status` narrows them.
    async fn submissions(
        &self,
        ctx: &Context<'_>,
        status: Option<SubmissionStatus>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<Submission>> {
        let scope = scope(ctx);
        let mut query = scope.submissions()?;
        if let Some(status) = status {
            query = query.filter(submission::Column::Status.eq(status));
        }
        let limit = u64::try_from(first).unwrap_or(0).clamp(1, MAX_PAGE);
        let rows = query.order_by_desc(submission::Column::Id).limit(limit).all(db(ctx)).await?;
        with_details(db(ctx), scope, pii(ctx), rows).await
    }

    async fn submission(&self, ctx: &Context<'_>, id: ID) -> Result<Submission> {
        let scope = scope(ctx);
        let id = parse_id(&id)?;
        let row = scope
            .submissions()?
            .filter(submission::Column::Id.eq(id))
            .one(db(ctx))
            .await?
            .ok_or_else(|| ApiError::not_found(format!("submission {id} not found")))?;
        one(ctx, row).await
    }

    /// The caller's queue with its counts (the console's badge).
    async fn submission_queue(&self, ctx: &Context<'_>) -> Result<SubmissionQueue> {
        let scope = scope(ctx);
        let open = [
            SubmissionStatus::Draft,
            SubmissionStatus::Returned,
            SubmissionStatus::Submitted,
            SubmissionStatus::Passed,
        ];
        let rows: Vec<Waiting> = scope
            .submissions()?
            .select_only()
            .column(submission::Column::Status)
            .column(submission::Column::JurisdictionId)
            .column(submission::Column::SubmittedAt)
            .column(submission::Column::PassedAt)
            .filter(submission::Column::Status.is_in(open))
            .into_tuple()
            .all(db(ctx))
            .await?;
        let mut queue = SubmissionQueue::default();
        let late = Utc::now() - Duration::days(DEADLINE_DAYS);
        let own_office = scope.office().ok().map(|o| o.id);
        for (status, jurisdiction, submitted, passed) in rows {
            match status {
                SubmissionStatus::Draft => queue.drafts += 1,
                SubmissionStatus::Returned => queue.returned += 1,
                SubmissionStatus::Submitted => queue.submitted += 1,
                _ => queue.passed += 1,
            }
            let waiting_since = if status == SubmissionStatus::Submitted { submitted } else { passed };
            if matches!(status, SubmissionStatus::Submitted | SubmissionStatus::Passed)
                && waiting_since.is_some_and(|at| at < late)
            {
                queue.overdue += 1;
            }
            let mine = match &scope.reach {
                Reach::Institution { .. } => matches!(status, SubmissionStatus::Draft | SubmissionStatus::Returned),
                Reach::Department { .. } => status == SubmissionStatus::Submitted,
                _ => status == SubmissionStatus::Passed && own_office == Some(jurisdiction),
            };
            queue.awaiting_me += i32::from(mine);
        }
        Ok(queue)
    }
}

fn desk<'a>(ctx: &Context<'a>, actor: &'a crate::audit::Actor) -> Desk<'a> {
    Desk { pii: pii(ctx), throttle: ctx.data_unchecked::<std::sync::Arc<Throttle>>(), scope: scope(ctx), actor }
}

/// One submission, when in the caller's queue or its own.
pub(crate) async fn visible(ctx: &Context<'_>, id: i32) -> Result<Option<Submission>> {
    let row = scope(ctx).submissions()?.filter(submission::Column::Id.eq(id)).one(db(ctx)).await?;
    match row {
        Some(row) => Ok(Some(one(ctx, row).await?)),
        None => Ok(None),
    }
}

async fn one(ctx: &Context<'_>, row: submission::Model) -> Result<Submission> {
    Ok(with_details(db(ctx), scope(ctx), pii(ctx), vec![row]).await?.remove(0))
}

#[derive(Default)]
pub struct SubmissionMutation;

#[Object]
impl SubmissionMutation {
    /// An institution saves a draft (new, or changing a draft or a returned submission).
    async fn save_submission(&self, ctx: &Context<'_>, input: SubmissionInput) -> Result<Submission> {
        let actor = actor(ctx);
        let row = service::save(db(ctx), scope(ctx), &desk(ctx, &actor), input.into_draft()?).await?;
        one(ctx, row).await
    }

    /// An institution sends a draft for review; it is first checked by every rule of the
    /// office's own act (a dry run), and a refusal leaves it a draft.
    async fn submit_submission(&self, ctx: &Context<'_>, id: ID) -> Result<Submission> {
        let actor = actor(ctx);
        let row = service::submit(db(ctx), scope(ctx), &desk(ctx, &actor), parse_id(&id)?).await?;
        one(ctx, row).await
    }

    /// An institution withdraws a submission its department has not yet passed.
    async fn withdraw_submission(&self, ctx: &Context<'_>, id: ID) -> Result<Submission> {
        let row = service::withdraw(db(ctx), scope(ctx), &actor(ctx), parse_id(&id)?).await?;
        one(ctx, row).await
    }

    /// The supervising department passes a submission (`pass: true`, with an optional
    /// comment) or returns it to the institution (`pass: false`, with the reason).
    async fn review_submission(
        &self,
        ctx: &Context<'_>,
        id: ID,
        pass: bool,
        comment: Option<String>,
    ) -> Result<Submission> {
        let id = parse_id(&id)?;
        let row = service::review(db(ctx), scope(ctx), &actor(ctx), id, pass, comment.as_deref()).await?;
        one(ctx, row).await
    }

    /// The staffing office approves a passed submission (`approve: true`: the act is recorded
    /// as the office's own, linked to the submission in the audit log) or returns it
    /// (`approve: false`, with the reason).
    async fn decide_submission(
        &self,
        ctx: &Context<'_>,
        id: ID,
        approve: bool,
        comment: Option<String>,
    ) -> Result<Submission> {
        let actor = actor(ctx);
        let row = service::decide(db(ctx), &desk(ctx, &actor), parse_id(&id)?, approve, comment.as_deref()).await?;
        one(ctx, row).await
    }
}
