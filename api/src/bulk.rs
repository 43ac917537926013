//! Loading many rows at once. Each chunk goes to the database as a single JSON text parameter
//! that the database unpacks itself (PostgreSQL `json_to_recordset`, SQLite `json_each`): one
//! parameter per statement instead of one per cell, so there is far less to bind and plan
//! than in a multi-row `VALUES` list.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use serde_json::{Map, Value as Json};

/// A column of a bulk insert: its name (also the key in each row object) and its PostgreSQL
/// type for `json_to_recordset`.
pub type Column = (&'static str, &'static str);

/// Largest JSON payload of one statement, in bytes (a bound on memory, not on rows).
const MAX_PAYLOAD: usize = 1024 * 1024;

/// Rows serialised as they are added, ready to send: building them is CPU work that can run
/// on another thread while the previous rows are being written.
#[derive(Default)]
pub struct Rows {
    payloads: Vec<String>,
    current: String,
}

impl Rows {
    /// Adds a row: an object keyed by column name (absent keys are NULL).
    pub fn push(&mut self, row: Map<String, Json>) {
        let row = Json::Object(row).to_string();
        if !self.current.is_empty() && self.current.len() + row.len() + 2 > MAX_PAYLOAD {
            self.finish_payload();
        }
        self.current.push(if self.current.is_empty() { '[' } else { ',' });
        self.current.push_str(&row);
    }

    fn finish_payload(&mut self) {
        let mut payload = std::mem::take(&mut self.current);
        payload.push(']');
        self.payloads.push(payload);
    }
}

/// Inserts `rows` into `table`: one statement per payload.
pub async fn insert<C: ConnectionTrait>(db: &C, table: &str, columns: &[Column], mut rows: Rows) -> Result<(), DbErr> {
    if !rows.current.is_empty() {
        rows.finish_payload();
    }
    if rows.payloads.is_empty() {
        return Ok(());
    }
    let names = columns.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ");
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            let types = columns.iter().map(|(name, ty)| format!("{name} {ty}")).collect::<Vec<_>>().join(", ");
            format!("INSERT INTO {table} ({names}) SELECT {names} FROM json_to_recordset($1::json) AS r({types})")
        }
        _ => {
            let picks = columns
                .iter()
                .map(|(name, _)| format!("json_extract(value, '$.{name}')"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("INSERT INTO {table} ({names}) SELECT {picks} FROM json_each(?)")
        }
    };
    for payload in rows.payloads {
        db.execute_raw(Statement::from_sql_and_values(backend, &sql, [Value::from(payload)])).await?;
    }
    Ok(())
}

/// Takes `n` new ids of `table`'s serial key, so rows can be written with their ids known
/// (and rows that refer to them written in bulk too). On SQLite the caller holds the write
/// lock; ids continue after both the largest id and SQLite's AUTOINCREMENT high-water mark,
/// so a deleted row's id is never given again.
pub async fn allocate_ids<C: ConnectionTrait>(db: &C, table: &str, n: usize) -> Result<Vec<i32>, DbErr> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let rows = match backend {
        DbBackend::Postgres => {
            let sql = format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id'))::int AS id FROM generate_series(1, $1)"
            );
            let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, [Value::from(n as i64)])).await?;
            rows.iter().map(|row| row.try_get::<i32>("", "id")).collect::<Result<Vec<_>, _>>()?
        }
        _ => {
            let sql = format!(
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), \
                            COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)) AS top"
            );
            let row = db.query_one_raw(Statement::from_string(backend, sql)).await?;
            let top = row.map(|r| r.try_get::<i32>("", "top")).transpose()?.unwrap_or(0);
            (top + 1..=top + n as i32).collect()
        }
    };
    Ok(rows)
}

/// A record as a bulk row: its fields by name.
pub fn object<T: serde::Serialize>(value: &T) -> Map<String, Json> {
    match serde_json::to_value(value) {
        Ok(Json::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The columns of a bulk-written audit row.
pub const AUDIT_COLUMNS: [Column; 12] = [
    ("occurred_at", "timestamptz"),
    ("actor", "text"),
    ("actor_role", "text"),
    ("jurisdiction_id", "int"),
    ("action", "text"),
    ("entity", "text"),
    ("entity_id", "int"),
    ("after", "text"),
    ("request_id", "text"),
    ("seq", "bigint"),
    ("prev_hash", "text"),
    ("hash", "text"),
];

/// An audit row of a bulk write, linked to the chain as it is built (the writer holds the
/// chain's head from before the first row to its commit, and advances it to the last link).
pub struct Link<'a> {
    pub actor: &'a crate::audit::Actor,
    /// The write's one timestamp, truncated to microseconds (what both databases keep).
    pub now: chrono::DateTime<chrono::Utc>,
    pub jurisdiction_id: i32,
    pub entity_id: i32,
}

impl Link<'_> {
    /// The row recording that `entity` was written as `after`, linked after `chain` (the last
    /// link's sequence number and hash), which moves on to it.
    pub fn row(
        &self,
        action: &str,
        entity: &str,
        after: Option<String>,
        chain: &mut (i64, String),
    ) -> Map<String, Json> {
        let mut audit = entity::audit_log::Model {
            id: 0,
            occurred_at: self.now,
            actor: self.actor.subject.clone(),
            actor_role: self.actor.role.clone(),
            jurisdiction_id: Some(self.jurisdiction_id),
            action: action.into(),
            entity: entity.into(),
            entity_id: Some(self.entity_id),
            before: None,
            after,
            request_id: self.actor.request_id.clone(),
            seq: Some(chain.0 + 1),
            prev_hash: Some(chain.1.clone()),
            hash: None,
        };
        let hash = crate::audit::link(&audit);
        audit.hash = Some(hash.clone());
        *chain = (chain.0 + 1, hash);
        let mut row = object(&audit);
        row.remove("id");
        row.insert("occurred_at".into(), stamp(self.now));
        row
    }
}

/// A timestamp as both databases' drivers encode it, so bulk rows read back alike.
pub fn stamp(now: chrono::DateTime<chrono::Utc>) -> Json {
    Json::from(now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
}
