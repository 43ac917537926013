//! Loading data: the jurisdiction tree of the demo city, and the demo city itself.

pub mod demo;
mod duties;
mod evaluation;
mod history;
mod names;
mod norms;
mod plan;
#[cfg(test)]
mod plan_tests;
mod pool;

use entity::enums::JurisdictionKind;
use entity::jurisdiction;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Gansu Province, Zhangye City and its six counties and districts (GB/T 2260).
pub const ZHANGYE_TREE: [(&str, &str, JurisdictionKind, Option<&str>); 8] = [
    ("620000", "甘肃省", JurisdictionKind::Province, None),
    ("620700", "张掖市", JurisdictionKind::City, Some("620000")),
    ("620702", "甘州区", JurisdictionKind::District, Some("620700")),
    ("620721", "肃南裕固族自治县", JurisdictionKind::County, Some("620700")),
    ("620722", "民乐县", JurisdictionKind::County, Some("620700")),
    ("620723", "临泽县", JurisdictionKind::County, Some("620700")),
    ("620724", "高台县", JurisdictionKind::County, Some("620700")),
    ("620725", "山丹县", JurisdictionKind::County, Some("620700")),
];

/// Inserts a jurisdiction below `parent` (or as a root), returning the existing one when the
/// code is already there.
pub async fn ensure_jurisdiction<C: ConnectionTrait>(
    db: &C,
    code: &str,
    name: &str,
    kind: JurisdictionKind,
    parent: Option<&jurisdiction::Model>,
) -> Result<jurisdiction::Model, sea_orm::DbErr> {
    if let Some(existing) = jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)).one(db).await? {
        return Ok(existing);
    }
    let path = match parent {
        Some(parent) => format!("{}{code}/", parent.path),
        None => format!("/{code}/"),
    };
    jurisdiction::ActiveModel {
        code: Set(code.to_string()),
        name: Set(name.to_string()),
        kind: Set(kind),
        parent_id: Set(parent.map(|p| p.id)),
        path: Set(path),
        created_at: Set(chrono::Utc::now()),
        institution_id_digits: Set(4),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The province, the demo city and its counties, without any institution.
pub async fn zhangye_tree<C: ConnectionTrait>(db: &C) -> Result<Vec<jurisdiction::Model>, sea_orm::DbErr> {
    let mut created: Vec<jurisdiction::Model> = Vec::new();
    for (code, name, kind, parent) in ZHANGYE_TREE {
        let parent = parent.and_then(|p| created.iter().find(|j| j.code == p)).cloned();
        let row = ensure_jurisdiction(db, code, name, kind, parent.as_ref()).await?;
        created.push(row);
    }
    Ok(created)
}
