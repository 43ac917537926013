//! `api init --jurisdiction CODE` (CONTRACT.md): on any database, empty included, the
//! jurisdiction and every level above it from the national division table, with their official
//! names and kinds; what exists already is kept, so running it again changes nothing.

use entity::jurisdiction;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::divisions::{self, EDITION};
use crate::audit::{self, Actor, Change};
use crate::db::begin_write;

/// One level of the lineage: the row, and whether this run created it.
pub struct Initialised {
    pub row: jurisdiction::Model,
    pub created: bool,
}

/// Creates `code` and its ancestors as the table has them, each audited; one transaction.
pub async fn init(db: &DatabaseConnection, code: &str) -> anyhow::Result<Vec<Initialised>> {
    let lineage = divisions::lineage(code.trim())
        .ok_or_else(|| anyhow::anyhow!("`{code}` is not in the national division table ({EDITION})"))?;
    let actor = Actor::system("api init");
    let txn = begin_write(db).await?;
    let mut out: Vec<Initialised> = Vec::new();
    for division in lineage {
        let found = jurisdiction::Entity::find()
            .filter(jurisdiction::Column::Code.eq(division.code.as_str()))
            .one(&txn)
            .await?;
        if let Some(row) = found {
            out.push(Initialised { row, created: false });
            continue;
        }
        let parent = out.last().map(|p| &p.row);
        let row = jurisdiction::ActiveModel {
            code: Set(division.code.clone()),
            name: Set(division.name.clone()),
            kind: Set(division.kind),
            parent_id: Set(parent.map(|p| p.id)),
            path: Set(match parent {
                Some(parent) => format!("{}{}/", parent.path, division.code),
                None => format!("/{}/", division.code),
            }),
            created_at: Set(chrono::Utc::now()),
            institution_id_digits: Set(4),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let change = Change::created("jurisdiction.init", "jurisdiction", row.id, row.id, &row);
        audit::record(&txn, &actor, change).await?;
        out.push(Initialised { row, created: true });
    }
    crate::write::commit(txn).await?;
    Ok(out)
}
