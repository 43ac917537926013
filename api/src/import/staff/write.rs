//! Writing a checked staff file: the people with ids taken beforehand, then each one's movement
//! and audit row, three bulk statements per thousand rows.

use entity::enums::{MovementKind, StaffStatus};
use sea_orm::{ConnectionTrait, Set, TryIntoModel};
use serde_json::Value as Json;

use super::{BATCH, Checked, Progress};
use crate::audit::{Actor, snapshot};
use crate::bulk;
use crate::import::ImportReport;
use crate::pii::PiiCipher;
use crate::staff::arrival;

const STAFF_COLUMNS: [bulk::Column; 29] = [
    ("id", "int"),
    ("jurisdiction_id", "int"),
    ("institution_id", "int"),
    ("name", "text"),
    ("national_id_cipher", "text"),
    ("national_id_hash", "text"),
    ("slot_key", "text"),
    ("birth_year", "int"),
    ("category", "text"),
    ("basis", "text"),
    ("status", "text"),
    ("hire_date", "date"),
    ("title_level", "text"),
    ("over_establishment", "boolean"),
    ("seconded_to", "text"),
    ("seconded_since", "date"),
    ("paid_by_budget", "boolean"),
    ("education", "text"),
    ("degree", "text"),
    ("ethnicity", "text"),
    ("political_status", "text"),
    ("post_grade", "text"),
    ("duty", "text"),
    ("work_started_on", "date"),
    ("entered_establishment_on", "date"),
    ("departure_reason", "text"),
    ("seconded_until", "date"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
];

const MOVEMENT_COLUMNS: [bulk::Column; 10] = [
    ("jurisdiction_id", "int"),
    ("staff_id", "int"),
    ("institution_id", "int"),
    ("kind", "text"),
    ("occurred_on", "date"),
    ("document_no", "text"),
    ("note", "text"),
    ("reason", "text"),
    ("actor", "text"),
    ("created_at", "timestamptz"),
];

/// One chunk of people with their movements and audit rows, serialised.
#[derive(Default)]
struct Chunk {
    people: bulk::Rows,
    movements: bulk::Rows,
    audits: bulk::Rows,
    /// The audit chain's last link after this chunk's rows.
    head: (i64, String),
    written: usize,
    over: usize,
    past_age: usize,
}

/// Writes the people with ids taken beforehand, then each one's movement and audit row: three
/// bulk statements per chunk. Chunks are built (sealed, hashed, serialised) on a blocking
/// thread while the previous chunk is being written.
pub(super) async fn write_people<C: ConnectionTrait>(
    db: &C,
    pii: &PiiCipher,
    actor: &Actor,
    checked: Vec<Checked>,
    progress: Progress<'_>,
) -> anyhow::Result<ImportReport> {
    let total = checked.len();
    let ids = bulk::allocate_ids(db, "staff", checked.len()).await?;
    // Every writer takes the touched jurisdictions' totals before the audit chain's head
    // (crate::write::commit): the file's institutions are marked and their totals settled (and
    // so locked) now, before the head is taken.
    let mut institutions: Vec<i32> = checked.iter().map(|c| c.institution.id).collect();
    institutions.sort_unstable();
    institutions.dedup();
    crate::totals::mark_institutions(db, &institutions).await?;
    crate::totals::settle(db).await?;
    // The audit rows are links of the chain: its head is held until the import commits.
    let head = crate::audit::head(db, true).await?;
    let (sender, mut chunks) = tokio::sync::mpsc::channel(2);
    let (pii, actor) = (pii.clone(), actor.clone());
    let builder = tokio::task::spawn_blocking(move || {
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        let mut chain = (head.seq, head.hash);
        let mut rows = checked.into_iter().zip(ids).peekable();
        while rows.peek().is_some() {
            let chunk = build_chunk(rows.by_ref().take(BATCH), &pii, &actor, now, &mut chain);
            if sender.blocking_send(chunk).is_err() {
                break; // the writer stopped on an error
            }
        }
    });
    let mut report = ImportReport::default();
    let mut last = None;
    while let Some(chunk) = chunks.recv().await {
        let chunk = chunk?;
        bulk::insert(db, "staff", &STAFF_COLUMNS, chunk.people).await.map_err(slot_taken)?;
        bulk::insert(db, "staff_movement", &MOVEMENT_COLUMNS, chunk.movements).await?;
        bulk::insert(db, "audit_log", &bulk::AUDIT_COLUMNS, chunk.audits).await?;
        report.written += chunk.written;
        report.over_establishment += chunk.over;
        report.past_retirement_age += chunk.past_age;
        last = Some(chunk.head);
        if let Some(tell) = progress {
            tell("written", report.written, total);
        }
    }
    builder.await?;
    if let Some((seq, hash)) = last {
        crate::audit::advance_head(db, seq, &hash).await?;
    }
    Ok(report)
}

fn build_chunk(
    rows: impl Iterator<Item = (Checked, i32)>,
    pii: &PiiCipher,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    chain: &mut (i64, String),
) -> anyhow::Result<Chunk> {
    let stamp = bulk::stamp(now);
    let mut chunk = Chunk::default();
    for (c, id) in rows {
        chunk.past_age += usize::from(c.past_age);
        let recruitment = c.person.recruitment;
        let mut person = c.person.into_row(pii, &c.institution, c.over);
        person.departure_reason = Set(c.departure_reason);
        person.id = Set(id);
        person.created_at = Set(now);
        person.updated_at = Set(now);
        let secondment = c.secondment;
        person.seconded_to = Set(secondment.to);
        person.seconded_since = Set(secondment.since);
        person.seconded_until = Set(secondment.until);
        let person = person.try_into_model()?;
        let mut row = bulk::object(&person);
        row.insert("national_id_cipher".into(), Json::from(person.national_id_cipher.clone()));
        row.insert("national_id_hash".into(), Json::from(person.national_id_hash.clone()));
        row.insert("slot_key".into(), Json::from(person.slot_key.clone()));
        row.insert("created_at".into(), stamp.clone());
        row.insert("updated_at".into(), stamp.clone());
        chunk.people.push(row);
        chunk.movements.push(bulk::object(&serde_json::json!({
            "jurisdiction_id": person.jurisdiction_id,
            "staff_id": id,
            "institution_id": person.institution_id,
            "kind": arrival(&person).word(),
            "occurred_on": person.hire_date,
            "note": "",
            "reason": match arrival(&person) {
                MovementKind::Leave => person.departure_reason.map(|r| r.word()),
                _ => recruitment.map(|r| r.word()),
            },
            "actor": actor.subject,
            "created_at": stamp,
        })));
        // A person seconded out left on the file's day (else the hire date), on its papers
        // where the file has them.
        if person.status == StaffStatus::SecondedOut {
            chunk.movements.push(bulk::object(&serde_json::json!({
                "jurisdiction_id": person.jurisdiction_id,
                "staff_id": id,
                "institution_id": person.institution_id,
                "kind": MovementKind::SecondOut.word(),
                "occurred_on": person.seconded_since.unwrap_or(person.hire_date),
                "document_no": secondment.document_no,
                "note": person.seconded_to.clone().unwrap_or_default(),
                "actor": actor.subject,
                "created_at": stamp,
            })));
        }
        let after = snapshot(&person).map(|v| v.to_string());
        let link = bulk::Link { actor, now, jurisdiction_id: person.jurisdiction_id, entity_id: id };
        chunk.audits.push(link.row("staff.import", "staff", after, chain));
        chunk.over += usize::from(person.over_establishment);
        chunk.written += 1;
    }
    chunk.head = chain.clone();
    Ok(chunk)
}

/// A writer that slipped in between the checks and the insert and gave one of the file's
/// people a slot: the unique slot key refuses the whole file.
fn slot_taken(error: sea_orm::DbErr) -> anyhow::Error {
    match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            anyhow::anyhow!(
                "a person in the file was given an establishment slot meanwhile (一人一编); nothing imported"
            )
        }
        _ => error.into(),
    }
}
