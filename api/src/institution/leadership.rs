//! Leadership posts (领导职数) are controlled: each leader is recorded against one of the
//! institution's approved posts, never more than approved. A merger brings the merged units'
//! leaders along, so a post can hold more leaders than it has places: that surplus is shown
//! (and no one more is appointed to the post) until departures absorb it.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::NaiveDate;
use entity::enums::StaffStatus;
use entity::{institution, leader};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{LeadershipPost, parse_id};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::graphql::date::Day;
use crate::scope::Scope;

#[derive(InputObject)]
pub struct AppointLeaderInput {
    pub institution_id: ID,
    pub staff_id: ID,
    /// One of the institution's approved leadership posts.
    pub post_title: String,
    pub document_no: String,
    pub appointed_on: Day,
}

/// A leader in post.
#[derive(SimpleObject, Clone, Debug)]
pub struct Leader {
    pub id: ID,
    pub staff_id: ID,
    pub appointed_on: Day,
    pub document_no: String,
}

/// One approved post and who holds it.
#[derive(SimpleObject, Clone, Debug)]
pub struct PostFilling {
    pub title: String,
    pub approved: i32,
    pub leaders: Vec<Leader>,
    /// Leaders beyond the approved places (after a merger), flagged until absorbed.
    pub surplus: i32,
}

pub use crate::graphql::loaders::{LeadersOf, in_post};

/// The approved posts of an institution with the leaders in each.
pub fn fillings(institution: &institution::Model, leaders: &[leader::Model]) -> Vec<PostFilling> {
    let posts: Vec<LeadershipPost> = serde_json::from_str(&institution.leadership_posts).unwrap_or_default();
    let mut fillings: Vec<PostFilling> = posts
        .iter()
        .map(|p| PostFilling { title: p.title.clone(), approved: p.count, leaders: Vec::new(), surplus: 0 })
        .collect();
    for row in leaders {
        let view = Leader {
            id: ID(row.id.to_string()),
            staff_id: ID(row.staff_id.to_string()),
            appointed_on: Day(row.appointed_on),
            document_no: row.document_no.clone(),
        };
        match fillings.iter_mut().find(|f| f.title == row.post_title) {
            Some(filling) => filling.leaders.push(view),
            // A post the institution no longer has (merged in, or decided away): all surplus.
            None => fillings.push(PostFilling {
                title: row.post_title.clone(),
                approved: 0,
                leaders: vec![view],
                surplus: 0,
            }),
        }
    }
    for filling in &mut fillings {
        filling.surplus = (filling.leaders.len() as i32 - filling.approved).max(0);
    }
    fillings
}

/// Appoints a person of the institution to one of its approved posts, within the approved
/// number.
#[tracing::instrument(skip_all)]
pub async fn appoint(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: AppointLeaderInput,
) -> ApiResult<leader::Model> {
    let document =
        crate::establishment::Document::parse(&input.document_no, NaiveDate::from(input.appointed_on), "appointment")?;
    let txn = begin_write(db).await?;
    let institution = scope.institution_for_write(&txn, parse_id(&input.institution_id)?).await?;
    let person = scope.person_for_write(&txn, parse_id(&input.staff_id)?).await?;
    if person.institution_id != institution.id || person.status != StaffStatus::Active {
        return Err(ApiError::bad_input("a leader is an active member of the institution's own staff"));
    }
    let title = input.post_title.trim();
    let leaders = in_post(&[institution.id]).all(&txn).await?;
    if leaders.iter().any(|l| l.staff_id == person.id) {
        return Err(ApiError::conflict("the person already holds a leadership post here"));
    }
    let filling = fillings(&institution, &leaders).into_iter().find(|f| f.title == title && f.approved > 0);
    let Some(filling) = filling else {
        return Err(ApiError::bad_input(format!(
            "`{title}` is not one of the institution's approved leadership posts"
        )));
    };
    if filling.leaders.len() as i32 >= filling.approved {
        return Err(ApiError::conflict(format!(
            "all {} approved `{title}` posts are held ({} leaders): 领导职数 are never exceeded",
            filling.approved,
            filling.leaders.len()
        )));
    }
    let row = leader::ActiveModel {
        jurisdiction_id: Set(institution.jurisdiction_id),
        institution_id: Set(institution.id),
        staff_id: Set(person.id),
        post_title: Set(title.to_string()),
        appointed_on: Set(document.effective_on),
        document_no: Set(document.number),
        ended_on: Set(None),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, Change::created("leader.appoint", "leader", row.id, row.jurisdiction_id, &row)).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// Ends the posts a departing person held at an institution (in the departure's transaction).
pub async fn end_on_departure<C: ConnectionTrait>(
    db: &C,
    staff_id: i32,
    institution_id: i32,
    on: NaiveDate,
) -> ApiResult<()> {
    leader::Entity::update_many()
        .col_expr(leader::Column::EndedOn, sea_orm::sea_query::Expr::value(on))
        .filter(leader::Column::StaffId.eq(staff_id))
        .filter(leader::Column::InstitutionId.eq(institution_id))
        .filter(leader::Column::EndedOn.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A merger brings the merged institution's leaders along to the target (where they may be
/// a surplus until absorbed).
pub async fn move_on_merger<C: ConnectionTrait>(db: &C, from: i32, to: i32) -> ApiResult<()> {
    leader::Entity::update_many()
        .col_expr(leader::Column::InstitutionId, sea_orm::sea_query::Expr::value(to))
        .filter(leader::Column::InstitutionId.eq(from))
        .filter(leader::Column::EndedOn.is_null())
        .exec(db)
        .await?;
    Ok(())
}
