//! Off post while in establishment (在编不在岗): 离岗创业, 长期病休, 停薪留职, 挂职/驻村, 脱产学习,
//! each for an approved term under its document. The person keeps the slot and stays
//! `ACTIVE`; the office sees who is away, where, until when, and (the `offPostOverrun` finding)
//! whose term has run out. A secondment (借调) is the `SECONDED_OUT` status with its own term.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{AbsenceKind, StaffStatus};
use entity::{institution, staff, staff_absence};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, parse_id, scope};
use crate::graphql::date::Day;
use crate::scope::Scope;

/// The longest term of leave to start a business (离岗创业): three years (人社部规〔2017〕4号).
pub const ENTREPRENEURSHIP_MONTHS: u32 = 36;

/// A person's approved time off post.
#[derive(SimpleObject, Clone)]
pub struct OffPost {
    pub id: ID,
    pub kind: AbsenceKind,
    pub started_on: Day,
    /// The last day of the approved term.
    pub until: Option<Day>,
    /// The day the person came back (none while away).
    pub ended_on: Option<Day>,
    pub document_no: String,
    pub place: Option<String>,
    /// Still away after the term's last day.
    pub overrun: bool,
}

impl From<staff_absence::Model> for OffPost {
    fn from(row: staff_absence::Model) -> Self {
        let today = chrono::Utc::now().date_naive();
        let overrun = row.ended_on.is_none() && row.until.is_some_and(|until| until < today);
        OffPost {
            id: ID(row.id.to_string()),
            kind: row.kind,
            started_on: Day(row.started_on),
            until: row.until.map(Day),
            ended_on: row.ended_on.map(Day),
            document_no: row.document_no,
            place: row.place,
            overrun,
        }
    }
}

#[derive(InputObject)]
pub struct StartOffPostInput {
    pub staff_id: ID,
    pub kind: AbsenceKind,
    pub started_on: Day,
    /// The term's last day: required but for long sick leave; leave to start a business runs
    /// at most three years.
    pub until: Option<Day>,
    /// The approving document (审批文号).
    pub document_no: String,
    /// Where: the village, the body attached to, the school.
    pub place: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(InputObject)]
pub struct EndOffPostInput {
    pub staff_id: ID,
    /// The day the person is back in post.
    pub ended_on: Day,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

/// The person's open time off post (read under the person's row lock, which serialises its
/// writers).
async fn open_of<C: ConnectionTrait>(db: &C, staff_id: i32) -> ApiResult<Option<staff_absence::Model>> {
    Ok(staff_absence::Entity::find()
        .filter(staff_absence::Column::StaffId.eq(staff_id))
        .filter(staff_absence::Column::EndedOn.is_null())
        .one(db)
        .await?)
}

/// A secondment or a second absence is refused while the person is off post.
pub(super) async fn check_on_post<C: ConnectionTrait>(db: &C, person: &staff::Model) -> ApiResult<()> {
    match open_of(db, person.id).await? {
        Some(open) => Err(ApiError::conflict(format!(
            "the person is off post ({}) since {}: record the return first",
            crate::labels::zh(open.kind.word()).unwrap_or(open.kind.word()),
            open.started_on
        ))),
        None => Ok(()),
    }
}

/// The person's row is touched with each change of their time off post: what is read from
/// it (the findings, kept per version of the jurisdiction's figures) is read afresh.
async fn touch<C: ConnectionTrait>(db: &C, person: &staff::Model) -> ApiResult<()> {
    staff::Entity::update_many()
        .col_expr(staff::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(staff::Column::Id.eq(person.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A departure ends any time off post on its day.
pub(super) async fn end_on_departure<C: ConnectionTrait>(db: &C, staff_id: i32, on: NaiveDate) -> ApiResult<()> {
    staff_absence::Entity::update_many()
        .col_expr(staff_absence::Column::EndedOn, Expr::value(on))
        .filter(staff_absence::Column::StaffId.eq(staff_id))
        .filter(staff_absence::Column::EndedOn.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A transfer takes the person's open time off post to the new institution.
pub(super) async fn follow<C: ConnectionTrait>(
    db: &C,
    person: &staff::Model,
    to: &institution::Model,
) -> ApiResult<()> {
    staff_absence::Entity::update_many()
        .col_expr(staff_absence::Column::InstitutionId, Expr::value(to.id))
        .col_expr(staff_absence::Column::JurisdictionId, Expr::value(to.jurisdiction_id))
        .filter(staff_absence::Column::StaffId.eq(person.id))
        .filter(staff_absence::Column::EndedOn.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn check_term(input: &StartOffPostInput) -> ApiResult<()> {
    let today = chrono::Utc::now().date_naive();
    if input.started_on > today {
        return Err(ApiError::bad_input("`startedOn` is in the future"));
    }
    match (input.kind, input.until) {
        (AbsenceKind::LongSickLeave, None) => Ok(()),
        (_, None) => Err(ApiError::bad_input("`until` is required: the approved term's last day")),
        (_, Some(until)) if until < input.started_on => Err(ApiError::bad_input("`until` is before `startedOn`")),
        (AbsenceKind::Entrepreneurship, Some(until))
            if input
                .started_on
                .checked_add_months(chrono::Months::new(ENTREPRENEURSHIP_MONTHS))
                .is_some_and(|l| until > l) =>
        {
            Err(ApiError::bad_input(
                "leave to start a business (离岗创业) runs at most three years (人社部规〔2017〕4号)",
            ))
        }
        _ => Ok(()),
    }
}

#[tracing::instrument(skip_all)]
async fn start(db: &DatabaseConnection, scope: &Scope, actor: &Actor, input: StartOffPostInput) -> ApiResult<OffPost> {
    let id = parse_id(&input.staff_id)?;
    check_term(&input)?;
    let document = codes::document_no(&input.document_no).map_err(ApiError::BadInput)?;
    let place = match input.place.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(codes::name("place", p).map_err(ApiError::BadInput)?),
        None => None,
    };
    let txn = begin_write(db).await?;
    let person = scope.person_for_write(&txn, id).await?;
    if person.status != StaffStatus::Active || person.basis.funding().is_none() {
        return Err(ApiError::conflict("only an active person in establishment, in post, can be recorded off post"));
    }
    if input.started_on < person.hire_date {
        return Err(ApiError::bad_input("`startedOn` is before the person's hire date"));
    }
    check_on_post(&txn, &person).await?;
    let row = staff_absence::ActiveModel {
        jurisdiction_id: Set(person.jurisdiction_id),
        institution_id: Set(person.institution_id),
        staff_id: Set(person.id),
        kind: Set(input.kind),
        started_on: Set(NaiveDate::from(input.started_on)),
        until: Set(input.until.map(NaiveDate::from)),
        ended_on: Set(None),
        document_no: Set(document),
        place: Set(place),
        recorded_by: Set(actor.subject.clone()),
        recorded_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    touch(&txn, &person).await?;
    let change = Change::created("staff.off_post", "staff_absence", row.id, row.jurisdiction_id, &row);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(row.into())
}

#[tracing::instrument(skip_all)]
async fn end(db: &DatabaseConnection, scope: &Scope, actor: &Actor, input: EndOffPostInput) -> ApiResult<OffPost> {
    let id = parse_id(&input.staff_id)?;
    if input.ended_on > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_input("`endedOn` is in the future"));
    }
    let txn = begin_write(db).await?;
    let person = scope.person_for_write(&txn, id).await?;
    let before = open_of(&txn, person.id).await?.ok_or_else(|| ApiError::conflict("the person is not off post"))?;
    if input.ended_on < before.started_on {
        return Err(ApiError::bad_input("`endedOn` is before the time off post began"));
    }
    let mut row: staff_absence::ActiveModel = before.clone().into();
    row.ended_on = Set(Some(NaiveDate::from(input.ended_on)));
    let after = row.update(&txn).await?;
    touch(&txn, &person).await?;
    let change =
        Change::updated("staff.back_on_post", "staff_absence", after.id, after.jurisdiction_id, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(after.into())
}

/// The most times off post a person's record lists.
pub const HISTORY: usize = 20;

#[derive(Default)]
pub struct OffPostMutation;

#[Object]
impl OffPostMutation {
    /// Records a person in establishment off post for an approved term (在编不在岗): the slot
    /// stays theirs.
    async fn start_off_post(&self, ctx: &Context<'_>, input: StartOffPostInput) -> Result<OffPost> {
        let row = start(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(row)
    }

    /// Records that a person off post is back in post.
    async fn end_off_post(&self, ctx: &Context<'_>, input: EndOffPostInput) -> Result<OffPost> {
        let row = end(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(row)
    }
}
