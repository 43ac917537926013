//! A submission's steps, each one transaction with its step row and its audit row: the
//! institution saves a draft, edits it, submits it (checked first by a dry run of the act) or
//! withdraws it; its supervising department passes it (with a comment) or returns it (with a
//! reason); the staffing office approves it (the act is recorded in the same transaction) or
//! returns it. Every change of state is a conditional update from the state it expects, so
//! two clicks, or two reviewers, move it once.

use chrono::Utc;
use entity::enums::SubmissionStatus;
use entity::{submission, submission_step};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::acts::{Act, Desk};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::scope::{Reach, Scope};

/// Most attachment references on one submission.
pub const MAX_ATTACHMENTS: usize = 20;
/// Longest comment or reason.
const MAX_COMMENT: usize = 1_000;

/// What the institution keys: the act, and the references of its attachments.
pub struct Draft {
    pub id: Option<i32>,
    pub act: Act,
    pub attachments: Vec<String>,
}

fn attachments(list: &[String]) -> ApiResult<String> {
    if list.len() > MAX_ATTACHMENTS {
        return Err(ApiError::bad_input(format!("at most {MAX_ATTACHMENTS} attachments")));
    }
    let checked: Result<Vec<String>, String> = list.iter().map(|d| crate::codes::document_no(d)).collect();
    Ok(serde_json::to_string(&checked.map_err(ApiError::BadInput)?).unwrap_or_else(|_| "[]".into()))
}

fn comment(field: &str, raw: Option<&str>, required: bool) -> ApiResult<Option<String>> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty());
    match value {
        None if required => Err(ApiError::bad_input(format!("`{field}` is required"))),
        Some(v) if v.chars().count() > MAX_COMMENT => {
            Err(ApiError::bad_input(format!("`{field}` may be at most {MAX_COMMENT} characters")))
        }
        v => Ok(v.map(str::to_string)),
    }
}

/// Writes a step and its audit row.
async fn step<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    row: &submission::Model,
    action: &'static str,
    comment: Option<&str>,
) -> ApiResult<()> {
    submission_step::ActiveModel {
        submission_id: Set(row.id),
        action: Set(action.to_string()),
        actor: Set(actor.subject.clone()),
        actor_role: Set(actor.role.clone()),
        comment: Set(comment.map(str::to_string)),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let after = serde_json::json!({
        "kind": row.kind.word(), "status": row.status.word(), "institution": row.institution_id,
        "staff": row.staff_id, "comment": comment, "result": row.result_id,
    });
    let change = Change {
        action: match action {
            "save" => "submission.save",
            "submit" => "submission.submit",
            "withdraw" => "submission.withdraw",
            "pass" => "submission.pass",
            "return" => "submission.return",
            _ => "submission.approve",
        },
        entity: "submission",
        entity_id: Some(row.id),
        jurisdiction_id: Some(row.jurisdiction_id),
        before: None,
        after: Some(after),
    };
    audit::record(db, actor, change).await?;
    Ok(())
}

/// Moves a submission the caller reads from one of `from` to `to` with `set`, or says why not:
/// missing (out of reach reads the same) or no longer in a state that allows it.
async fn transition<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i32,
    from: &[SubmissionStatus],
    to: SubmissionStatus,
    set: impl FnOnce(&mut submission::ActiveModel),
) -> ApiResult<submission::Model> {
    let row = scope
        .submissions()?
        .filter(submission::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("submission {id} not found")))?;
    let mut update = submission::ActiveModel { status: Set(to), updated_at: Set(Utc::now()), ..Default::default() };
    set(&mut update);
    let moved = submission::Entity::update_many()
        .set(update)
        .filter(submission::Column::Id.eq(id))
        .filter(submission::Column::Status.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(ApiError::conflict(format!(
            "submission {id} is {}: it cannot be {}",
            row.status.word(),
            to.word()
        )));
    }
    Ok(submission::Entity::find_by_id(id).one(db).await?.unwrap_or(row))
}

/// Saves a new draft, or changes a draft (or a returned submission, which becomes a draft
/// again) of the calling institution.
pub async fn save(
    db: &DatabaseConnection,
    scope: &Scope,
    desk: &Desk<'_>,
    draft: Draft,
) -> ApiResult<submission::Model> {
    let (own, jurisdiction) = scope.own_institution()?;
    let attachments = attachments(&draft.attachments)?;
    let txn = begin_write(db).await?;
    let staff_id = draft.act.within(&txn, scope, own).await?;
    let institution = scope
        .institutions()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("institution {own} not found")))?;
    let (kind, payload) = (draft.act.kind(), draft.act.seal(desk.pii));
    let row = match draft.id {
        None => {
            let now = Utc::now();
            submission::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                institution_id: Set(own),
                department_id: Set(institution.department_id),
                kind: Set(kind),
                staff_id: Set(staff_id),
                payload: Set(payload),
                attachments: Set(attachments),
                status: Set(SubmissionStatus::Draft),
                created_by: Set(desk.actor.subject.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
        Some(id) => {
            let editable = [SubmissionStatus::Draft, SubmissionStatus::Returned];
            transition(&txn, scope, id, &editable, SubmissionStatus::Draft, |row| {
                row.kind = Set(kind);
                row.staff_id = Set(staff_id);
                row.payload = Set(payload);
                row.attachments = Set(attachments);
            })
            .await?
        }
    };
    step(&txn, desk.actor, &row, "save", None).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// Sends a draft for review, once the act passes every rule of the office's own act (a dry run
/// as the office of the institution's jurisdiction): a refusal comes back, and the draft stays.
pub async fn submit(db: &DatabaseConnection, scope: &Scope, desk: &Desk<'_>, id: i32) -> ApiResult<submission::Model> {
    let (own, jurisdiction) = scope.own_institution()?;
    let txn = begin_write(db).await?;
    let ready = [SubmissionStatus::Draft, SubmissionStatus::Returned];
    let row = transition(&txn, scope, id, &ready, SubmissionStatus::Submitted, |row| {
        row.submitted_at = Set(Some(Utc::now()));
        row.passed_at = Set(None);
    })
    .await?;
    let act = Act::open(row.kind, &row.payload, desk.pii)?;
    act.within(&txn, scope, own).await?;
    let office = Scope::office_over(scope.principal.clone(), jurisdiction.clone());
    act.run(&txn, &Desk { scope: &office, ..*desk }, true, Some(row.id)).await?;
    step(&txn, desk.actor, &row, "submit", None).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// Withdraws a submission the institution has not yet had passed.
pub async fn withdraw(db: &DatabaseConnection, scope: &Scope, actor: &Actor, id: i32) -> ApiResult<submission::Model> {
    scope.own_institution()?;
    let txn = begin_write(db).await?;
    let open = [SubmissionStatus::Draft, SubmissionStatus::Returned, SubmissionStatus::Submitted];
    let row = transition(&txn, scope, id, &open, SubmissionStatus::Withdrawn, |row| {
        row.decided_at = Set(Some(Utc::now()));
    })
    .await?;
    step(&txn, actor, &row, "withdraw", None).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// The supervising department's review: pass (with an optional comment) or return (with a
/// reason).
pub async fn review(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
    pass: bool,
    remark: Option<&str>,
) -> ApiResult<submission::Model> {
    if !matches!(scope.reach, Reach::Department { .. }) {
        return Err(ApiError::forbidden("the supervising department reviews an institution's submissions"));
    }
    let remark = comment(if pass { "comment" } else { "reason" }, remark, !pass)?;
    let txn = begin_write(db).await?;
    let from = [SubmissionStatus::Submitted];
    let row = if pass {
        transition(&txn, scope, id, &from, SubmissionStatus::Passed, |row| row.passed_at = Set(Some(Utc::now())))
            .await?
    } else {
        let reason = remark.clone();
        transition(&txn, scope, id, &from, SubmissionStatus::Returned, |row| row.returned_reason = Set(reason)).await?
    };
    step(&txn, actor, &row, if pass { "pass" } else { "return" }, remark.as_deref()).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// The staffing office's decision: approve a passed submission (its act recorded in this
/// transaction, as the office's own) or return one (with a reason). Only the office of the
/// institution's own jurisdiction decides.
pub async fn decide(
    db: &DatabaseConnection,
    desk: &Desk<'_>,
    id: i32,
    approve: bool,
    remark: Option<&str>,
) -> ApiResult<submission::Model> {
    let scope = desk.scope;
    let own = scope.office()?.id;
    let remark = comment(if approve { "comment" } else { "reason" }, remark, !approve)?;
    let txn = begin_write(db).await?;
    let found = scope.submissions()?.filter(submission::Column::Id.eq(id)).one(&txn).await?;
    if found.as_ref().is_some_and(|row| row.jurisdiction_id != own) {
        return Err(ApiError::forbidden("a staffing office decides its own jurisdiction's submissions"));
    }
    let row = if approve {
        let now = Some(Utc::now());
        let claimed = transition(&txn, scope, id, &[SubmissionStatus::Passed], SubmissionStatus::Approved, |row| {
            row.decided_at = Set(now);
        })
        .await?;
        let act = Act::open(claimed.kind, &claimed.payload, desk.pii)?;
        act.within(&txn, scope, claimed.institution_id).await?;
        let result = act.run(&txn, desk, false, Some(id)).await?;
        submission::Entity::update_many()
            .col_expr(submission::Column::ResultId, Expr::value(result))
            .filter(submission::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        submission::Model { result_id: Some(result), ..claimed }
    } else {
        let from = [SubmissionStatus::Submitted, SubmissionStatus::Passed];
        let reason = remark.clone();
        transition(&txn, scope, id, &from, SubmissionStatus::Returned, |row| {
            row.returned_reason = Set(reason);
            row.passed_at = Set(None);
        })
        .await?
    };
    step(&txn, desk.actor, &row, if approve { "approve" } else { "return" }, remark.as_deref()).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}
