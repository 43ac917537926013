//! The overview's figures of vacancy use: plans and their use over a set of jurisdictions.

use async_graphql::SimpleObject;
use entity::enums::VacancyUseStatus;
use entity::vacancy_use_plan;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::ApiResult;

/// Plans and their use over a set of jurisdictions (the overview's).
#[derive(SimpleObject, Default, Debug, Clone)]
pub struct VacancyUseFigures {
    /// Requests waiting for the office's decision, and the slots they ask for.
    pub pending_requests: i64,
    pub pending_slots: i64,
    /// Approved plans still open (unexpired, with quota left), and the hires they still allow.
    pub open_plans: i64,
    pub open_slots: i64,
    /// Hires drawn on plans, ever.
    pub hires_drawn: i64,
    /// Requests refused.
    pub refused: i64,
    /// Plans revoked (收回) by the office.
    pub revoked: i64,
}

/// Plans of one status: status, plans, slots requested, hires drawn, open plans, open slots.
type StatusGroup = (VacancyUseStatus, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// One grouped statement over the plans, however many hires have drawn on them.
pub async fn figures<C: ConnectionTrait>(db: &C, jurisdiction_ids: &[i32]) -> ApiResult<VacancyUseFigures> {
    use sea_orm::sea_query::{CaseStatement, Cond, Func};
    use vacancy_use_plan::Column;
    let open = Cond::all()
        .add(Column::Status.eq(VacancyUseStatus::Approved))
        .add(Column::ExpiresOn.gte(chrono::Utc::now().date_naive()))
        .add(Expr::col(Column::Approved).gt(Expr::col(Column::Used)));
    let left = Expr::col(Column::Approved).sub(Expr::col(Column::Used));
    let groups: Vec<StatusGroup> = vacancy_use_plan::Entity::find()
        .select_only()
        .column(Column::Status)
        .column_as(Column::Id.count(), "plans")
        .column_as(Column::Requested.sum(), "requested")
        .column_as(Column::Used.sum(), "used")
        .column_as(Expr::from(Func::sum(CaseStatement::new().case(open.clone(), 1).finally(0))), "open_plans")
        .column_as(Expr::from(Func::sum(CaseStatement::new().case(open, left).finally(0))), "open_slots")
        .filter(Column::JurisdictionId.is_in(jurisdiction_ids.iter().copied()))
        .group_by(Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = VacancyUseFigures::default();
    for (status, plans, requested, used, open_plans, open_slots) in groups {
        match status {
            VacancyUseStatus::Requested => {
                out.pending_requests = plans;
                out.pending_slots = requested.unwrap_or(0);
            }
            VacancyUseStatus::Refused => out.refused = plans,
            VacancyUseStatus::Revoked => out.revoked = plans,
            VacancyUseStatus::Approved => {
                out.open_plans = open_plans.unwrap_or(0);
                out.open_slots = open_slots.unwrap_or(0);
            }
        }
        out.hires_drawn += used.unwrap_or(0);
    }
    Ok(out)
}
