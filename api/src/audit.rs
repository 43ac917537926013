//! Audit records, written inside the transaction of the change they describe, as links of a
//! hash chain: a row changed, removed or inserted behind the API's back breaks it.

use chrono::SubsecRound;
use entity::{audit_head, audit_log};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

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

/// The chain's first `prev_hash`.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Writes an audit row inside the caller's transaction, not yet linked: [`chain_pending`] links
/// the transaction's rows into the chain when it commits ([`crate::write::commit`]), so the chain's
/// head is held only from there to the commit, not for the whole change.
pub async fn record<C: ConnectionTrait>(db: &C, actor: &Actor, change: Change) -> Result<(), sea_orm::DbErr> {
    let mut row: audit_log::ActiveModel = model(actor, change).into();
    row.id = NotSet;
    row.insert(db).await?;
    Ok(())
}

/// Links the rows not yet in the chain (this transaction's, in id order) after its head, and
/// moves the head: the head row is locked (PostgreSQL) or the write transaction already holds
/// the database (SQLite), so concurrent writers never fork the chain. Returns how many.
pub async fn chain_pending<C: ConnectionTrait>(db: &C) -> Result<u64, sea_orm::DbErr> {
    // The transaction's own rows (no other transaction's unlinked rows are visible, and none
    // is ever committed unlinked), read before the head's lock is taken: the lock is held
    // from here to the commit, so the fewer statements after it the better.
    let loose = audit_log::Entity::find()
        .filter(audit_log::Column::Seq.is_null())
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    if loose.is_empty() {
        return Ok(0);
    }
    let mut head = head(db, true).await?;
    let chained = loose.len() as u64;
    let mut links = Vec::with_capacity(loose.len());
    for mut row in loose {
        row.seq = Some(head.seq + 1);
        row.prev_hash = Some(head.hash.clone());
        let hash = link(&row);
        links.push((row.id, head.seq + 1, head.hash.clone(), hash.clone()));
        head = audit_head::Model { id: 1, seq: head.seq + 1, hash };
    }
    if links.len() == 1 || db.get_database_backend() != sea_orm::DbBackend::Postgres {
        for (id, seq, prev_hash, hash) in links {
            audit_log::Entity::update_many()
                .col_expr(audit_log::Column::Seq, Expr::value(seq))
                .col_expr(audit_log::Column::PrevHash, Expr::value(prev_hash))
                .col_expr(audit_log::Column::Hash, Expr::value(hash))
                .filter(audit_log::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    } else {
        // Every link in one statement (hashes are hex digits, ids and sequence numbers integers).
        let values: Vec<String> = links
            .iter()
            .map(|(id, seq, prev_hash, hash)| {
                let (prev_hash, hash) = (prev_hash.replace('\'', "''"), hash.replace('\'', "''"));
                format!("({id}, {seq}::bigint, '{prev_hash}', '{hash}')")
            })
            .collect();
        db.execute_unprepared(&format!(
            "UPDATE audit_log SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash \
             FROM (VALUES {}) AS v(id, seq, prev_hash, hash) WHERE audit_log.id = v.id",
            values.join(",")
        ))
        .await?;
    }
    advance_head(db, head.seq, &head.hash).await?;
    Ok(chained)
}

/// The chain's last link (locked for the caller's transaction when `lock`).
pub async fn head<C: ConnectionTrait>(db: &C, lock: bool) -> Result<audit_head::Model, sea_orm::DbErr> {
    let mut query = audit_head::Entity::find_by_id(1);
    if lock {
        query = query.lock_exclusive();
    }
    query.one(db).await?.ok_or_else(|| sea_orm::DbErr::RecordNotFound("the audit chain's head".into()))
}

/// Moves the chain's head to its new last link (the caller holds the head's lock).
pub async fn advance_head<C: ConnectionTrait>(db: &C, seq: i64, hash: &str) -> Result<(), sea_orm::DbErr> {
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(seq))
        .col_expr(audit_head::Column::Hash, Expr::value(hash.to_string()))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

/// A row's hash: SHA-256 of the hash before it and its canonical content (every field but the
/// database id, in a fixed order, as JSON).
pub fn link(row: &audit_log::Model) -> String {
    let content = serde_json::json!([
        row.seq,
        row.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.actor,
        row.actor_role,
        row.jurisdiction_id,
        row.action,
        row.entity,
        row.entity_id,
        row.before,
        row.after,
        row.request_id,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(row.prev_hash.as_deref().unwrap_or(GENESIS).as_bytes());
    hasher.update(b"\n");
    hasher.update(content.to_string().as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Chains the rows written before the chain existed (in id order), once, after migrating.
pub async fn seal_unchained(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let sealed = chain_pending(&txn).await?;
    txn.commit().await?;
    Ok(sealed)
}

fn model(actor: &Actor, change: Change) -> audit_log::Model {
    audit_log::Model {
        id: 0,
        // Microseconds: what both databases keep, so the hash is computed on what is stored.
        occurred_at: chrono::Utc::now().trunc_subsecs(6),
        actor: actor.subject.clone(),
        actor_role: actor.role.clone(),
        jurisdiction_id: change.jurisdiction_id,
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        request_id: actor.request_id.clone(),
        seq: None,
        prev_hash: None,
        hash: None,
    }
}

/// The first broken link of the audit chain.
#[derive(async_graphql::SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The chain position where it breaks.
    pub seq: i64,
    /// `CHANGED` (a row's content no longer matches its hash), `REMOVED` (a position is
    /// missing), `INSERTED` (a row does not follow the one before it), `UNCHAINED` (a row
    /// outside the chain), `TRUNCATED` (rows removed from the end), `RELEASE` (a disclosure
    /// release's recorded head no longer matches the chain).
    pub problem: String,
}

/// Walks the whole chain in order, recomputing each hash, and checks the head and the heads
/// recorded by disclosure releases. Returns the rows checked and the first broken link.
pub async fn verify_chain<C: ConnectionTrait>(db: &C) -> Result<(i64, Option<ChainBreak>), sea_orm::DbErr> {
    const PAGE: u64 = 5_000;
    let broken = |seq: i64, problem: &str| ChainBreak { seq, problem: problem.to_string() };
    let unchained = audit_log::Entity::find().filter(audit_log::Column::Seq.is_null()).one(db).await?;
    if unchained.is_some() {
        return Ok((0, Some(broken(0, "UNCHAINED"))));
    }
    let (mut expected_seq, mut expected_prev) = (1_i64, GENESIS.to_string());
    let mut checked = 0_i64;
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let last_page = (rows.len() as u64) < PAGE;
        for row in rows {
            let seq = row.seq.unwrap_or_default();
            if seq != expected_seq {
                return Ok((checked, Some(broken(expected_seq, "REMOVED"))));
            }
            if row.prev_hash.as_deref() != Some(expected_prev.as_str()) {
                return Ok((checked, Some(broken(seq, "INSERTED"))));
            }
            let hash = link(&row);
            if row.hash.as_deref() != Some(hash.as_str()) {
                return Ok((checked, Some(broken(seq, "CHANGED"))));
            }
            checked += 1;
            expected_seq += 1;
            expected_prev = hash;
        }
        if last_page {
            break;
        }
    }
    let head = head(db, false).await?;
    if head.seq != expected_seq - 1 || head.hash != expected_prev {
        return Ok((checked, Some(broken(expected_seq, "TRUNCATED"))));
    }
    // What was made public: each release's recorded head is still a link of the chain.
    let releases = entity::disclosure_release::Entity::find()
        .filter(entity::disclosure_release::Column::AuditSeq.is_not_null())
        .all(db)
        .await?;
    let seqs: Vec<i64> = releases.iter().filter_map(|r| r.audit_seq).collect();
    let hashes: std::collections::HashMap<i64, Option<String>> = audit_log::Entity::find()
        .filter(audit_log::Column::Seq.is_in(seqs))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Some((r.seq?, r.hash)))
        .collect();
    for release in releases {
        let seq = release.audit_seq.unwrap_or_default();
        if hashes.get(&seq).cloned().flatten() != release.audit_hash {
            return Ok((checked, Some(broken(seq, "RELEASE"))));
        }
    }
    Ok((checked, None))
}
