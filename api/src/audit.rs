//! Audit records, written inside the transaction of the change they describe.

use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use crate::scope::Scope;

/// Who acts, for the audit log and the ledger.
#[derive(Debug, Clone)]
pub struct Actor {
    pub subject: String,
    pub role: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn of(scope: &Scope, request_id: Option<String>) -> Self {
        Self { subject: scope.principal.subject.clone(), role: scope.role().word().to_string(), request_id }
    }

    /// The command line (imports, seeding).
    pub fn system(subject: &str) -> Self {
        Self { subject: subject.to_string(), role: "SYSTEM".to_string(), request_id: None }
    }
}

/// One audited change: what was done to which record, with the record before and after.
pub struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<i32>,
    pub jurisdiction_id: Option<i32>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    /// A record written for the first time.
    pub fn created<T: Serialize>(
        action: &'static str,
        entity: &'static str,
        entity_id: i32,
        jurisdiction_id: i32,
        record: &T,
    ) -> Self {
        let (entity_id, jurisdiction_id) = (Some(entity_id), Some(jurisdiction_id));
        Self { action, entity, entity_id, jurisdiction_id, before: None, after: snapshot(record) }
    }

    /// A record changed: as it was and as it is.
    pub fn updated<T: Serialize>(
        action: &'static str,
        entity: &'static str,
        entity_id: i32,
        jurisdiction_id: i32,
        before: &T,
        after: &T,
    ) -> Self {
        let (entity_id, jurisdiction_id) = (Some(entity_id), Some(jurisdiction_id));
        Self { action, entity, entity_id, jurisdiction_id, before: snapshot(before), after: snapshot(after) }
    }
}

/// A record as the audit log keeps it.
pub fn snapshot<T: Serialize>(record: &T) -> Option<serde_json::Value> {
    serde_json::to_value(record).ok()
}

pub async fn record<C: ConnectionTrait>(db: &C, actor: &Actor, change: Change) -> Result<(), sea_orm::DbErr> {
    row(actor, change).insert(db).await?;
    Ok(())
}

fn row(actor: &Actor, change: Change) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        occurred_at: Set(chrono::Utc::now()),
        actor: Set(actor.subject.clone()),
        actor_role: Set(actor.role.clone()),
        jurisdiction_id: Set(change.jurisdiction_id),
        action: Set(change.action.to_string()),
        entity: Set(change.entity.to_string()),
        entity_id: Set(change.entity_id),
        before: Set(change.before.map(|v| v.to_string())),
        after: Set(change.after.map(|v| v.to_string())),
        request_id: Set(actor.request_id.clone()),
        ..Default::default()
    }
}
