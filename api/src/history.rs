//! History: an institution's timeline (establishment events, classification decisions,
//! reforms, reduction plans, staff movements) and the audit log, for the caller's scope.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{MovementKind, StaffBasis};
use entity::{
    audit_log, classification_decision, establishment_event, institution, reduction_plan, reform, staff, staff_movement,
};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::documents::Kind;
use crate::error::{ApiError, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{db, scope};
use crate::graphql::date::Day;
use crate::graphql::pagination::{Cursor, PageInfo, page_size};

#[derive(SimpleObject, Debug, Clone)]
pub struct TimelineEntry {
    pub on: Day,
    /// `ESTABLISHMENT`, `CLASSIFICATION`, `DETERMINATION`, `REFORM`, `REDUCTION_PLAN` or `STAFF`.
    pub category: String,
    /// What happened, in the enumeration words (e.g. `RECLAIM FISCAL -3`, `HIRE`).
    pub what: String,
    pub document_no: Option<String>,
    pub detail: String,
    pub actor: String,
    /// Change of the staff count this entry caused (staff movements only).
    pub staff_delta: i32,
    pub recorded_at: DateTime<Utc>,
    /// Where the document this entry's act issued downloads (`/documents/.../ID.pdf`: a 批复, an
    /// 入编 or 出编 notice), for those who may read the act; none for entries without one.
    pub document: Option<String>,
}

/// Cap on each source of a timeline.
const TIMELINE_ROWS: u64 = 500;

#[derive(SimpleObject)]
pub struct AuditEntry {
    pub id: ID,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub actor_role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<ID>,
    /// The record before the change, as JSON.
    pub before: Option<String>,
    /// The record after the change, as JSON.
    pub after: Option<String>,
    pub request_id: Option<String>,
}

#[derive(SimpleObject)]
pub struct AuditEdge {
    pub cursor: String,
    pub node: AuditEntry,
}

#[derive(SimpleObject)]
pub struct AuditConnection {
    pub total_count: u64,
    pub page_info: PageInfo,
    pub edges: Vec<AuditEdge>,
}

#[derive(Default)]
pub struct HistoryQuery;

#[Object]
impl HistoryQuery {
    /// Everything that happened to an institution, newest first.
    async fn institution_timeline(&self, ctx: &Context<'_>, id: ID) -> Result<Vec<TimelineEntry>> {
        let scope = scope(ctx);
        scope.require_internal()?;
        let db = db(ctx);
        let id = parse_id(&id)?;
        let visible = scope.institutions().filter(institution::Column::Id.eq(id)).one(db).await?;
        if visible.is_none() {
            return Err(ApiError::not_found(format!("institution {id} not found")));
        }
        let mut entries = Vec::new();
        let events = establishment_event::Entity::find()
            .filter(establishment_event::Column::InstitutionId.eq(id))
            .order_by_desc(establishment_event::Column::Id)
            .limit(TIMELINE_ROWS)
            .all(db)
            .await?;
        entries.extend(events.into_iter().map(|e| TimelineEntry {
            on: Day(e.effective_on),
            category: "ESTABLISHMENT".into(),
            what: format!("{} {} {:+}{}", e.kind.word(), e.funding.word(), e.approved_delta, frozen(e.frozen_delta)),
            document: Some(Kind::EstablishmentEvent.path(e.id)),
            document_no: Some(e.document_no),
            detail: e.reason,
            actor: e.actor,
            staff_delta: 0,
            recorded_at: e.created_at,
        }));
        let decisions = classification_decision::Entity::find()
            .filter(classification_decision::Column::InstitutionId.eq(id))
            .limit(TIMELINE_ROWS)
            .all(db)
            .await?;
        entries.extend(decisions.into_iter().map(|d| TimelineEntry {
            on: Day(d.decided_on),
            category: "CLASSIFICATION".into(),
            what: d.classification.word().to_string(),
            document_no: Some(d.document_no),
            detail: d.previous.map(|p| format!("was {}", p.word())).unwrap_or_default(),
            actor: d.actor,
            staff_delta: 0,
            document: None,
            recorded_at: d.created_at,
        }));
        let determinations = entity::determination_decision::Entity::find()
            .filter(entity::determination_decision::Column::InstitutionId.eq(id))
            .limit(TIMELINE_ROWS)
            .all(db)
            .await?;
        entries.extend(determinations.into_iter().map(|d| {
            let after: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&d.after).unwrap_or_default();
            let before: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&d.before).unwrap_or_default();
            let changed: Vec<String> = after.keys().cloned().collect();
            let detail = after
                .iter()
                .map(|(field, now)| format!("{field}: {} -> {now}", before.get(field).cloned().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ");
            TimelineEntry {
                on: Day(d.decided_on),
                category: "DETERMINATION".into(),
                what: changed.join(", "),
                document: Some(Kind::Determination.path(d.id)),
                document_no: Some(d.document_no),
                detail: format!("{} ({detail})", d.reason),
                actor: d.actor,
                staff_delta: 0,
                recorded_at: d.created_at,
            }
        }));
        let reforms = reform::Entity::find()
            .filter(
                Condition::any()
                    .add(reform::Column::InstitutionId.eq(id))
                    .add(reform::Column::TargetInstitutionId.eq(id)),
            )
            .limit(TIMELINE_ROWS)
            .all(db)
            .await?;
        entries.extend(reforms.into_iter().map(|r| TimelineEntry {
            on: Day(r.effective_on),
            category: "REFORM".into(),
            document: Some(Kind::Reform.path(r.id)),
            what: if r.institution_id == id {
                r.kind.word().to_string()
            } else {
                format!("{} (received)", r.kind.word())
            },
            document_no: Some(r.document_no),
            detail: r.reason,
            actor: r.actor,
            staff_delta: 0,
            recorded_at: r.created_at,
        }));
        let plans = reduction_plan::Entity::find()
            .filter(reduction_plan::Column::InstitutionId.eq(id))
            .limit(TIMELINE_ROWS)
            .all(db)
            .await?;
        entries.extend(plans.into_iter().map(|p| TimelineEntry {
            on: Day(p.opened_on),
            category: "REDUCTION_PLAN".into(),
            document: None,
            what: format!("OPEN target {} ({} reduced, {})", p.target, p.reduced, p.status.word()),
            document_no: Some(p.document_no),
            detail: p.reason,
            actor: String::new(),
            staff_delta: 0,
            recorded_at: p.created_at,
        }));
        let movements = staff_movement::Entity::find()
            .filter(staff_movement::Column::InstitutionId.eq(id))
            .order_by_desc(staff_movement::Column::Id)
            .limit(TIMELINE_ROWS)
            .all(db)
            .await?;
        // Only people in establishment have 入编 and 出编 notices.
        let outside: std::collections::HashSet<i32> = if movements.is_empty() {
            Default::default()
        } else {
            staff::Entity::find()
                .select_only()
                .column(staff::Column::Id)
                .filter(staff::Column::Id.is_in(movements.iter().map(|m| m.staff_id).collect::<Vec<_>>()))
                .filter(staff::Column::Basis.eq(StaffBasis::Temporary))
                .into_tuple::<i32>()
                .all(db)
                .await?
                .into_iter()
                .collect()
        };
        entries.extend(movements.into_iter().map(|m| TimelineEntry {
            on: Day(m.occurred_on),
            category: "STAFF".into(),
            what: m.kind.word().to_string(),
            document: match m.kind {
                MovementKind::SecondOut | MovementKind::Return => None,
                _ if outside.contains(&m.staff_id) => None,
                _ => Some(Kind::Movement.path(m.id)),
            },
            document_no: m.document_no,
            detail: m.note,
            actor: m.actor,
            staff_delta: match m.kind {
                MovementKind::Hire | MovementKind::TransferIn => 1,
                MovementKind::TransferOut | MovementKind::Retire | MovementKind::Leave => -1,
                MovementKind::SecondOut | MovementKind::Return => 0,
            },
            recorded_at: m.created_at,
        }));
        entries.sort_by_key(|e| std::cmp::Reverse((e.on, e.recorded_at)));
        Ok(entries)
    }

    /// The audit log of the caller's jurisdictions (staffing offices): who, when, what,
    /// before and after; newest first.
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        jurisdiction: Option<String>,
        #[graphql(default = false)] include_descendants: bool,
        entity: Option<String>,
        entity_id: Option<ID>,
        action: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<AuditConnection> {
        use audit_log::Column;
        let scope = scope(ctx);
        let db = db(ctx);
        let limit = page_size(first)?;
        let mut query = match &jurisdiction {
            Some(code) => scope.audit_log_in(&scope.narrow(db, code, include_descendants).await?)?,
            None => scope.audit_log()?,
        };
        if let Some(entity) = entity {
            query = query.filter(Column::Entity.eq(entity));
        }
        if let Some(id) = &entity_id {
            query = query.filter(Column::EntityId.eq(parse_id(id)?));
        }
        if let Some(action) = action {
            query = query.filter(Column::Action.eq(action));
        }
        let total_count = query.clone().count(db).await?;
        if let Some(raw) = &after {
            query = query.filter(Column::Id.lt(Cursor::decode(raw, "audit:id")?.id));
        }
        let mut rows = query.order_by_desc(Column::Id).limit(limit + 1).all(db).await?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let edges: Vec<AuditEdge> = rows
            .into_iter()
            .map(|r| AuditEdge {
                cursor: Cursor { order: "audit:id".into(), key: String::new(), id: r.id }.encode(),
                node: AuditEntry {
                    id: ID(r.id.to_string()),
                    occurred_at: r.occurred_at,
                    actor: r.actor,
                    actor_role: r.actor_role,
                    action: r.action,
                    entity: r.entity,
                    entity_id: r.entity_id.map(|i| ID(i.to_string())),
                    before: r.before,
                    after: r.after,
                    request_id: r.request_id,
                },
            })
            .collect();
        let page_info = PageInfo::forward(edges.iter().map(|e| &e.cursor), has_next_page, after.is_some());
        Ok(AuditConnection { total_count, page_info, edges })
    }
}

fn frozen(delta: i32) -> String {
    if delta == 0 { String::new() } else { format!(" frozen {delta:+}") }
}
