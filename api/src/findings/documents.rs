//! Slots without a document: establishment an import recorded although the old system kept no
//! number of the decision approving it (an inherited fact, recorded as found, listed so the
//! office finds the decision or has one made).

use std::collections::HashMap;

use entity::enums::EventKind;
use entity::establishment_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{Finding, Findings, finding};
use crate::error::Result;

/// How an import marks the document number of slots the old system recorded without one.
pub const UNDOCUMENTED: &str = "（原系统未载文号）";

/// Ids per `IN (...)` list.
const CHUNK: usize = 5_000;

impl Findings {
    /// Institutions holding slots approved without a document number (imported so), with how many.
    pub async fn slots_without_document(&self) -> Result<Vec<Finding>> {
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let mut slots: HashMap<i32, i64> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<(Option<i32>, i32)> = establishment_event::Entity::find()
                .select_only()
                .column(establishment_event::Column::InstitutionId)
                .column(establishment_event::Column::ApprovedDelta)
                .filter(establishment_event::Column::InstitutionId.is_in(chunk.iter().copied()))
                .filter(establishment_event::Column::Kind.eq(EventKind::Approve))
                .filter(establishment_event::Column::DocumentNo.ends_with(UNDOCUMENTED))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (institution, approved) in rows {
                if let Some(institution) = institution {
                    *slots.entry(institution).or_default() += i64::from(approved);
                }
            }
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|r| {
                let n = *slots.get(&r.id)?;
                let zh = format!("{n}个编制未记录批准文号");
                Some(finding(
                    r,
                    n as f64,
                    zh,
                    format!("{n} slot(s) recorded without the approving decision's document number"),
                ))
            })
            .collect())
    }
}
